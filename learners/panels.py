"""What learners adds to other apps' pages: the student's own home panel, their goals, the
inquiry of a priority learner, and what waits for whānau and the student: a goal to agree to,
a word from the teacher to answer."""

import datetime
import functools
import operator
import re

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.access import goals_visible_to, inquiry_steps_visible_to
from learners.models import Goal, GoalAgreement, GoalComment, goal_url
from partnerships.access import own_whanau_links
from partnerships.models import Voice
from partnerships.pages import HOME, STUDENT_LINKS, WAITING, Waiting, own_student

# A word from the teacher waits this long for an answer, then it is old news.
ANSWER_WITHIN = datetime.timedelta(days=30)
QUESTION = re.compile(r"\?\s*$")


@HOME.register("me", template="learners/panels/me.html", order=10)
def me(request, roles) -> dict | None:
    if not roles.is_student:
        return None
    return {"me": own_student(request, roles)}


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


def _goals_waiting(request, roles) -> list[Goal] | None:
    """The family's active goals that wait for this person: not yet agreed to by them
    (``agreed``), or with the school's word to answer (``to_answer``). One query for both
    entries below, the first time a request asks."""
    if not hasattr(request, "_mahi_tahi_goals_waiting"):
        request._mahi_tahi_goals_waiting = _ask_goals_waiting(request, roles)
    return request._mahi_tahi_goals_waiting


def _ask_goals_waiting(request, roles) -> list[Goal] | None:
    goals = _family_goals(request, roles)
    if goals is None:
        return None
    mine = GoalAgreement.objects.filter(goal=OuterRef("pk"), user=request.user)
    shown = GoalComment.objects.shown().filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    my_words = shown.filter(author=request.user)
    # A family's active goals are few: each is read once, with its latest word, and what
    # waits is decided here (in SQL, each condition on a latest word repeated its subquery).
    goals = goals.annotate(
        agreed=Exists(mine),
        last_voice=Subquery(shown.values("voice")[:1]),
        last_at=Subquery(shown.values("created_at")[:1]),
        last_body=Subquery(shown.values("body")[:1]),
        my_last_at=Subquery(my_words.values("created_at")[:1]),
    ).select_related("student")
    answer_since = timezone.now() - ANSWER_WITHIN
    waiting = []
    for goal in goals:
        goal.to_answer = _to_answer(goal, since=answer_since)
        if goal.to_answer or not goal.agreed:
            waiting.append(goal)
    return waiting


def _to_answer(goal, *, since) -> bool:
    """The latest word is the school's, since ``since``, and not yet answered: on a goal this
    person has written on before, a word after theirs; else, a question."""
    if goal.last_voice not in Voice.school_voices() or goal.last_at < since:
        return False
    if goal.my_last_at is not None:
        return goal.last_at > goal.my_last_at
    return QUESTION.search(goal.last_body) is not None


def _about(goal, request, *, own: str, theirs: str) -> str:
    if goal.student.user_id == request.user.pk:
        return own % {"goal": goal.title}
    return theirs % {"student": goal.student.display_name, "goal": goal.title}


@WAITING.register("goals_to_agree", order=20)
def goals_to_agree(request, roles) -> list[Waiting] | None:
    """Active goals this person has not agreed to themself (``_goals_waiting``)."""
    goals = _goals_waiting(request, roles)
    if goals is None:
        return None
    to_agree = sorted(
        (goal for goal in goals if not goal.agreed), key=lambda g: (g.created_at, g.pk)
    )
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
        for goal in to_agree
    ]


@WAITING.register("teacher_words_to_answer", order=30)
def teacher_words_to_answer(request, roles) -> list[Waiting] | None:
    """Goals whose latest word is the school's, recent, and not yet answered: on a goal this
    person has written on before, or a question (``_goals_waiting``)."""
    goals = _goals_waiting(request, roles)
    if goals is None:
        return None
    to_answer = sorted((goal for goal in goals if goal.to_answer), key=lambda g: (g.last_at, g.pk))
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
        for goal in to_answer
    ]
