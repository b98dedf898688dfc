"""A booked conversation as an iCalendar file (RFC 5545), so families can add it to a calendar,
and their calendar follows it when the time moves or is cancelled.

Built with the icalendar package, which escapes the text and folds the lines. Each booking
is one event with one UID for its whole life (``booking-<pk>@mahitahi``: the form the first
files carried, so calendars that imported those still match). A move changes the time in
place and counts up SEQUENCE, so a calendar updates the event it has instead of adding a
second one; a cancellation is sent as METHOD:CANCEL with STATUS:CANCELLED, which takes the
event out.

Times are written in the school's time zone, with its VTIMEZONE, so the event stays at the
hour the school set even on a phone set to another zone.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from conversations.models import Booking, Place
from partnerships import mail

PRODID = "-//Mahi Tahi//Conversations//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def booking_uid(booking: Booking) -> str:
    """The event's UID: the same for the booking however often it moves."""
    return f"booking-{booking.pk}@mahitahi"


def filename(booking: Booking) -> str:
    return f"conversation-{booking.pk}.ics"


def location(booking: Booking) -> str:
    """Where the family goes, or how they join, in a line a calendar shows as the place.

    The family's way counts where they chose to join a time in a room by phone or online.
    """
    slot = booking.slot
    if slot.place == Place.ONLINE or booking.how == Booking.How.ONLINE:
        return slot.meeting_link or gettext("Online: the school will send you the link")
    if slot.place == Place.PHONE or booking.how == Booking.How.PHONE:
        return gettext("By phone: %(host)s will call you") % {"host": slot.host_name}
    if slot.place == Place.AT_SCHOOL:
        return ", ".join(part for part in (slot.location, booking.round.school.name) if part)
    return slot.location or slot.get_place_display()


def _description(booking: Booking, url: str) -> str:
    slot = booking.slot
    lines = [
        booking.round.title,
        gettext("How you’ll meet: %(how)s.") % {"how": booking.get_how_display()},
    ]
    if slot.meeting_link and (slot.place == Place.ONLINE or booking.how == Booking.How.ONLINE):
        lines.append(gettext("Join online: %(link)s") % {"link": slot.meeting_link})
    lines.append(gettext("See or change your booking: %(url)s") % {"url": url})
    return "\n".join(lines)


def booking_calendar(booking: Booking) -> Calendar:
    """The booking as a calendar of one event, in the active language: published while it
    stands, a cancellation once it is cancelled."""
    slot = booking.slot
    school = booking.round.school
    cancelled = booking.cancelled_at is not None
    summary = gettext("Learning conversation: %(student)s with %(host)s") % {
        "student": booking.student.display_name,
        "host": slot.host_name,
    }
    if cancelled:
        summary = gettext("Cancelled: %(summary)s") % {"summary": summary}
    url = mail.absolute_url(reverse("booking_detail", args=[booking.pk]))
    event = Event.new(
        uid=booking_uid(booking),
        sequence=booking.sequence,
        stamp=timezone.now(),
        start=timezone.localtime(slot.starts_at, school.zone),
        end=timezone.localtime(slot.ends_at, school.zone),
        summary=summary,
        location=location(booking),
        description=_description(booking, url),
        url=url,
        status="CANCELLED" if cancelled else "CONFIRMED",
        transparency="OPAQUE",
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def booking_ics(booking: Booking) -> str:
    """The calendar file's text, CRLF line ends and all.

    Text rather than bytes: an email attachment of type ``text/calendar`` is text to Django
    either way, and a response encodes it in the charset it declares (``CONTENT_TYPE``).
    """
    return booking_calendar(booking).to_ical().decode()
