"""Booking emails sent once, through the outbox: repeats, a mail server down, and who is told."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conversations import booking as booking_services
from conversations import notifications
from conversations.models import Booking
from conversations.tasks import send_booking_reminders
from partnerships import outbox
from partnerships.models import OutboxEmail
from partnerships.tasks import send_outbox
from tests import factories
from tests.mailbox import send

pytestmark = pytest.mark.django_db

# A Tuesday morning in Auckland: outside anyone's quiet hours, whatever the real clock says.
DAYTIME = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=zoneinfo.ZoneInfo("Pacific/Auckland"))


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME):
        yield


@pytest.fixture
def slot(world):
    return factories.SlotFactory(
        round=factories.RoundFactory(school=world.school),
        host=world.teacher,
        starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(hours=24),
    )


def _book(world, slot, on_commit) -> Booking:
    """Book as the family does; the outbox's nudge runs the sender when the booking commits."""
    with on_commit(execute=True):
        return booking_services.booking_create(
            slot=slot, student=world.student, whanau=world.link.whanau, details={}
        )


def _server_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


BOOKING_KINDS = (notifications.CONFIRMED, notifications.REMINDER, notifications.CANCELLED_KIND)


def _reasons() -> dict[str, str]:
    """Why each booking email did not go (the teacher's notices of changes are apart)."""
    rows = OutboxEmail.objects.filter(kind__in=BOOKING_KINDS)
    return dict(rows.values_list("kind", "reason"))


def test_a_confirmation_is_sent_once(world, slot, django_capture_on_commit_callbacks):
    """The family is confirmed once, however often the sender runs or the row is written."""
    booking = _book(world, slot, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert not notifications.booking_confirmation_enqueue(booking)
    send_outbox.delay()
    assert outbox.send_due().sent == 0
    assert len(mail.outbox) == 1
    booking.refresh_from_db()
    assert booking.confirmation_sent_at is not None


def test_a_confirmation_waits_out_a_mail_server_outage(
    world, slot, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    """With the mail server down the booking still succeeds; the confirmation goes later, once."""
    _server_down(monkeypatch)
    booking = _book(world, slot, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.confirmation_sent_at is None
    monkeypatch.undo()
    assert outbox.send_due().sent == 0  # not yet: the sender pauses after an outage
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
    assert outbox.send_due().sent == 1
    assert outbox.send_due().sent == 0
    assert len(mail.outbox) == 1
    booking.refresh_from_db()
    assert booking.confirmation_sent_at is not None


def test_a_member_without_an_email_is_sent_nothing(world, slot):
    """Whānau the school knows only by phone get neither a confirmation nor a reminder."""
    member = world.link.whanau
    member.email = ""
    member.save()
    booking_services.booking_create(slot=slot, student=world.student, whanau=member, details={})
    assert send_booking_reminders() == 0
    assert outbox.send_due().skipped == 1
    assert mail.outbox == []
    assert _reasons() == {notifications.CONFIRMED: notifications.NO_EMAIL}


def test_a_person_marked_no_contact_is_sent_nothing(world, slot):
    """A link marked “no access / no contact” after booking gets no confirmation or reminder."""
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )
    assert send_booking_reminders() == 1
    world.link.has_access = False
    world.link.save()
    assert outbox.send_due().skipped == 2
    assert mail.outbox == []
    assert set(_reasons().values()) == {notifications.NO_ACCESS}
    booking.refresh_from_db()
    assert (booking.confirmation_sent_at, booking.reminder_sent_at) == (None, None)


def test_a_booking_cancelled_before_its_email_goes_is_not_confirmed(world, slot):
    """Booked and cancelled before the sender ran: no confirmation and no reminder, only
    the word that it is cancelled."""
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )
    booking_services.booking_cancel(booking=booking, by=world.whanau)
    assert send_booking_reminders() == 0
    (message,) = send()
    assert message.subject.startswith("Cancelled: ")
    assert _reasons() == {
        notifications.CONFIRMED: notifications.CANCELLED,
        notifications.CANCELLED_KIND: "",
    }


@pytest.mark.parametrize("by", ["whanau", "teacher"])
def test_a_cancellation_is_sent_once(world, slot, by, django_capture_on_commit_callbacks):
    """However often the time is cancelled (another tab, a second click, a retried task),
    the family is told once."""
    booking = _book(world, slot, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            booking_services.booking_cancel(booking=booking, by=getattr(world, by), reason="Ill.")
    assert not notifications.booking_cancellation_enqueue(booking, reason="Ill.")
    send_outbox.delay()
    assert outbox.send_due().sent == 0
    family = [m for m in mail.outbox if m.to == [world.link.whanau.email]]
    assert [m.subject.split(":")[0] for m in family] == ["Cancelled"]
    assert OutboxEmail.objects.filter(kind=notifications.CANCELLED_KIND).count() == 1


def test_a_no_contact_link_is_told_nothing_of_a_cancellation(world, slot):
    """The school cancels the time of a parent since marked “no access / no contact”: the
    time is cancelled, and nothing is sent to them."""
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )
    world.link.has_access = False
    world.link.save()
    assert booking_services.booking_cancel(booking=booking, by=world.teacher, reason="Ill.")
    outbox.send_due()
    assert [m for m in mail.outbox if m.to == [world.link.whanau.email]] == []
    assert _reasons() == {
        notifications.CONFIRMED: notifications.CANCELLED,
        notifications.CANCELLED_KIND: notifications.NO_ACCESS,
    }


def test_a_member_without_an_email_is_told_nothing_of_a_cancellation(world, slot):
    """Whānau the school knows only by phone get no cancellation email (the school rings)."""
    member = world.link.whanau
    member.email = ""
    member.save()
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=member, details={}
    )
    booking_services.booking_cancel(booking=booking, by=world.whanau)
    outbox.send_due()
    assert mail.outbox == []
    assert _reasons()[notifications.CANCELLED_KIND] == notifications.NO_EMAIL


def test_a_cancellation_is_never_written_for_a_standing_booking(world, slot):
    """A cancellation row for a booking that stands is skipped: it must not take a live
    time out of the family's calendar."""
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )
    notifications.booking_cancellation_enqueue(booking)
    outbox.send_due()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Booked"]
    assert _reasons()[notifications.CANCELLED_KIND] == notifications.NOT_CANCELLED


def test_a_booking_that_no_longer_exists_is_sent_nothing(world, slot):
    """Emails written for a booking deleted meanwhile are skipped, with the reason."""
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details={}
    )
    send_booking_reminders()
    booking.delete()
    assert outbox.send_due().skipped == 2
    assert mail.outbox == []
    assert set(_reasons().values()) == {notifications.GONE}


def test_a_reminder_that_runs_too_late_reminds_no_one(world, slot, time_machine):
    """A reminder still waiting when the conversation begins is not sent."""
    booking = Booking.objects.create(slot=slot, student=world.student, whanau=world.link.whanau)
    assert send_booking_reminders() == 1
    time_machine.move_to(slot.starts_at + datetime.timedelta(minutes=1))
    assert outbox.send_due().skipped == 1
    assert mail.outbox == []
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None
    assert _reasons() == {notifications.REMINDER: notifications.BEGUN}


def test_a_reminder_for_a_time_that_changed_is_replaced(world, slot):
    """A reminder written for the old time is skipped; the hourly run writes one for the new."""
    booking = Booking.objects.create(slot=slot, student=world.student, whanau=world.link.whanau)
    send_booking_reminders()
    slot.starts_at += datetime.timedelta(hours=1)
    slot.save()
    assert send_booking_reminders() == 1
    result = outbox.send_due()
    assert (result.sent, result.skipped) == (1, 1)
    (message,) = mail.outbox
    assert message.subject.startswith("Reminder")
    assert OutboxEmail.objects.get(status=OutboxEmail.Status.SKIPPED).reason == (
        notifications.RETIMED
    )
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None
