"""What learners adds to other apps' pages: the student's own home panel, their goals, the
inquiry of a priority learner, and what waits for whānau and the student: a goal to agree to,
a word from the teacher to answer."""

import datetime
import functools
import operator

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.access import goals_visible_to, inquiry_steps_visible_to
from learners.models import Goal, GoalAgreement, GoalComment, goal_url
from partnerships.access import own_whanau_links
from partnerships.models import Student, Voice
from partnerships.pages import HOME, STUDENT_LINKS, WAITING, Waiting

# A word from the teacher waits this long for an answer, then it is old news.
ANSWER_WITHIN = datetime.timedelta(days=30)


@HOME.register("me", template="learners/panels/me.html", order=10)
def me(request, roles) -> dict | None:
    if not roles.is_student:
        return None
    return {"me": Student.objects.select_related("classroom", "school").get(pk=roles.student_id)}


@STUDENT_LINKS.register("goals", order=10)
def goals(request, student, relation) -> dict:
    is_self = student.user_id == request.user.pk
    return {
        "url": reverse("goal_list", args=[student.pk]),
        "label": _("My goals") if is_self else _("Goals"),
    }


@STUDENT_LINKS.register("inquiry", order=40)
def inquiry(request, student, relation) -> dict | None:
    """Staff may start or follow an inquiry for any of their students. Whānau see the button
    only for a priority learner with a step shared with them (and only then is it asked)."""
    link = {"url": reverse("inquiry_detail", args=[student.pk]), "label": _("Learning inquiry")}
    if relation.can_manage:
        return link
    if relation.voice != Voice.WHANAU or not student.is_priority_learner:
        return None
    shared = inquiry_steps_visible_to(request.user).filter(student=student)
    return link if shared.exists() else None


def _family_goals(request, roles):
    """Active goals of the tamariki a whānau member is linked to with access, and a student's
    own: what they are asked about as family (a teacher's students are not)."""
    scopes = []
    if roles.is_student:
        scopes.append(Q(student_id=roles.student_id))
    if roles.is_whanau:
        scopes.append(Q(student__in=own_whanau_links(request.user).values("student_id")))
    if not scopes:
        return None
    return goals_visible_to(request.user).filter(
        functools.reduce(operator.or_, scopes), status=Goal.Status.ACTIVE
    )


def _about(goal, request, *, own: str, theirs: str) -> str:
    if goal.student.user_id == request.user.pk:
        return own % {"goal": goal.title}
    return theirs % {"student": goal.student.display_name, "goal": goal.title}


@WAITING.register("goals_to_agree", order=20)
def goals_to_agree(request, roles) -> list[Waiting] | None:
    """Active goals this person has not agreed to themself. One query."""
    goals = _family_goals(request, roles)
    if goals is None:
        return None
    mine = GoalAgreement.objects.filter(goal=OuterRef("pk"), user=request.user)
    goals = goals.exclude(Exists(mine)).select_related("student").order_by("created_at", "pk")
    return [
        Waiting(
            student_id=goal.student_id,
            sentence=_about(
                goal,
                request,
                own=_("Agree to your goal “%(goal)s”"),
                theirs=_("Agree to %(student)s’s goal “%(goal)s”"),
            ),
            url=goal_url(goal.pk),
            action=_("Read and agree"),
            at=goal.created_at,
        )
        for goal in goals
    ]


@WAITING.register("teacher_words_to_answer", order=30)
def teacher_words_to_answer(request, roles) -> list[Waiting] | None:
    """Goals whose latest word is the school's, recent, and not yet answered: on a goal this
    person has written on before, or a question. One query."""
    goals = _family_goals(request, roles)
    if goals is None:
        return None
    shown = GoalComment.objects.shown().filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    mine = shown.filter(author=request.user)
    goals = (
        goals.annotate(
            last_voice=Subquery(shown.values("voice")[:1]),
            last_at=Subquery(shown.values("created_at")[:1]),
            last_body=Subquery(shown.values("body")[:1]),
            my_last_at=Subquery(mine.values("created_at")[:1]),
        )
        .filter(
            last_voice__in=Voice.school_voices(),
            last_at__gte=timezone.now() - ANSWER_WITHIN,
        )
        .filter(
            Q(my_last_at__isnull=False, last_at__gt=F("my_last_at"))
            | Q(my_last_at__isnull=True, last_body__regex=r"\?\s*$")
        )
        .select_related("student")
        .order_by("last_at", "pk")
    )
    return [
        Waiting(
            student_id=goal.student_id,
            sentence=_about(
                goal,
                request,
                own=_("Kaiako wrote on your goal “%(goal)s”"),
                theirs=_("Kaiako wrote on %(student)s’s goal “%(goal)s”"),
            ),
            url=goal_url(goal.pk, "comments"),
            action=_("Answer"),
            at=goal.last_at,
        )
        for goal in goals
    ]
