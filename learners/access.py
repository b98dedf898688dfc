"""Who may see and change goals, next steps, evidence, comments and inquiry steps: built on the
students a person may see (``partnerships.access``)."""

from django.db.models import Q, QuerySet

from learners.models import Evidence, Goal, GoalComment, InquiryStep, NextStep
from partnerships.access import (
    Relation,
    own_whanau_links,
    relation_to,
    signed_in,
    students_led_by,
    students_managed_by,
    students_visible_to,
)


def goals_visible_to(user) -> QuerySet[Goal]:
    """Goals of the students this person may see."""
    return Goal.objects.filter(student__in=students_visible_to(user))


def goal_seen_by(user, goals: QuerySet[Goal], pk: int) -> tuple[Goal, Relation] | None:
    """The goal ``pk`` of ``goals`` (the page's queryset, annotated as it needs) if it is among
    ``goals_visible_to(user)``, with how the person stands to its student; else ``None``.

    For a page that needs the relation (``relation_to``) anyway: the goal by its key, then the
    relation, whose ``can_see`` is ``students_visible_to`` asked of this one student. Two
    queries, as with the scope, without building the scope's subqueries for one goal.
    """
    goal = goals.select_related("student").filter(pk=pk).first()
    if goal is None:
        return None
    relation = relation_to(user, goal.student)
    return (goal, relation) if relation.can_see else None


def goals_managed_by(user) -> QuerySet[Goal]:
    """Goals a leader or teacher of the student may edit, with their next steps."""
    return Goal.objects.filter(student__in=students_managed_by(user))


def goals_editable_by(user) -> QuerySet[Goal]:
    """Staff edit any goal of their students; students and whānau edit the goals they proposed."""
    if not signed_in(user):
        return Goal.objects.none()
    return Goal.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(student__in=students_visible_to(user), proposed_by=user)
    )


def next_steps_visible_to(user) -> QuerySet[NextStep]:
    return NextStep.objects.filter(goal__in=goals_visible_to(user))


def next_steps_managed_by(user) -> QuerySet[NextStep]:
    return NextStep.objects.filter(goal__in=goals_managed_by(user))


# Evidence whānau and the student may see: all but a photo or PDF showing other children that
# no teacher has yet confirmed may be shared (it is "held").
SHARED_EVIDENCE = Q(shows_others=False) | Q(confirmed_at__isnull=False)


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence on goals they can see; held evidence only to the student's staff side (their
    teachers and leaders, who check it), never to whānau or the student until confirmed."""
    if not signed_in(user):
        return Evidence.objects.none()
    return Evidence.objects.filter(
        Q(goal__in=goals_visible_to(user)) & SHARED_EVIDENCE
        | Q(goal__student__in=students_managed_by(user))
        | Q(goal__student__in=students_led_by(user))
    )


def evidence_on_goal_seen_by(goal: Goal, relation: Relation) -> QuerySet[Evidence]:
    """``evidence_visible_to`` on one goal already found among ``goals_visible_to``, given how
    the person stands to its student (``relation_to``): held evidence only for the staff side."""
    evidence = Evidence.objects.filter(goal=goal)
    return evidence if relation.reads_as_staff else evidence.filter(SHARED_EVIDENCE)


def evidence_managed_by(user) -> QuerySet[Evidence]:
    """Evidence a leader or teacher of the student may confirm as fit to share."""
    return Evidence.objects.filter(goal__student__in=students_managed_by(user))


def comments_visible_to(user) -> QuerySet[GoalComment]:
    """Comments on goals they can see; hidden ones only to the student’s leaders and teachers."""
    return GoalComment.objects.filter(
        Q(goal__in=goals_visible_to(user), hidden_at__isnull=True)
        | Q(goal__in=goals_managed_by(user))
    )


def comments_hideable_by(user) -> QuerySet[GoalComment]:
    return GoalComment.objects.filter(goal__in=goals_managed_by(user))


def comments_on_goal_seen_by(goal: Goal, relation: Relation) -> QuerySet[GoalComment]:
    """``comments_visible_to`` on one goal already found among ``goals_visible_to``, given how
    the person stands to its student (``relation_to``): hidden ones only for the staff side.
    The same rule, asked without the scopes' subqueries."""
    comments = GoalComment.objects.filter(goal=goal)
    return comments if relation.reads_as_staff else comments.shown()


def whanau_comments_awaiting(user) -> QuerySet[GoalComment]:
    """Whānau comments nobody at school has answered yet, on the goals of the students this
    person manages: their inbox."""
    return GoalComment.objects.unanswered_whanau().filter(
        goal__student__in=students_managed_by(user)
    )


def inquiry_steps_visible_to(user) -> QuerySet[InquiryStep]:
    """Every step to the student's leaders and teachers; to whānau with access, the steps
    shared with them. The student sees none: a child need not be told they are a priority."""
    if not signed_in(user):
        return InquiryStep.objects.none()
    return InquiryStep.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(student__in=own_whanau_links(user).values("student_id"), shared_with_whanau=True)
    )
