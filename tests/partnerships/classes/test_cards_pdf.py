"""A class's sign-in cards as one A4 PDF: every working card, cut lines, the school's language."""

import datetime
import io
import os
import re

import pytest
import segno
from django.contrib.messages import get_messages
from django.urls import reverse
from pypdf import PdfReader

from partnerships import pdf
from partnerships.classes import views
from partnerships.classes.services import class_cards_issue
from partnerships.models import AuditEvent, SignInCard
from tests import factories

pytestmark = pytest.mark.django_db

# A laptop without Pango skips the PDF's own tests; CI, which requires every service, fails them.
needs_pango = pytest.mark.skipif(
    not pdf.pdf_available() and os.environ.get("MAHI_TAHI_REQUIRE_SERVICES") != "1",
    reason="WeasyPrint cannot load Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0)",
)


def _url(world, **query) -> str:
    url = reverse("class_cards_pdf", args=[world.classroom.pk])
    return url + "".join(f"?{key}={value}" for key, value in query.items())


def _class_of(world, size: int) -> list[SignInCard]:
    """The world's class filled up to ``size`` students, each with a working card."""
    for _ in range(size - 2):  # the world's student and classmate are in it already
        factories.StudentFactory(school=world.school, classroom=world.classroom)
    return class_cards_issue(classroom=world.classroom, by=world.teacher)


def _pdf(client, url) -> PdfReader:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def _text(reader: PdfReader) -> str:
    """The words of every page, each run of spaces and line breaks as one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def printed_html(monkeypatch):
    """The cards' page as it goes to WeasyPrint, kept for the test to read."""
    kept = []

    def render(html, *, base_url):
        kept.append(html)
        return b"%PDF-1.7 made in the test"

    monkeypatch.setattr(pdf, "pdf_available", lambda: True)
    monkeypatch.setattr(pdf, "render_pdf", render)
    return kept


@needs_pango
def test_a_class_of_thirty_prints_on_three_a4_sheets(client, world):
    """Thirty cards, ten a sheet: three A4 pages, each name and code on them; a student
    without a card yet is named at the foot of the first, on no sheet of its own."""
    cards = _class_of(world, 30)
    newcomer = factories.StudentFactory(school=world.school, classroom=world.classroom)
    client.force_login(world.teacher)
    reader = _pdf(client, _url(world))
    assert len(reader.pages) == 3
    width, height = (float(n) for n in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = _text(reader)
    flat = re.sub(r"\s+", "", text)
    for card in cards:
        student = card.student
        assert f"{student.display_name} {student.last_name}" in text
        assert card.display_code in flat
    assert world.school.name in text
    assert world.classroom.name in text
    assert "Scan the code, or go to testserver/card/ and type the code." in text
    footer = " ".join(reader.pages[0].extract_text().split())
    assert f"No card yet, so not printed: {newcomer.full_name}." in footer


@needs_pango
def test_students_without_a_card_are_named_not_dropped(client, world):
    """A student with no card is named at the end of the PDF, and on the cards page."""
    class_cards_issue(classroom=world.classroom, by=world.teacher, student_ids=[world.student.pk])
    client.force_login(world.teacher)
    text = _text(_pdf(client, _url(world)))
    assert "No card yet, so not printed:" in text
    assert world.classmate.last_name in text
    page = client.get(reverse("class_cards", args=[world.classroom.pk])).content.decode()
    assert "1 student has no card yet, so is not in the PDF" in page


@needs_pango
def test_revoked_cards_and_leavers_are_not_printed(client, world):
    """Only working cards of students still at the school are printed."""
    cards = {card.student_id: card for card in _class_of(world, 3)}
    old = cards[world.student.pk]
    class_cards_issue(
        classroom=world.classroom, by=world.teacher, student_ids=[world.student.pk], reissue=True
    )
    leaver = cards.pop(world.classmate.pk)
    world.classmate.left_on = datetime.date(2026, 6, 30)
    world.classmate.save(update_fields=["left_on"])
    client.force_login(world.teacher)
    flat = re.sub(r"\s+", "", _text(_pdf(client, _url(world))))
    assert old.display_code not in flat
    assert SignInCard.objects.active().get(student=world.student).display_code in flat
    assert leaver.display_code not in flat
    assert world.classmate.last_name not in flat


def test_each_card_carries_its_qr_code_and_dashed_cut_lines(client, world, printed_html):
    """The QR code on each card is the card's own sign-in address, with its key, in full."""
    cards = _class_of(world, 3)
    client.force_login(world.teacher)
    client.get(_url(world))
    (html,) = printed_html
    for card in cards:
        address = f"http://testserver{card.qr_path}"
        assert segno.make(address, error="m").svg_inline(omitsize=True, border=0) in html
    assert "dashed" in html


def test_cards_are_in_the_schools_first_language(client, world, printed_html):
    """A school that puts te reo Māori first gets its cards in te reo Māori."""
    world.school.languages = ["mi", "en"]
    world.school.save(update_fields=["languages"])
    _class_of(world, 2)
    client.force_login(world.teacher)
    client.get(_url(world))
    client.get(_url(world, lang="en"))
    first, asked = printed_html
    assert '<html lang="mi">' in first
    assert '<html lang="en">' in asked


def test_a_language_the_school_does_not_offer_is_ignored(client, world, printed_html):
    """``?lang=`` outside the school's languages prints in its first language."""
    world.school.languages = ["en"]
    world.school.save(update_fields=["languages"])
    _class_of(world, 2)
    client.force_login(world.teacher)
    for asked in ("mi", "xx", "en-us", ""):
        assert client.get(_url(world, lang=asked)).status_code == 200
    assert all('<html lang="en">' in html for html in printed_html)


def test_a_long_list_of_students_without_a_card_is_cut_short(client, world, printed_html):
    """Twelve are named; the rest are counted, so the note keeps to the foot of the page."""
    class_cards_issue(classroom=world.classroom, by=world.teacher, student_ids=[world.student.pk])
    for _ in range(13):
        factories.StudentFactory(school=world.school, classroom=world.classroom)
    client.force_login(world.teacher)
    client.get(_url(world))
    (html,) = printed_html
    assert "and 2 more." in " ".join(html.split())


def test_printing_records_a_look_at_each_card(client, world, printed_html):
    """Each printed card's student has the print in their record's history, once a visit."""
    _class_of(world, 3)
    client.force_login(world.teacher)
    client.get(_url(world))
    client.get(_url(world))
    looked = AuditEvent.objects.filter(
        actor=world.teacher, action=AuditEvent.Action.VIEWED, summary__contains="Sign-in card"
    )
    assert sorted(looked.values_list("student_id", flat=True)) == sorted(
        world.classroom.students.values_list("pk", flat=True)
    )


def test_the_pdf_asks_the_same_queries_for_any_size_of_class(
    client, world, printed_html, django_assert_num_queries
):
    """Ten cards or thirty: the same queries."""
    _class_of(world, 10)
    client.force_login(world.teacher)
    client.get(_url(world))  # the session and its roles, read once
    # The session, its user, their roles (two); the class; its students with their cards; the
    # audit's INSERT.
    with django_assert_num_queries(7):
        client.get(_url(world))
    _class_of(world, 30)
    with django_assert_num_queries(7):
        client.get(_url(world))


def test_a_class_with_no_cards_is_sent_to_issue_them(client, world):
    """Nothing to print: the cards page, saying to issue them first."""
    client.force_login(world.teacher)
    response = client.get(_url(world))
    assert response.status_code == 302
    assert response.url == reverse("class_cards", args=[world.classroom.pk])
    (message,) = get_messages(response.wsgi_request)
    assert "issue them first" in str(message)


def test_without_pango_the_cards_page_says_how_to_print(client, world, monkeypatch):
    """Where no PDF can be made, the teacher is sent back with a way to print each card."""
    _class_of(world, 2)
    monkeypatch.setattr(pdf, "pdf_available", lambda: False)
    client.force_login(world.teacher)
    response = client.get(_url(world), follow=True)
    assert "Print each from its student’s page" in response.content.decode()


def test_a_failed_pdf_is_a_message_not_an_error(client, world, monkeypatch):
    """WeasyPrint failing sends the teacher back with a message, and records no look."""

    def broken(html, *, base_url):
        raise RuntimeError("no fonts")

    _class_of(world, 2)
    monkeypatch.setattr(pdf, "pdf_available", lambda: True)
    monkeypatch.setattr(pdf, "render_pdf", broken)
    client.force_login(world.teacher)
    response = client.get(_url(world), follow=True)
    assert "could not be made into a PDF" in response.content.decode()
    assert not AuditEvent.objects.filter(summary__contains="printed with the class").exists()


def test_sheets_hold_ten_cards_in_rows_of_two():
    """Cards are laid out two across and five down, a sheet to an A4 page."""
    sheets = views._sheets(list(range(23)))
    assert [len(sheet) for sheet in sheets] == [5, 5, 2]
    assert sheets[2] == [[20, 21], [22]]
