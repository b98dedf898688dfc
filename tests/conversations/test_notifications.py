"""Booking emails: the confirmation with a calendar file (again, as a move, after a move), one
reminder the day before, and the word that a time is cancelled, whose file takes it out of
the family's calendar.

Each is an outbox row; ``outbox.send_due()`` is the sender a worker runs. Calendar files are
read back with icalendar, as a calendar program reads them.
"""

import datetime
from smtplib import SMTPResponseException

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conversations import booking as booking_services
from conversations import notifications
from conversations.models import Booking, ConversationRound, Slot
from conversations.notices import BOOKING_CANCELLED
from conversations.tasks import send_booking_reminders
from partnerships import outbox
from partnerships.models import Notice, OutboxEmail
from tests.mailbox import html, send

pytestmark = pytest.mark.django_db

# 7:00 pm in Auckland (NZDT, +13:00) on Tuesday 1 December 2026.
EVENING = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC)
LONG_TITLE = "Kōrero ā-whānau, Term 4: goal-setting; with kai, waiata and tamariki — haere mai!"


def _book(world, *, starts_at, title="Term 4 goal-setting", **booking):
    round_ = ConversationRound.objects.create(school=world.school, title=title)
    slot = Slot.objects.create(round=round_, host=world.teacher, starts_at=starts_at, minutes=15)
    return Booking.objects.create(
        slot=slot, student=world.student, whanau=world.link.whanau, **booking
    )


def _confirm(booking) -> None:
    """Write the booking's confirmation, as booking does, and send what is due."""
    notifications.booking_confirmation_enqueue(booking)
    outbox.send_due()


def _tomorrow():
    return timezone.now().replace(microsecond=0) + datetime.timedelta(hours=24)


def _calendar(message):
    (attachment,) = message.attachments
    assert attachment.filename == "conversation.ics"
    assert attachment.mimetype == "text/calendar"
    return attachment.content


def _event(message) -> tuple[Calendar, object]:
    """The attached calendar as a calendar program reads it, and its one event."""
    calendar = Calendar.from_ical(_calendar(message))
    (event,) = calendar.events
    return calendar, event


def test_confirmation_has_both_bodies_and_a_calendar_file(world):
    """The family gets a confirmation, in text and HTML, that adds the time to their calendar."""
    booking = _book(world, starts_at=EVENING, title=LONG_TITLE)
    _confirm(booking)
    (message,) = mail.outbox
    assert message.to == [world.link.whanau.email]
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert world.student.display_name in body
        assert world.teacher.name in body
        assert f"/{booking.pk}/" in body
    ics = _calendar(message)
    assert ics.endswith("\r\n")
    assert "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    calendar, event = _event(message)
    assert calendar["METHOD"] == "PUBLISH"
    assert event["DTSTART"].params["TZID"] == "Pacific/Auckland"
    assert event.start == EVENING
    assert event.end == EVENING + datetime.timedelta(minutes=15)
    assert event["UID"] == f"booking-{booking.pk}@mahitahi"
    assert str(event["LOCATION"]) == "Kōwhai School"
    assert str(event["DESCRIPTION"]).startswith(LONG_TITLE + "\n")


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Pacific/Auckland", "7:00 p.m."), ("Pacific/Chatham", "7:45 p.m.")],
)
def test_time_is_shown_in_the_schools_time_zone(world, zone, shown):
    """The email shows the time as the school's clocks read it, not in UTC."""
    world.school.timezone = zone
    world.school.save()
    _confirm(_book(world, starts_at=EVENING))
    (message,) = mail.outbox
    for body in (message.body, message.alternatives[0].content):
        assert "Tuesday 1 December 2026" in body
        assert shown in body
        assert "6:00 a.m." not in body
    assert shown in message.subject


def test_interpreter_and_other_needs_are_in_the_confirmation(world):
    """What the family asked for, such as an interpreter in their language, is confirmed back."""
    booking = _book(
        world,
        starts_at=EVENING,
        needs_interpreter=True,
        interpreter_language="Samoan",
        needs_childcare=True,
    )
    _confirm(booking)
    (message,) = mail.outbox
    for body in (message.body, message.alternatives[0].content):
        assert "an interpreter (Samoan)" in body
        assert "childcare" in body
        assert "accessible room" not in body


def test_cancelled_booking_gets_no_confirmation(world):
    """A booking cancelled before the email goes is not confirmed."""
    _confirm(_book(world, starts_at=EVENING, cancelled_at=timezone.now()))
    assert mail.outbox == []


def test_booking_tomorrow_gets_one_reminder(world):
    """A family booked for tomorrow is reminded once, even if the hourly run repeats."""
    booking = _book(world, starts_at=_tomorrow())
    assert send_booking_reminders() == 1
    assert send_booking_reminders() == 1  # due still: it has not gone yet, and is written once
    assert outbox.send_due().sent == 1
    assert send_booking_reminders() == 0
    assert outbox.send_due().sent == 0
    (message,) = mail.outbox
    assert message.subject.startswith("Reminder")
    assert message.to == [world.link.whanau.email]
    assert f"UID:booking-{booking.pk}@mahitahi" in _calendar(message)
    for body in (message.body, message.alternatives[0].content):
        assert world.student.display_name in body
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None


def test_cancelled_booking_gets_no_reminder(world):
    """A family who cancelled is not reminded."""
    _book(world, starts_at=_tomorrow(), cancelled_at=timezone.now())
    assert send_booking_reminders() == 0
    outbox.send_due()
    assert mail.outbox == []


def test_booking_next_week_is_reminded_the_day_before(world, time_machine):
    """A booking next week gets no reminder yet; it gets one the day before."""
    booking = _book(world, starts_at=_tomorrow() + datetime.timedelta(days=6))
    assert send_booking_reminders() == 0
    time_machine.move_to(timezone.now() + datetime.timedelta(days=6))
    assert list(notifications.booking_reminders_due()) == [booking]
    assert send_booking_reminders() == 1
    outbox.send_due()
    assert len(mail.outbox) == 1


def test_a_moved_booking_is_confirmed_and_reminded_at_its_new_time(world, time_machine):
    """Moving writes a confirmation for the new time; the old time's emails no longer go."""
    old = _book(world, starts_at=_tomorrow())
    send_booking_reminders()
    later = Slot.objects.create(
        round=old.slot.round,
        host=world.teacher,
        starts_at=old.slot.starts_at + datetime.timedelta(hours=1),
        minutes=15,
    )
    moved = booking_services.booking_move(booking=old, slot=later)
    assert send_booking_reminders() == 1
    result = outbox.send_due()
    assert (result.sent, result.skipped) == (2, 1)  # the old time's reminder is skipped
    confirmation, reminder = sorted(mail.outbox, key=lambda message: message.subject)
    assert reminder.subject.startswith("Reminder")
    for message in (confirmation, reminder):
        _, event = _event(message)
        assert (event["UID"], event["SEQUENCE"]) == (f"booking-{moved.pk}@mahitahi", 1)


def test_mail_failure_leaves_the_reminder_for_later(world, monkeypatch, time_machine):
    """If the mail server asks us to try later, the reminder is not marked sent, and goes later."""
    booking = _book(world, starts_at=_tomorrow())
    send_booking_reminders()

    def busy(*args, **kwargs):
        raise SMTPResponseException(451, b"try again later")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", busy)
    assert outbox.send_due().retrying == 1
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None
    monkeypatch.undo()
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5))
    assert outbox.send_due().sent == 1
    assert len(mail.outbox) == 1
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None


# --- Moved and cancelled times ---------------------------------------------------------------

LATE_NIGHT = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)  # 11 pm in Auckland
MORNING_BEFORE = datetime.datetime(2026, 11, 23, 22, 0, tzinfo=datetime.UTC)  # 11 am there
REASON = "Whaea Mere is away sick; we will ring to find another time."


@pytest.fixture
def before():
    """The week before, in the Auckland morning: the times are still to come."""
    with time_machine.travel(MORNING_BEFORE, tick=False):
        yield


def _booked(world) -> Booking:
    """Booked as the family does, for 7 pm, its confirmation sent."""
    round_ = ConversationRound.objects.create(school=world.school, title="Term 4 goal-setting")
    slot = Slot.objects.create(round=round_, host=world.teacher, starts_at=EVENING, minutes=15)
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )
    assert len(send()) == 1
    return booking


def _later(booking, minutes=30) -> Slot:
    return Slot.objects.create(
        round=booking.round,
        host=booking.slot.host,
        starts_at=booking.slot.starts_at + datetime.timedelta(minutes=minutes),
        minutes=15,
    )


def _family(world) -> list:
    """What the sender sends now to the whānau member who booked."""
    return [m for m in send() if m.to == [world.link.whanau.email]]


def test_a_moved_time_is_confirmed_as_moved(world, before):
    """After a move the family is told the new time and the old, and the calendar file
    updates the event they have: the same UID, a higher SEQUENCE."""
    booking = _booked(world)
    booking_services.booking_move(booking=booking, slot=_later(booking))
    (message,) = _family(world)
    assert message.subject == (
        f"Moved: your conversation about {world.student.display_name}, "
        "now Tuesday 1 December at 7:30 p.m."
    )
    for body in (message.body, html(message)):
        assert (
            "Your conversation time has moved to Tuesday 1 December at 7:30 p.m. "
            "(it was Tuesday 1 December at 7:00 p.m.)."
        ) in body
        assert "updates the time already in your phone or computer calendar" in body
        assert "is booked" not in body
    calendar, event = _event(message)
    assert calendar["METHOD"] == "PUBLISH"
    assert (event["UID"], event["SEQUENCE"]) == (f"booking-{booking.pk}@mahitahi", 1)
    assert event.start == EVENING + datetime.timedelta(minutes=30)


def test_new_needs_at_the_same_time_are_confirmed_as_an_update(world, before):
    """Changing only what they need at the same time: an update, not a move."""
    booking = _booked(world)
    booking_services.booking_move(
        booking=booking, slot=booking.slot, details={"needs_childcare": True}
    )
    (message,) = _family(world)
    assert message.subject.startswith("Updated: ")
    for body in (message.body, html(message)):
        assert "is updated with what you told us" in body
        assert "childcare" in body
        assert "moved" not in body
    _, event = _event(message)
    assert event["SEQUENCE"] == 1


def test_moved_twice_before_the_sender_runs_only_the_last_goes(world, before):
    """Two moves in a minute: one email, for where the time is now."""
    booking = _booked(world)
    booking_services.booking_move(booking=booking, slot=_later(booking))
    booking_services.booking_move(booking=booking, slot=_later(booking))
    (message,) = _family(world)
    assert "now Tuesday 1 December at 8:00 p.m." in message.subject
    assert _event(message)[1]["SEQUENCE"] == 2
    skipped = OutboxEmail.objects.get(status=OutboxEmail.Status.SKIPPED)
    assert skipped.reason == notifications.SUPERSEDED


def test_the_family_cancelling_is_told_and_their_calendar_follows(world, before):
    """Cancelled by the family: an email saying so, whose calendar file cancels the event."""
    booking = _booked(world)
    booking_services.booking_cancel(booking=booking, by=world.whanau)
    (message,) = _family(world)
    assert message.to == [world.link.whanau.email]
    assert message.subject == (
        f"Cancelled: your conversation about {world.student.display_name}, "
        "Tuesday 1 December at 7:00 p.m."
    )
    for body in (message.body, html(message)):
        assert "Your conversation time is cancelled." in body
        assert world.student.display_name in body
        assert world.teacher.name in body
        assert reverse("my_bookings") in body
        assert "takes the time out of your phone or computer calendar" in body
        assert "said:" not in body
    calendar, event = _event(message)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert (event["UID"], event["SEQUENCE"]) == (f"booking-{booking.pk}@mahitahi", 1)


def test_the_school_cancelling_says_why_in_one_email(world, before):
    """Cancelled by the school: one email, with its reason and the calendar file; the notice
    waits on their home page without a second email."""
    booking = _booked(world)
    booking_services.booking_cancel(booking=booking, by=world.teacher, reason=REASON)
    (message,) = _family(world)
    assert message.subject.startswith("Cancelled: ")
    for body in (message.body, html(message)):
        assert "Your conversation time is cancelled." in body
        assert "Kōwhai School cancelled it, and said:" in body
        assert REASON in body
    assert _event(message)[0]["METHOD"] == "CANCEL"
    notice = Notice.objects.get(kind=BOOKING_CANCELLED)
    assert (notice.whanau, notice.excerpt, notice.email_key) == (world.link.whanau, REASON, "")


def test_the_school_cancelling_late_at_night_waits_for_morning(world):
    """Cancelled by the school at 11 pm: the family's email waits out their quiet hours."""
    with time_machine.travel(MORNING_BEFORE, tick=False):
        booking = _booked(world)
    with time_machine.travel(LATE_NIGHT, tick=False) as clock:
        booking_services.booking_cancel(booking=booking, by=world.teacher, reason=REASON)
        assert _family(world) == []
        clock.move_to(datetime.datetime(2026, 11, 24, 18, 0, tzinfo=datetime.UTC))  # 7 am
        (message,) = _family(world)
    assert REASON in message.body
