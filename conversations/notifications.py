"""Emails about booked conversations: the confirmation, and the reminder the day before.

Both go to the whānau member who booked, in their language, with the time shown in
the school's time zone and the booking attached as a calendar file. A reminder is
claimed in the database (``reminder_sent_at``) before it is sent, so a repeated or
retried task never sends it twice; a failed send gives the claim back.
"""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

from conversations.calendar import booking_ics
from conversations.models import Booking
from partnerships import mail

REMINDER_FROM = datetime.timedelta(hours=12)
REMINDER_UNTIL = datetime.timedelta(hours=36)


def _load(booking_id: int) -> Booking | None:
    return (
        Booking.objects.select_related("slot__round__school", "slot__host", "student", "whanau")
        .filter(pk=booking_id)
        .first()
    )


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


def booking_confirmation_send(*, booking_id: int) -> bool:
    """Email the family that their time is booked. False when there is no one to tell."""
    booking = _load(booking_id)
    if booking is None or booking.cancelled_at is not None or not booking.whanau.email:
        return False
    # Claimed first, so a retried task never confirms twice.
    claimed = Booking.objects.filter(pk=booking_id, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        _compose(booking, template="conversations/email/booking_confirmed").send()
    except Exception:
        Booking.objects.filter(pk=booking_id).update(confirmation_sent_at=None)
        raise
    return True


def booking_reminders_due(now: datetime.datetime | None = None) -> list[int]:
    """Bookings starting the day before (12 to 36 hours away) whose reminder has not gone."""
    now = now or timezone.now()
    return list(
        Booking.objects.active()
        .filter(
            slot__starts_at__gte=now + REMINDER_FROM,
            slot__starts_at__lt=now + REMINDER_UNTIL,
            reminder_sent_at__isnull=True,
        )
        .exclude(whanau__email="")
        .values_list("pk", flat=True)
    )


def booking_reminder_send(*, booking_id: int) -> bool:
    """Claim and send one reminder; a repeated or retried run sends it once."""
    booking = _load(booking_id)
    now = timezone.now()
    if (
        booking is None
        or booking.cancelled_at is not None
        or not booking.whanau.email
        or booking.slot.starts_at <= now  # a task that ran too late reminds no one
    ):
        return False
    claimed = Booking.objects.filter(
        pk=booking_id, reminder_sent_at__isnull=True, cancelled_at__isnull=True
    ).update(reminder_sent_at=now)
    if not claimed:
        return False
    try:
        _compose(booking, template="conversations/email/booking_reminder").send()
    except Exception:
        # Give the claim back so the retry sends it.
        Booking.objects.filter(pk=booking_id).update(reminder_sent_at=None)
        raise
    return True
