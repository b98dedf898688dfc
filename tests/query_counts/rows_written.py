"""Written reports: rounds, a report for each person who reads or writes it, and the pages
the student and whānau reach it from. Lists are measured with more students, goals and
versions: nothing is asked per row."""

import datetime

from django.urls import reverse
from django.utils import timezone

from learners.models import LearningArea
from reports import publishing, services
from reports.models import AchievementLevel, Report
from tests import factories
from tests.query_counts.pages import AUDIT_VIEWED, RELATION, SIGNED_IN, Page
from tests.query_counts.scene import MORE


def _round(scene):
    if not hasattr(scene, "report_round"):
        today = timezone.localdate()
        scene.report_round = services.report_round_create(
            actor=scene.world.leader,
            school=scene.world.school,
            name="Mid-year",
            period_starts_on=today - datetime.timedelta(days=60),
            due_on=today + datetime.timedelta(days=14),
            classes=[scene.world.classroom],
        )
    return scene.report_round


def _report(scene) -> Report:
    report = Report.objects.get(round=_round(scene), student=scene.world.student)
    if not report.judgements.exists():
        area = LearningArea.objects.filter(school=scene.world.school).first()
        level = AchievementLevel.objects.filter(school=scene.world.school).last()
        services.report_save(
            actor=scene.world.teacher,
            report=report,
            teacher_comment="Steady growth in reading.",
            support_note="",
            judgements={area.pk: {"level": level.pk, "comment": "Confident"}},
            dispositions={},
        )
    return report


def _published(scene) -> Report:
    report = _report(scene)
    if not report.is_published:
        services.report_mark_ready(actor=scene.world.teacher, report=report)
        publishing.report_publish(actor=scene.world.teacher, report=report)
        report.refresh_from_db()
    return report


def _more_students(scene) -> list[str]:
    """More students in the class, each with a draft report in the round."""
    names = []
    for _ in range(MORE):
        student = factories.StudentFactory(
            school=scene.world.school, classroom=scene.world.classroom
        )
        Report.objects.create(round=_round(scene), student=student)
        names.append(student.full_name)
    return names


def _more_goals(scene) -> list[str]:
    titles = []
    for _ in range(MORE):
        goal = factories.GoalFactory(student=scene.world.student)
        titles.append(goal.title)
    return titles


def _more_rounds(scene) -> list[str]:
    names = []
    today = timezone.localdate()
    for n in range(MORE):
        round_ = services.report_round_create(
            actor=scene.world.leader,
            school=scene.world.school,
            name=f"Round {n}",
            period_starts_on=today - datetime.timedelta(days=60),
            due_on=today + datetime.timedelta(days=n),
            classes=[scene.world.classroom],
        )
        report = Report.objects.get(round=round_, student=scene.world.student)
        services.report_mark_ready(actor=scene.world.teacher, report=report)
        publishing.report_publish(actor=scene.world.teacher, report=report)
        names.append(round_.name)
    return names


def _reflecting(scene) -> Report:
    report = _report(scene)
    services.report_ask_reflection(actor=scene.world.teacher, report=report)
    return report


def _run(scene):
    report = _report(scene)
    services.report_mark_ready(actor=scene.world.teacher, report=report)
    run = publishing.publish_run_start(
        actor=scene.world.teacher, round_=_round(scene), classroom=scene.world.classroom
    )
    publishing.publish_run_continue(run.pk)
    return run


ROUNDS = (*SIGNED_IN, "the school's rounds, each with my reports counted: all, published, held")
REPORT = "the report, with round, school, student and class, if I may see it"
VIEWED_REPORT = (*SIGNED_IN, REPORT, RELATION, *AUDIT_VIEWED, "its versions, newest first")
STUDENT_REPORTS = (
    *SIGNED_IN,
    "the student, if visible to me",
    RELATION,
    "their reports I may see, with round",
    "those waiting for my reflection (none: I am not the student)",
)

PAGES = [
    Page(
        "report_round_list",
        "leader",
        lambda s: reverse("report_round_list"),
        (*ROUNDS, "the classes to choose for a new round"),
        given=_round,
        more=_more_rounds,
    ),
    Page(
        "report_round_list",
        "teacher",
        lambda s: reverse("report_round_list"),
        ROUNDS,
        given=_round,
        more=_more_rounds,
    ),
    Page(
        "report_round_detail",
        "teacher",
        lambda s: reverse("report_round_detail", args=[_round(s).pk]),
        (
            *SIGNED_IN,
            "the round, with school, if it is my school's",
            "the classes of it I may see",
            "my students' reports in it, with student",
            "the runs publishing its classes",
        ),
        given=_published,
        more=_more_students,
    ),
    Page(
        "report_detail",
        "teacher",
        lambda s: reverse("report_detail", args=[_report(s).pk]),
        (
            *VIEWED_REPORT,
            "do I lead the school? (approval, publishing anyway)",
            "the content: judgements, with area and level",
            "the content: dispositions' progress, with disposition",
            "the content: the school's scale",
            "the content: the class's teachers",
            "the check: judgements at a level of concern",
            "the check: dispositions marked as a concern",
            "the content: goals of the round, with area and next steps counted",
            "the whānau it goes to",
            "responses from the family, with authors",
        ),
        more=_more_goals,
    ),
    Page(
        "report_detail",
        "whanau",
        lambda s: reverse("report_detail", args=[_published(s).pk]),
        (*VIEWED_REPORT, "responses from the family, with authors"),
    ),
    Page(
        "report_detail",
        "student_user",
        lambda s: reverse("report_detail", args=[_published(s).pk]),
        (*VIEWED_REPORT, "responses from the family, with authors"),
    ),
    Page(
        "report_edit",
        "teacher",
        lambda s: reverse("report_edit", args=[_report(s).pk]),
        (
            *SIGNED_IN,
            "the report, with round, school, student and class, if I manage the student",
            "the school's learning areas",
            "the school's dispositions",
            "the school's scale",
            "the report's judgements (the form's first values)",
            "the report's dispositions' progress (the form's first values)",
        ),
    ),
    Page(
        "student_reports",
        "whanau",
        lambda s: reverse("student_reports", args=[s.world.student.pk]),
        STUDENT_REPORTS,
        given=_published,
        more=_more_rounds,
    ),
    Page(
        "student_reports",
        "teacher",
        lambda s: reverse("student_reports", args=[s.world.student.pk]),
        STUDENT_REPORTS,
        given=_published,
        more=_more_rounds,
    ),
    Page(
        "report_reflection",
        "student_user",
        lambda s: reverse("report_reflection", args=[_reflecting(s).pk]),
        (
            *SIGNED_IN,
            "my report waiting for my reflection, with round, school, student and class",
            "my active goals",
        ),
        more=_more_goals,
    ),
    Page(
        "publish_run_detail",
        "teacher",
        lambda s: reverse("publish_run_detail", args=[_run(s).pk]),
        (
            *SIGNED_IN,
            "the run, with round and class, if I may see the class",
            "the reports it held, with student (none held: not-ready asks nothing)",
        ),
    ),
]
