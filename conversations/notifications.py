"""Emails about booked conversations: the confirmation (again after a move), the reminder the
day before, and the word that a time is cancelled.

Each is an outbox row (``partnerships.outbox``) for the whānau member who booked, in their
language, with the time shown in the school's time zone and the booking attached as a calendar
file (``conversations.calendar``): one event, which a move updates and a cancellation takes
out. The confirmation and the cancellation are written with the change; the reminder by the
hourly beat for bookings whose conversation is the next day. Each is built when it is sent,
from the booking as it is then: a person since marked "no access / no contact", or with no
email address, gets nothing; nor is a cancelled booking confirmed or reminded.
"""

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from conversations.calendar import booking_ics, location
from conversations.models import Booking
from partnerships import mail, outbox
from partnerships.models import OutboxEmail, Rhythm, WhanauLink
from partnerships.notices import send_time

CONFIRMED = "booking_confirmed"
REMINDER = "booking_reminder"
CANCELLED_KIND = "booking_cancelled"
REMINDER_FROM = datetime.timedelta(hours=12)
REMINDER_UNTIL = datetime.timedelta(hours=36)

# Why an email did not go, for staff (stored untranslated, shown in the reader's language).
GONE = gettext_noop("The booking no longer exists.")
CANCELLED = gettext_noop("The booking was cancelled.")
NOT_CANCELLED = gettext_noop("The booking was not cancelled.")
SUPERSEDED = gettext_noop("The booking changed again; the newer confirmation goes instead.")
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


def booking_confirmation_enqueue(
    booking: Booking, *, moved_from: datetime.datetime | None = None
) -> bool:
    """Write the confirmation in the booking's transaction: one per booking and sequence,
    however often (False when it was written already). ``moved_from``: the time it had
    before a move, which the email names."""
    params = {"booking": booking.pk, "sequence": booking.sequence}
    if moved_from is not None:
        params["moved_from"] = _instant(moved_from)
    return outbox.enqueue(
        kind=CONFIRMED,
        key=_confirmation_key(booking.pk, booking.sequence),
        params=params,
        school=booking.round.school_id,
    )


def booking_cancellation_enqueue(booking: Booking, *, reason: str = "") -> bool:
    """Write the family's word that their time is cancelled, with the calendar file that takes
    it out of their calendar, in the cancellation's transaction; once per booking.

    ``reason`` is the school's, when its staff cancelled (they always say why): that email
    waits out the reader's quiet hours, as the school's notices do. A family cancelling
    their own time is answered at once.
    """
    params = {"booking": booking.pk}
    send_after = None
    if reason:
        params["reason"] = reason
        now = timezone.now()
        at = send_time(booking.whanau, Rhythm.INSTANT, now=now, zone=booking.round.school.zone)
        send_after = at if at and at > now else None
    return outbox.enqueue(
        kind=CANCELLED_KIND,
        key=f"booking-cancelled:{booking.pk}",
        params=params,
        school=booking.round.school_id,
        send_after=send_after,
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
    due = booking_reminders_due(now).values_list("pk", "slot__starts_at", "round__school_id")
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


def _load(params: dict, *, cancelled: bool = False) -> Booking:
    """The booking, if an email about it should still go to the person who booked it: a
    standing booking for a confirmation or reminder, a cancelled one for its cancellation."""
    booking = (
        Booking.objects.select_related("round__school", "slot__host", "student", "whanau")
        .filter(pk=params["booking"])
        .first()
    )
    if booking is None:
        raise outbox.NotToSendError(GONE)
    if (booking.cancelled_at is not None) != cancelled:
        raise outbox.NotToSendError(NOT_CANCELLED if cancelled else CANCELLED)
    if not booking.whanau.email:
        raise outbox.NotToSendError(NO_EMAIL)
    if (
        not WhanauLink.objects.with_access()
        .filter(whanau_id=booking.whanau_id, student_id=booking.student_id)
        .exists()
    ):
        raise outbox.NotToSendError(NO_ACCESS)
    return booking


def _compose(booking: Booking, *, template: str, **extra):
    """The email for one booking, with its calendar file, in the reader's language and zone."""
    slot = booking.slot
    school = booking.round.school
    whanau = booking.whanau
    tz = school.zone
    language = whanau.preferred_language
    with translation.override(language):
        where = location(booking)
        ics = booking_ics(booking)
    context = {
        "booking": booking,
        "name": whanau.name,
        "student": booking.student.display_name,
        "school": school,
        "round": booking.round,
        "host": slot.host_name,
        "starts_at": timezone.localtime(slot.starts_at, tz),
        "ends_at": timezone.localtime(slot.ends_at, tz),
        "where": where,
        "url": mail.absolute_url(reverse("booking_detail", args=[booking.pk])),
        **extra,
    }
    # The date filter shows times in the active zone: make that the school's.
    with timezone.override(tz):
        message = mail.compose(
            template=template, to=whanau.email, language=language, context=context
        )
    message.attach("conversation.ics", ics, "text/calendar")
    return message


def _confirmation_sent(params: dict, at: datetime.datetime) -> None:
    Booking.objects.filter(pk=params["booking"]).update(confirmation_sent_at=at)


def _reminder_sent(params: dict, at: datetime.datetime) -> None:
    Booking.objects.filter(pk=params["booking"]).update(reminder_sent_at=at)


@outbox.KINDS.register(CONFIRMED, sent=_confirmation_sent)
def booking_confirmation_email(params: dict):
    """The family's confirmation: the time, who with, where, and a calendar file. After a
    move it says the time has moved, and its file updates the event already in their
    calendar; one written before a later change gives way to that change's."""
    booking = _load(params)
    if params.get("sequence", booking.sequence) != booking.sequence:
        raise outbox.NotToSendError(SUPERSEDED)
    moved_from = params.get("moved_from")
    was = None
    if moved_from:
        was = timezone.localtime(
            datetime.datetime.fromisoformat(moved_from), booking.round.school.zone
        )
    return _compose(
        booking,
        template="conversations/email/booking_confirmed",
        changed=booking.sequence > 0,
        was=was,
    )


@outbox.KINDS.register(REMINDER, sent=_reminder_sent)
def booking_reminder_email(params: dict):
    """The reminder the day before; none once the conversation has begun."""
    booking = _load(params)
    if _instant(booking.slot.starts_at) != params["starts_at"]:
        raise outbox.NotToSendError(RETIMED)
    if booking.slot.starts_at <= timezone.now():
        raise outbox.NotToSendError(BEGUN)
    return _compose(booking, template="conversations/email/booking_reminder")


@outbox.KINDS.register(CANCELLED_KIND)
def booking_cancellation_email(params: dict):
    """The family's word that their time is cancelled, with the school's reason when the
    school cancelled it, and a calendar file that takes the event out of their calendar."""
    booking = _load(params, cancelled=True)
    return _compose(
        booking,
        template="conversations/email/booking_cancelled",
        reason=params.get("reason", ""),
        book_url=mail.absolute_url(reverse("my_bookings")),
    )
