"""Booking emails: the confirmation with a calendar file, and one reminder the day before.

Each is an outbox row; ``outbox.send_due()`` is the sender a worker runs.
"""

import datetime
from smtplib import SMTPResponseException

import pytest
from django.core import mail
from django.utils import timezone

from conversations import booking as booking_services
from conversations import notifications
from conversations.models import Booking, ConversationRound, Slot
from conversations.tasks import send_booking_reminders
from partnerships import outbox

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
    lines = ics.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "DTSTART:20261201T060000Z" in lines
    assert "DTEND:20261201T061500Z" in lines
    assert f"UID:booking-{booking.pk}@mahitahi" in lines
    assert "LOCATION:At school\\, Kōwhai School" in lines
    assert "DESCRIPTION:Kōrero ā-whānau\\, Term 4: goal-setting\\; with kai" in ics.replace(
        "\r\n ", ""
    )


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
        assert f"UID:booking-{moved.pk}@mahitahi" in _calendar(message)


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
