"""Emails about booked conversations: the confirmation, and the reminder the day before.

Both are outbox rows (``partnerships.outbox``): the confirmation is written with the booking,
the reminder by the hourly beat for bookings whose conversation is the next day. Each goes to
the whānau member who booked, in their language, with the time shown in the school's time zone
and the booking attached as a calendar file. Each is built when it is sent, from the booking
as it is then: a cancelled booking, or a person since marked "no access / no contact", gets
nothing.
"""

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from conversations.calendar import booking_ics
from conversations.models import Booking
from partnerships import mail, outbox
from partnerships.models import OutboxEmail, WhanauLink

CONFIRMED = "booking_confirmed"
REMINDER = "booking_reminder"
CANCELLED_KIND = "booking_cancelled"
REMINDER_FROM = datetime.timedelta(hours=12)
REMINDER_UNTIL = datetime.timedelta(hours=36)

# Why an email did not go, for staff (stored untranslated, shown in the reader's language).
GONE = gettext_noop("The booking no longer exists.")
CANCELLED = gettext_noop("The booking was cancelled.")
NO_ACCESS = gettext_noop("This person is no longer linked to the student with access.")
NO_EMAIL = gettext_noop("The school has no email address for this person.")
BEGUN = gettext_noop("The conversation had already begun.")
RETIMED = gettext_noop("The time changed; a reminder for the new time goes instead.")


def _confirmation_key(booking_id: int, sequence: int) -> str:
    # A move is the same booking at a new time: its confirmation is a new email.
    if sequence == 0:
        return f"booking-confirmed:{booking_id}"
    return f"booking-confirmed:{booking_id}:{sequence}"


def _reminder_key(booking_id: int, starts_at: datetime.datetime) -> str:
    return f"booking-reminder:{booking_id}:{_instant(starts_at)}"


def _instant(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat()


def booking_confirmation_enqueue(booking: Booking) -> bool:
    """Write the confirmation in the booking's transaction: one per booking, however often
    (False when it was written already)."""
    return outbox.enqueue(
        kind=CONFIRMED,
        key=_confirmation_key(booking.pk, booking.sequence),
        params={"booking": booking.pk},
        school=booking.slot.round.school_id,
    )


def booking_cancellation_enqueue(booking: Booking) -> bool:
    """Write the family's word that their time is cancelled (with the calendar file that takes
    it out of their calendar), in the cancellation's transaction."""
    return outbox.enqueue(
        kind=CANCELLED_KIND,
        key=f"booking-cancelled:{booking.pk}",
        params={"booking": booking.pk},
        school=booking.round.school_id,
    )


def booking_reminders_due(now: datetime.datetime | None = None):
    """Bookings starting the day before (12 to 36 hours away) whose reminder has not gone."""
    now = now or timezone.now()
    return (
        Booking.objects.active()
        .filter(
            slot__starts_at__gte=now + REMINDER_FROM,
            slot__starts_at__lt=now + REMINDER_UNTIL,
            reminder_sent_at__isnull=True,
        )
        .exclude(whanau__email="")
    )


def booking_reminders_enqueue(now: datetime.datetime | None = None) -> int:
    """Write a reminder for each booking due one; how many are due. A booking already
    written keeps its row, so the hourly run can repeat or overlap."""
    due = booking_reminders_due(now).values_list("pk", "slot__starts_at", "slot__round__school_id")
    rows = [
        OutboxEmail(
            kind=REMINDER,
            key=_reminder_key(booking_id, starts_at),
            params={"booking": booking_id, "starts_at": _instant(starts_at)},
            school_id=school_id,
        )
        for booking_id, starts_at, school_id in due
    ]
    if rows:
        outbox.enqueue_many(rows)
    return len(rows)


def _load(params: dict) -> Booking:
    """The booking, if an email about it should still go to the person who booked it."""
    booking = (
        Booking.objects.select_related("slot__round__school", "slot__host", "student", "whanau")
        .filter(pk=params["booking"])
        .first()
    )
    if booking is None:
        raise outbox.NotToSendError(GONE)
    if booking.cancelled_at is not None:
        raise outbox.NotToSendError(CANCELLED)
    if not booking.whanau.email:
        raise outbox.NotToSendError(NO_EMAIL)
    if (
        not WhanauLink.objects.with_access()
        .filter(whanau_id=booking.whanau_id, student_id=booking.student_id)
        .exists()
    ):
        raise outbox.NotToSendError(NO_ACCESS)
    return booking


def _compose(booking: Booking, *, template: str):
    """The email for one booking, with its calendar file, in the reader's language and zone."""
    slot = booking.slot
    school = slot.round.school
    whanau = booking.whanau
    tz = school.zone
    language = whanau.preferred_language
    context = {
        "booking": booking,
        "name": whanau.name,
        "student": booking.student.display_name,
        "school": school,
        "round": slot.round,
        "host": slot.host.get_full_name() or str(slot.host),
        "starts_at": timezone.localtime(slot.starts_at, tz),
        "ends_at": timezone.localtime(slot.ends_at, tz),
        "url": mail.absolute_url(reverse("booking_detail", args=[booking.pk])),
    }
    # The date filter shows times in the active zone: make that the school's.
    with timezone.override(tz):
        message = mail.compose(
            template=template, to=whanau.email, language=language, context=context
        )
    with translation.override(language):
        ics = booking_ics(booking)
    message.attach("conversation.ics", ics, "text/calendar")
    return message


def _confirmation_sent(params: dict, at: datetime.datetime) -> None:
    Booking.objects.filter(pk=params["booking"]).update(confirmation_sent_at=at)


def _reminder_sent(params: dict, at: datetime.datetime) -> None:
    Booking.objects.filter(pk=params["booking"]).update(reminder_sent_at=at)


@outbox.KINDS.register(CONFIRMED, sent=_confirmation_sent)
def booking_confirmation_email(params: dict):
    """The family's confirmation: the time, who with, where, and a calendar file."""
    booking = _load(params)
    return _compose(booking, template="conversations/email/booking_confirmed")


@outbox.KINDS.register(REMINDER, sent=_reminder_sent)
def booking_reminder_email(params: dict):
    """The reminder the day before; none once the conversation has begun."""
    booking = _load(params)
    if _instant(booking.slot.starts_at) != params["starts_at"]:
        raise outbox.NotToSendError(RETIMED)
    if booking.slot.starts_at <= timezone.now():
        raise outbox.NotToSendError(BEGUN)
    return _compose(booking, template="conversations/email/booking_reminder")
