"""Booking emails sent once: a repeated confirmation, a failed send, and times already begun."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from conversations import notifications
from conversations.models import Booking, ConversationRound, Slot

pytestmark = pytest.mark.django_db


def _book(world, *, starts_at=None):
    starts_at = starts_at or timezone.now().replace(microsecond=0) + datetime.timedelta(hours=24)
    round_ = ConversationRound.objects.create(school=world.school, title="Term 3 three-way")
    slot = Slot.objects.create(round=round_, host=world.teacher, starts_at=starts_at, minutes=20)
    return Booking.objects.create(slot=slot, student=world.student, whanau=world.link.whanau)


def _fail(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)


def test_a_confirmation_is_sent_once(world):
    """A repeated confirmation task sends nothing more and says so."""
    booking = _book(world)
    assert notifications.booking_confirmation_send(booking_id=booking.pk) is True
    assert notifications.booking_confirmation_send(booking_id=booking.pk) is False
    assert len(mail.outbox) == 1
    booking.refresh_from_db()
    assert booking.confirmation_sent_at is not None


def test_a_failed_confirmation_is_left_for_the_retry(world, monkeypatch):
    """If the mail server fails, the confirmation is not marked sent, and the retry sends it."""
    booking = _book(world)
    _fail(monkeypatch)
    with pytest.raises(OSError, match="mail server down"):
        notifications.booking_confirmation_send(booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.confirmation_sent_at is None
    monkeypatch.undo()
    assert notifications.booking_confirmation_send(booking_id=booking.pk) is True
    assert len(mail.outbox) == 1


def test_a_member_without_an_email_is_sent_nothing(world):
    """Whānau the school knows only by phone get neither a confirmation nor a reminder."""
    booking = _book(world)
    member = world.link.whanau
    member.email = ""
    member.save()
    assert notifications.booking_confirmation_send(booking_id=booking.pk) is False
    assert notifications.booking_reminders_due() == []
    assert notifications.booking_reminder_send(booking_id=booking.pk) is False
    assert mail.outbox == []


def test_a_booking_that_no_longer_exists_is_sent_nothing(world):
    """A task for a booking deleted meanwhile does nothing."""
    booking = _book(world)
    booking_id = booking.pk
    booking.delete()
    assert notifications.booking_confirmation_send(booking_id=booking_id) is False
    assert notifications.booking_reminder_send(booking_id=booking_id) is False
    assert mail.outbox == []


def test_a_reminder_that_runs_too_late_reminds_no_one(world, time_machine):
    """A reminder task that runs after the conversation began sends nothing and claims nothing."""
    booking = _book(world)
    time_machine.move_to(booking.slot.starts_at + datetime.timedelta(minutes=1))
    assert notifications.booking_reminder_send(booking_id=booking.pk) is False
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None
