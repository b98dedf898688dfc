"""The partnership dashboard and its drill-downs: every figure is counted in SQL, so the
number of queries is the same for a class of three as for a school of thousands."""

import datetime

from django.urls import reverse
from django.utils import timezone

from conversations.models import LearningConversation, UpdateReply, WeeklyUpdate
from learners.models import GoalAgreement, GoalComment
from partnerships.models import Voice
from tests import factories
from tests.query_counts.pages import SIGNED_IN, Page
from tests.query_counts.scene import MORE

NOT_REACHED = (
    "not reached: how many students (the worklist's count)",
    "not reached: the first students, with class",
    "not reached: their whānau with access (prefetch)",
    "not reached: when their whānau last took part (one pass over what whānau did)",
)
FIGURES = (
    "engagement: students whose whānau took part, this period and each term (one pass)",
    "engagement: how many students",
    "voice: goal comments by class and voice, this period and each term",
    "voice: goals proposed, by class and voice",
    "voice: evidence, by class and voice",
    "voice: replies to updates, by class and voice",
    "voice: reflections on conversations, by class and voice",
    "voice: steps of priority learners' inquiries, by class and voice",
    "voice: weekly updates written by students, by class",
    "voice: the names of the classes in the table",
    "co-construction: active goals agreed and proposed, and each term's (one aggregate)",
    "conversations: held, by kind, this period and each term",
    "conversations: booked times in the period, by the round's kind",
    "conversations: follow-ups due in the period, by kind",
    "transitions: students who started, on time, late, overdue (one aggregate)",
    "weekly updates: written, approved, sent, read, replied to (one aggregate)",
    "inquiries: priority learners by the stage of their latest step (one aggregate)",
)
# The whole dashboard, wherever it is shown (its page, and staff home pages).
DASHBOARD = (
    "the school's recent terms",
    *NOT_REACHED,
    *FIGURES,
    "the filter form's class choices",
)


def more_activity(scene) -> list[str]:
    """Students in the world's class and in new classes, each with whānau who took part or
    not, goals, comments, updates with replies, and conversations: every figure grows."""
    classes, quiet = _more(scene)
    return classes + quiet


def more_not_reached(scene) -> list[str]:
    """As ``more_activity``: of it, the drill-down lists the families not reached."""
    return _more(scene)[1]


def _more(scene) -> tuple[list[str], list[str]]:
    world, classes, shown = scene.world, [], []
    now = timezone.now()
    for n in range(MORE):
        classroom = factories.ClassroomFactory(school=world.school, teachers=[world.teacher])
        classes.append(classroom.name)
        for place in (classroom, world.classroom):
            student = factories.StudentFactory(school=world.school, classroom=place)
            link = factories.WhanauLinkFactory(student=student)
            goal = factories.GoalFactory(student=student, proposed_by_voice=Voice.WHANAU)
            GoalAgreement.objects.create(goal=goal, user=link.whanau.user, voice=Voice.WHANAU)
            GoalComment.objects.create(goal=goal, voice=Voice.TEACHER, body="Ka pai")
            update = WeeklyUpdate.objects.create(
                student=student,
                week=world.school.week_of(now),
                learned="Fractions",
                status=WeeklyUpdate.Status.SUBMITTED,
                submitted_at=now,
            )
            UpdateReply.objects.create(update=update, voice=Voice.WHANAU, body="Tino pai")
            LearningConversation.objects.create(
                student=student,
                kind=LearningConversation.Kind.TRANSITION,
                held_at=now - datetime.timedelta(days=n),
            )
        # Whānau who never took part: on the not-reached worklist.
        quiet = factories.StudentFactory(school=world.school, classroom=world.classroom)
        factories.WhanauLinkFactory(student=quiet)
        shown.append(quiet.last_name)
    return classes, shown


def _dashboard(scene) -> str:
    return reverse("dashboard")


def _drill(scene) -> str:
    return reverse("dashboard_students") + "?figure=not_reached"


PAGES = [
    Page("dashboard", "leader", _dashboard, (*SIGNED_IN, *DASHBOARD), more=more_activity),
    Page("dashboard", "teacher", _dashboard, (*SIGNED_IN, *DASHBOARD), more=more_activity),
    Page(
        "dashboard_students",
        "leader",
        _drill,
        (
            *SIGNED_IN,
            "the school's recent terms",
            "how many students are behind the figure",
            "a page of them, with class",
            "their whānau with access (prefetch)",
            "when their whānau last took part (one pass over what whānau did)",
        ),
        more=more_not_reached,
    ),
]
