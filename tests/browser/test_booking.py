"""In a real browser, on a phone: a parent books two siblings back to back from the
suggestion, with what they need said once, then moves one of them and what they said stays."""

import datetime
import re
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from conversations.models import Booking
from tests import factories
from tests.browser.signing import sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(tempfile.gettempdir()) / "booking_phone.png"  # to look at, by eye


def _school_day(world) -> datetime.datetime:
    """3pm on a school day at least three days ahead, in the school's own time."""
    day = timezone.localdate(timezone=world.school.zone) + datetime.timedelta(days=3)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(15), tzinfo=world.school.zone)


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_siblings_booked_back_to_back_then_one_moved_keeps_the_needs(page, live_server, world):
    """Suggested times picked with one tap, booked with the needs said once; moving the
    brother's time later keeps what the family asked for, and the page fits a phone."""
    member = world.link.whanau
    member.needs_interpreter, member.interpreter_language = True, "Tongan"
    member.save()
    brother = factories.StudentFactory(
        school=world.school, classroom=world.other_student.classroom, first_name="Nikau"
    )
    factories.WhanauLinkFactory(student=brother, whanau=member)
    conversation_round = factories.RoundFactory(school=world.school, title="Term 1 hui")
    three = _school_day(world)
    minutes = datetime.timedelta(minutes=15)
    for n in range(3):
        factories.SlotFactory(
            round=conversation_round,
            host=world.teacher,
            starts_at=three + n * minutes,
            location="Room 5",
        )
        factories.SlotFactory(
            round=conversation_round,
            host=world.other_teacher,
            starts_at=three + (n + 1) * minutes,
            location="Room 9",
        )
    later = factories.SlotFactory(
        round=conversation_round, host=world.other_teacher, starts_at=three + 8 * minutes
    )

    sign_in_with_code(page, live_server.url, world.whanau.email)
    page.goto(f"{live_server.url}/rounds/{conversation_round.pk}/book/")
    suggested = page.get_by_role("region", name="Suggested: back to back")
    suggested.get_by_role("link", name=re.compile("^Choose these times")).first.click()
    page.get_by_text("Times chosen:").wait_for()
    first_choice = page.get_by_role("radio", name=re.compile(r"^3:00 p\.m\."))
    assert first_choice.first.is_checked()
    assert page.get_by_role("radio", name=re.compile(r"^3:15 p\.m\..*Room 9")).is_checked()
    assert page.get_by_label("Language for the interpreter").input_value() == "Tongan"
    page.get_by_label("We need childcare").check()
    page.get_by_label("Anything else").fill("We will bring the baby")
    assert _fits_the_screen(page)
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_text(re.compile("^Booked for")).wait_for()
    booked = {b.student_id: b for b in Booking.objects.select_related("slot")}
    assert booked[world.student.pk].slot.starts_at == three
    assert booked[brother.pk].slot.starts_at == three + minutes
    assert _fits_the_screen(page)

    # Move the brother's time to later that afternoon.
    page.get_by_role("link", name=re.compile(r"^Move Nikau")).click()
    page.get_by_role("link", name=re.compile(r"^5:00 p\.m\.")).click()
    page.get_by_text("This moves Nikau’s time").wait_for()
    assert page.get_by_label("We need childcare").is_checked()
    assert page.get_by_label("Anything else").input_value() == "We will bring the baby"
    page.get_by_role("button", name="Move", exact=True).click()
    page.get_by_text("Moved.").wait_for()
    page.get_by_text("We will bring the baby").wait_for()
    assert _fits_the_screen(page)
    moved = Booking.objects.get(student=brother)
    assert (moved.pk, moved.slot, moved.sequence) == (booked[brother.pk].pk, later, 1)
    assert (moved.needs_childcare, moved.interpreter_language, moved.note) == (
        True,
        "Tongan",
        "We will bring the baby",
    )
