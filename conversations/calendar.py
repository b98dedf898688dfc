"""A booked conversation as an iCalendar file (RFC 5545), so families can add it to a calendar.

Written by hand: one event, a few properties, the text escaped and the lines folded.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext

from conversations.models import Booking

PRODID = "-//Mahi Tahi//Conversations//EN"
CRLF = "\r\n"
MAX_OCTETS = 75  # RFC 5545 §3.1: lines longer than this are folded


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line to at most 75 octets per line, never inside a UTF-8 character."""
    parts = []
    current, size = "", 0
    limit = MAX_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append(current)
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += octets
    parts.append(current)
    return (CRLF + " ").join(parts)


def utc_stamp(value: datetime.datetime) -> str:
    """A DATE-TIME in UTC, the ``19980119T070000Z`` form."""
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(booking: Booking) -> str:
    """The booking as a calendar with one event, in the active language."""
    slot = booking.slot
    school = slot.round.school
    host_name = slot.host.get_full_name() or str(slot.host)
    summary = gettext("Learning conversation: %(student)s with %(host)s") % {
        "student": booking.student.display_name,
        "host": host_name,
    }
    location = f"{slot.get_place_display()}, {school.name}"
    description = "\n".join(
        [
            slot.round.title,
            gettext("Booked on Mahi Tahi. How you’ll meet: %(how)s.")
            % {"how": booking.get_how_display()},
        ]
    )
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@mahitahi",
        f"DTSTAMP:{utc_stamp(timezone.now())}",
        f"DTSTART:{utc_stamp(slot.starts_at)}",
        f"DTEND:{utc_stamp(slot.ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(description)}",
        "STATUS:CONFIRMED",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)
