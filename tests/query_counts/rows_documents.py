"""A report as a family keeps it: the print view, the PDF and a version. A published version
is read whole from its frozen content, so what it holds costs no query; a draft's preview
reads the report as it stands, in the same few queries however much it holds."""

from django.urls import reverse
from django.utils import timezone

from learners.models import Disposition, LearningArea
from partnerships import pdf
from reports import publishing
from reports import services as report_services
from reports.models import AchievementLevel, Report
from tests import factories
from tests.access.objects import Things
from tests.query_counts.pages import AUDIT_VIEWED, SIGNED_IN, Page
from tests.query_counts.scene import MORE

THE_REPORT = (
    "the report, if visible to me, with round, school, student, class and who wrote the "
    "family's part; whether I manage it (one query)"
)
PUBLISHED = (*SIGNED_IN, THE_REPORT, "the version whānau have", *AUDIT_VIEWED)
DRAFT = (
    *SIGNED_IN,
    THE_REPORT,
    "draft: the school's achievement scale",
    "draft: its judgements, with learning area and level",
    "draft: its dispositions, with the disposition",
    "draft: the class's teachers",
    "draft: the student's goals of the round, with area and steps done (one aggregate)",
    *AUDIT_VIEWED,
)
VERSION = (
    *SIGNED_IN,
    THE_REPORT,
    "the version asked for, and the next one (which says what it changed)",
    *AUDIT_VIEWED,
)


def _drafted(scene) -> Report:
    """The student's report with one of everything a report shows (made once per test)."""
    made = vars(scene)
    if "document_report" not in made:
        made["document_report"] = Things(scene.world).report
        _add(scene, made["document_report"], count=1)
    return made["document_report"]


def _published(scene) -> Report:
    report = _drafted(scene)
    if not report.is_published:
        _publish(scene, report)
    return report


def _publish(scene, report: Report) -> None:
    report_services.report_mark_ready(actor=scene.world.teacher, report=report)
    publishing.report_publish(actor=scene.world.teacher, report=report)
    report.refresh_from_db()


def _add(scene, report: Report, *, count: int) -> list[str]:
    """``count`` more learning areas judged, dispositions and goals with a step done."""
    world, shown = scene.world, []
    school = world.school
    level = AchievementLevel.objects.filter(school=school, is_concern=False).first()
    judgements = {j.learning_area_id: {"level": j.level_id} for j in report.judgements.all()}
    dispositions = {d.disposition_id: {"progress": d.progress} for d in report.dispositions.all()}
    for _n in range(count):
        area = LearningArea.objects.create(school=school, name=f"Reported area {len(judgements)}")
        judgements[area.pk] = {"level": level.pk, "comment": f"Comment on {area.name}"}
        disposition = Disposition.objects.create(
            school=school, name=f"Reported trait {len(dispositions)}"
        )
        dispositions[disposition.pk] = {"progress": "growing", "comment": ""}
        goal = factories.GoalFactory(student=world.student, learning_area=area)
        factories.NextStepFactory(goal=goal, done_at=timezone.now())
        shown += [area.name, f"Comment on {area.name}", disposition.name, goal.title]
    report_services.report_save(
        actor=world.teacher,
        report=report,
        teacher_comment=f"{report.teacher_comment} More to say.".strip(),
        support_note="",
        judgements=judgements,
        dispositions=dispositions,
    )
    report.refresh_from_db()
    return shown


def more_in_draft(scene) -> list[str]:
    return _add(scene, _drafted(scene), count=MORE)


def more_published(scene) -> list[str]:
    """A correction that goes home holding more of everything: the page shows it."""
    report = _published(scene)
    shown = _add(scene, report, count=MORE)
    _publish(scene, report)
    return shown


def _corrected(scene) -> None:
    """Version 1 went home, then a correction as version 2."""
    report = _published(scene)
    _add(scene, report, count=1)
    _publish(scene, report)


PAGES = [
    Page(
        "report_print",
        "whanau",
        lambda s: reverse("report_print", args=[_published(s).pk]),
        PUBLISHED,
        more=more_published,
    ),
    Page(
        "report_print",
        "teacher",
        lambda s: reverse("report_print", args=[_drafted(s).pk]),
        DRAFT,
        more=more_in_draft,
    ),
    Page(
        "report_pdf",
        "whanau",
        lambda s: reverse("report_pdf", args=[_published(s).pk]),
        # Where Pango is missing, the page says how to print instead, and reads no version.
        PUBLISHED if pdf.pdf_available() else (*SIGNED_IN, THE_REPORT),
    ),
    Page(
        "report_version",
        "whanau",
        lambda s: reverse("report_version", args=[_published(s).pk, 1]),
        VERSION,
        given=_corrected,
    ),
]
