"""The report a family keeps: the print view, the PDF, and earlier versions."""

import io
import os
import sys

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from learners.models import Disposition, LearningArea
from partnerships import pdf
from partnerships.models import AuditEvent
from reports import documents, publishing
from reports import services as report_services
from reports.models import AchievementLevel, Report
from tests import factories
from tests.access.objects import Things

pytestmark = pytest.mark.django_db

TEACHER_COMMENT = "Hēmi reads to his little sister every night, and it shows."
HOME_HELP = "We will read together after tea and visit the library on Saturdays."
CORRECTION = "A correction the family has not been sent yet."

# A laptop without Pango skips the PDF's own tests; CI, which requires every service, fails them.
needs_pango = pytest.mark.skipif(
    not pdf.pdf_available() and os.environ.get("MAHI_TAHI_REQUIRE_SERVICES") != "1",
    reason="WeasyPrint cannot load Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0)",
)


def _write(world, report: Report, *, comment: str = TEACHER_COMMENT, support: str = "") -> None:
    """Judgements in two areas, two dispositions, and the teacher's comment."""
    areas = list(LearningArea.objects.filter(school=world.school).order_by("position")[:2])
    at, beyond = AchievementLevel.objects.filter(school=world.school, is_concern=False)[:2]
    dispositions = list(Disposition.objects.filter(school=world.school).order_by("position")[:2])
    report_services.report_save(
        actor=world.teacher,
        report=report,
        teacher_comment=comment,
        support_note=support,
        judgements={
            areas[0].pk: {"level": at.pk, "comment": "Reads with expression."},
            areas[1].pk: {"level": beyond.pk, "comment": ""},
        },
        dispositions={
            dispositions[0].pk: {"progress": "strength", "comment": "Keeps going when stuck."},
            dispositions[1].pk: {"progress": "growing", "comment": ""},
        },
    )


def _publish(world, report: Report) -> Report:
    report_services.report_mark_ready(actor=world.teacher, report=report)
    publishing.report_publish(actor=world.teacher, report=report)
    report.refresh_from_db()
    return report


@pytest.fixture
def things(world):
    return Things(world)


@pytest.fixture
def published(world, things) -> Report:
    """The student's report gone home, with a goal two of whose three steps are done, and
    the family's "how you can help at home"."""
    for done in (True, True, False):
        factories.NextStepFactory(goal=world.goal, done_at=timezone.now() if done else None)
    report = things.report
    _write(world, report)
    report = _publish(world, report)
    publishing.report_home_help_save(actor=world.whanau, report=report, text=HOME_HELP)
    report.refresh_from_db()
    return report


def _pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.getvalue()))


def _text(document: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in document.pages)


def _fonts(document: PdfReader) -> set[str]:
    """The families of the fonts the PDF embeds (``/ABCDEF+Report-Sans-Bold``: Report-Sans)."""
    families = set()
    for page in document.pages:
        for font in page["/Resources"]["/Font"].values():
            name = str(font.get_object()["/BaseFont"]).split("+")[-1]
            families.add(name.removesuffix("-Bold").removesuffix("-Italic"))
    return families


def _flat(text: str) -> str:
    return " ".join(text.split())


@needs_pango
def test_the_pdf_holds_the_whole_report(client, world, published):
    """The PDF has the student, round, each area and level, the comment and the family's part."""
    client.force_login(world.whanau)
    response = client.get(reverse("report_pdf", args=[published.pk]))
    document = _pdf(response)
    text = _text(document)
    content = published.versions.get().content
    assert world.student.full_name in text
    assert "Mid-year" in text
    assert "Kōwhai School" in text  # macrons survive the font
    for judgement in content["judgements"]:
        assert judgement["area"] in text
        assert judgement["level"] in text
    assert _flat(TEACHER_COMMENT) in text
    assert _flat(HOME_HELP) in text
    assert "2 of 3 next steps done" in text
    assert world.whanau.name in text  # who wrote the family's part
    assert _fonts(document) == {"Report-Sans", "Report-Sans-Extended"}  # ours, nothing else
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.endswith('-mid-year.pdf"')
    assert disposition.isascii()


@needs_pango
def test_a_report_being_corrected_gives_the_published_version(client, world, published):
    """While a correction is written, the PDF and print view are still what went home."""
    _write(world, published, comment=CORRECTION)
    published.refresh_from_db()
    assert published.is_correction
    client.force_login(world.whanau)
    text = _text(_pdf(client.get(reverse("report_pdf", args=[published.pk]))))
    assert _flat(TEACHER_COMMENT) in text
    assert CORRECTION not in text
    page = client.get(reverse("report_print", args=[published.pk])).content.decode()
    assert CORRECTION not in page
    assert "Hēmi reads to his little sister" in page


def test_the_print_view_shows_the_published_version(client, world, published):
    """Whānau print the version they were sent, with the scale marked and their own words."""
    client.force_login(world.whanau)
    response = client.get(reverse("report_print", args=[published.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in page
    assert "step step-here" in page
    assert "Level:" in page
    assert HOME_HELP in page
    assert "Draft" not in page
    assert "Corrected: version" not in page
    assert 'class="ruled"' not in page


def test_without_the_familys_words_the_print_has_lines_to_write_on(client, world, things):
    """An empty "how you can help at home" prints as ruled lines."""
    report = _publish(world, things.report)
    client.force_login(world.student_user)
    page = client.get(reverse("report_print", args=[report.pk])).content.decode()
    assert 'class="ruled"' in page
    assert page.count('class="ruled-line"') == len(documents.RULED_LINES)


def test_the_print_view_is_in_the_readers_language(client, world, published, settings):
    """The fixed words follow the reader's language; what the school wrote stays as written."""
    client.force_login(world.whanau)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "mi"
    page = client.get(reverse("report_print", args=[published.pk])).content.decode()
    assert 'lang="mi"' in page
    assert TEACHER_COMMENT in page
    # The learning areas every school starts with, in te reo; the browser's menu names, which
    # stay English, marked as English for a screen reader.
    assert "Reo Pākehā" in page  # "English", the first learning area
    assert "Ngā toi" in page  # "The arts"
    assert '(<span lang="en">Print</span>)' in page


def test_staff_preview_a_draft_marked_as_not_sent(client, world, things):
    """Before it first goes home, its teacher prints the draft, marked as one."""
    report = things.report
    _write(world, report, support="Reading Recovery three mornings a week.")
    client.force_login(world.teacher)
    page = client.get(reverse("report_print", args=[report.pk])).content.decode()
    assert "Draft: not yet sent home" in page
    assert TEACHER_COMMENT in page
    assert "Reading Recovery three mornings a week." in page  # learning support, when present


def test_learning_support_is_left_out_when_there_is_none(client, world, published):
    """No support note: no learning support heading."""
    client.force_login(world.whanau)
    page = client.get(reverse("report_print", args=[published.pk])).content.decode()
    assert "Learning support" not in page


def test_whanau_never_see_an_unpublished_report(client, world, things):
    """A draft is a 404 for whānau and the student, on every document URL."""
    report = things.report
    for user in (world.whanau, world.student_user):
        client.force_login(user)
        for name, args in (
            ("report_print", [report.pk]),
            ("report_pdf", [report.pk]),
            ("report_version", [report.pk, 1]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 404, (name, user)


def test_another_familys_report_is_hidden(client, world, published):
    """Whānau of another student get a 404 for this report and its PDF."""
    client.force_login(world.other_whanau)
    assert client.get(reverse("report_print", args=[published.pk])).status_code == 404
    assert client.get(reverse("report_pdf", args=[published.pk])).status_code == 404
    assert client.get(reverse("report_version", args=[published.pk, 1])).status_code == 404


def test_staff_asking_for_the_pdf_of_a_draft_are_sent_back_with_a_reason(client, world, things):
    """No PDF before the report goes home: staff go back to the report, told why."""
    client.force_login(world.teacher)
    response = client.get(reverse("report_pdf", args=[things.report.pk]))
    assert response.status_code == 302
    assert response.url == reverse("report_detail", args=[things.report.pk])
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["There is no PDF until the report has gone home."]


def test_an_earlier_version_says_it_was_replaced_and_what_changed(client, world, published):
    """Version 1 after a correction: its own text, and a banner naming the changed parts."""
    _write(world, published, comment=CORRECTION)
    _publish(world, published)
    client.force_login(world.whanau)
    old = client.get(reverse("report_version", args=[published.pk, 1])).content.decode()
    assert "Hēmi reads to his little sister" in old
    assert CORRECTION not in old
    assert "This version was replaced on" in old
    assert "Changed in the next version: Teacher’s comment." in old
    current = client.get(reverse("report_version", args=[published.pk, 2])).content.decode()
    assert CORRECTION in current
    assert "This version was replaced" not in current
    assert "Corrected: version 2" in current


def test_a_version_that_never_went_home_is_a_404(client, world, published):
    """Only published numbers exist: the next one (being written) and 0 are 404s."""
    client.force_login(world.teacher)
    for number in (0, 2):
        response = client.get(reverse("report_version", args=[published.pk, number]))
        assert response.status_code == 404


def test_each_view_is_recorded_as_viewed(client, world, published):
    """Printing and reading a version each write one "viewed" row on the student's record."""
    client.force_login(world.whanau)
    viewed = AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED, student=world.student)
    before = viewed.count()
    client.get(reverse("report_print", args=[published.pk]))
    client.get(reverse("report_version", args=[published.pk, 1]))
    assert viewed.count() == before + 2
    assert viewed.latest("pk").actor == world.whanau


def test_without_pango_the_pdf_url_says_how_to_print(client, world, published, monkeypatch):
    """Where WeasyPrint cannot run, the PDF link explains how to save one from the browser."""
    monkeypatch.setattr(pdf, "pdf_available", lambda: False)
    client.force_login(world.whanau)
    response = client.get(reverse("report_pdf", args=[published.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("report_print", args=[published.pk]) in page
    assert "Save as PDF" in page


def test_a_pdf_that_fails_to_render_says_how_to_print(client, world, published, monkeypatch):
    """Should WeasyPrint fail on a report, the family gets the way to print, not an error."""

    def broken(html, *, base_url):
        raise RuntimeError("Pango gave up")

    monkeypatch.setattr(pdf, "pdf_available", lambda: True)
    monkeypatch.setattr(pdf, "render_pdf", broken)
    client.force_login(world.whanau)
    response = client.get(reverse("report_pdf", args=[published.pk]))
    assert response.status_code == 200
    assert "Save as PDF" in response.content.decode()


def test_pdf_available_is_false_when_weasyprint_cannot_load(monkeypatch):
    """A missing Pango (or WeasyPrint) reads as "no PDF", not an error."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now raises ImportError
    assert pdf.pdf_available.__wrapped__() is False


def test_the_pdf_reads_only_our_static_files(settings):
    """Stylesheets and fonts come from our static files; any other URL is refused."""
    base = "http://testserver/"
    assert pdf.static_path("http://testserver/static/css/report.css", base_url=base)
    assert pdf.static_path("http://elsewhere.example/static/css/report.css", base_url=base) is None
    assert (
        pdf.static_path("http://testserver/static/../config/settings/base.py", base_url=base)
        is None
    )
    assert pdf.static_path("http://testserver/media/evidence.png", base_url=base) is None
    assert pdf.static_path("file:///etc/passwd", base_url=base) is None
    assert pdf.static_path("http://testserver/static/no-such-file.css", base_url=base) is None


def test_the_pdf_filename_is_ascii():
    """Macrons and spaces become a plain file name; later versions say which they are."""
    version = type("Version", (), {})()
    version.content = {"student": {"name": "Mere Tāwhiri"}, "round": "Mid-year 2026"}
    version.number = 1
    assert documents.pdf_filename(version) == "mere-tawhiri-mid-year-2026.pdf"
    version.number = 2
    assert documents.pdf_filename(version) == "mere-tawhiri-mid-year-2026-v2.pdf"
