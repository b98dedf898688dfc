"""The partnership dashboard and its drill-downs: every figure is counted in SQL, so the
number of queries is the same for a class of three as for a school of thousands."""

import datetime

from django.urls import reverse
from django.utils import timezone

from conversations.models import LearningConversation, UpdateReply, WeeklyUpdate
from learners.models import GoalAgreement, GoalComment
from partnerships.models import Voice
from reports.models import Report, ReportResponse, ReportRound, ReportVersion
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
    "voice: how you can help at home on reports, by class and voice",
    "voice: responses to reports, by class and voice",
    "voice: weekly updates written by students, by class",
    "voice: the names of the classes in the table",
    "co-construction: active goals agreed and proposed, and each term's (one aggregate)",
    "conversations: held, by kind, this period and each term",
    "conversations: booked times in the period, by the round's kind",
    "conversations: follow-ups due in the period, by kind",
    "transitions: students who started, on time, late, overdue (one aggregate)",
    "weekly updates: written, approved, sent, read, replied to (one aggregate)",
    "reports: sent home this period and each term, the family's part, held now (one aggregate)",
    "reports: the recent rounds, each with sent home, the family's part and held",
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


def _round(world) -> ReportRound:
    today = timezone.localdate()
    round_, _created = ReportRound.objects.get_or_create(
        school=world.school,
        name="End of year",
        defaults={
            "period_starts_on": today - datetime.timedelta(days=60),
            "due_on": today + datetime.timedelta(days=14),
        },
    )
    return round_


def _report(world, student, *, held=False, sent=None, home_help="") -> Report:
    """A report of the student: held by the check, or sent home ``sent`` and written back to."""
    report = Report.objects.create(
        round=_round(world),
        student=student,
        status=Report.Status.PUBLISHED if sent else Report.Status.READY,
        published_version=1 if sent else 0,
        held_at=timezone.now() if held else None,
        home_help=home_help,
        home_help_voice=Voice.WHANAU if home_help else "",
        home_help_at=sent if home_help else None,
    )
    if sent:
        ReportVersion.objects.create(report=report, number=1, content={}, published_at=sent)
    return report


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
            report = _report(world, student, sent=now, home_help="Read together every night")
            ReportResponse.objects.create(report=report, voice=Voice.WHANAU, body="Ka pai")
        # Whānau who never took part: on the not-reached worklist.
        quiet = factories.StudentFactory(school=world.school, classroom=world.classroom)
        factories.WhanauLinkFactory(student=quiet)
        _report(world, quiet, held=True)
        shown.append(quiet.last_name)
    return classes, shown


def one_held(scene) -> None:
    """The world's student has a report the no-surprises check holds."""
    _report(scene.world, scene.world.student, held=True)


def more_held(scene) -> list[str]:
    """More students of the class with a held report: each listed, linked to the report."""
    shown = []
    for _n in range(MORE):
        student = factories.StudentFactory(
            school=scene.world.school, classroom=scene.world.classroom
        )
        factories.WhanauLinkFactory(student=student)
        report = _report(scene.world, student, held=True)
        shown += [student.last_name, reverse("report_detail", args=[report.pk])]
    return shown


def _dashboard(scene) -> str:
    return reverse("dashboard")


def _drill(scene) -> str:
    return reverse("dashboard_students") + "?figure=not_reached"


def _held(scene) -> str:
    return reverse("dashboard_students") + "?figure=reports_held"


DRILL = (
    "the school's recent terms",
    "how many students are behind the figure",
    "a page of them, with class",
    "their whānau with access (prefetch)",
    "when their whānau last took part (one pass over what whānau did)",
)

PAGES = [
    Page("dashboard", "leader", _dashboard, (*SIGNED_IN, *DASHBOARD), more=more_activity),
    Page("dashboard", "teacher", _dashboard, (*SIGNED_IN, *DASHBOARD), more=more_activity),
    Page(
        "dashboard_students",
        "leader",
        _drill,
        (*SIGNED_IN, *DRILL),
        more=more_not_reached,
    ),
    # A figure about reports: each student's name opens their report, in the same queries.
    Page(
        "dashboard_students",
        "teacher",
        _held,
        (*SIGNED_IN, *DRILL),
        given=one_held,
        more=more_held,
    ),
]
