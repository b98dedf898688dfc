"""Calendar files for booked times, read back as a calendar program would (icalendar): one
event per booking that a move updates and a cancellation takes out, at the school's hour,
with where to go or how to join.

Times are fixed in the school's time zone (Pacific/Auckland, NZDT in March).
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from conversations import booking as booking_services
from conversations.calendar import booking_ics
from conversations.models import Booking, Place
from tests import factories

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
DAYTIME = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=NZ)  # a Tuesday morning
THURSDAY = datetime.date(2027, 3, 4)
LINK = "https://meet.example.org/kowhai-room-4?pwd=a,b;c"
LONG_NAME = "Te Rangihaeata Wharekauri-Ngāwhika Tūhoe-Kāwhia Aperahama"
REASON = "Whaea is away sick; we will ring to find another time."


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school, ways=[Place.AT_SCHOOL, Place.ONLINE])


def _slot(world, round_, hour: int, minute: int = 0, **place):
    at = datetime.datetime.combine(THURSDAY, datetime.time(hour, minute), tzinfo=NZ)
    return factories.SlotFactory(round=round_, host=world.teacher, starts_at=at, **place)


def _book(world, slot, **details) -> Booking:
    return booking_services.booking_create(
        slot=slot, student=world.student, whanau=world.link.whanau, details=details
    )


def _read(booking: Booking) -> tuple[Calendar, object]:
    """The booking's file as a calendar program reads it: the calendar and its one event."""
    booking.refresh_from_db()
    calendar = Calendar.from_ical(booking_ics(booking))
    (event,) = calendar.events
    return calendar, event


def test_a_booking_is_one_event_at_the_schools_hour(world, round_):
    """The file holds one event at 3 pm school time, with the school's time zone in it."""
    booking = _book(world, _slot(world, round_, 15))
    calendar, event = _read(booking)
    assert calendar["METHOD"] == "PUBLISH"
    assert event["STATUS"] == "CONFIRMED"
    assert event["UID"] == f"booking-{booking.pk}@mahitahi"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Pacific/Auckland"
    assert event.start == datetime.datetime(2027, 3, 4, 15, 0, tzinfo=NZ)
    assert event.end == datetime.datetime(2027, 3, 4, 15, 15, tzinfo=NZ)
    assert [zone.tz_name for zone in calendar.timezones] == ["Pacific/Auckland"]
    assert calendar.get_missing_tzids() == set()
    assert str(event["URL"]).endswith(reverse("booking_detail", args=[booking.pk]))
    assert "ORGANIZER" not in event


def test_a_school_in_another_zone_writes_its_own(world, round_):
    """A Chatham Islands school's time is written in its own zone, with that zone's rules."""
    world.school.timezone = "Pacific/Chatham"
    world.school.save(update_fields=["timezone"])
    chatham = zoneinfo.ZoneInfo("Pacific/Chatham")
    slot = factories.SlotFactory(
        round=round_,
        host=world.teacher,
        starts_at=datetime.datetime(2027, 3, 4, 15, 45, tzinfo=chatham),
    )
    calendar, event = _read(_book(world, slot))
    assert event["DTSTART"].params["TZID"] == "Pacific/Chatham"
    assert event.start == datetime.datetime(2027, 3, 4, 15, 45, tzinfo=chatham)
    assert [zone.tz_name for zone in calendar.timezones] == ["Pacific/Chatham"]


def test_a_move_is_the_same_event_at_a_new_time(world, round_):
    """Moved, the file updates the event already in the calendar instead of adding one."""
    booking = _book(world, _slot(world, round_, 15))
    _, before = _read(booking)
    booking_services.booking_move(booking=booking, slot=_slot(world, round_, 16))
    calendar, after = _read(booking)
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.start == datetime.datetime(2027, 3, 4, 16, 0, tzinfo=NZ)
    assert calendar["METHOD"] == "PUBLISH"


def test_changing_only_the_needs_still_counts_up(world, round_):
    """A change of what the family need, at the same time, is a newer version of the event."""
    slot = _slot(world, round_, 15)
    booking = _book(world, slot)
    booking_services.booking_move(booking=booking, slot=slot, details={"needs_childcare": True})
    _, event = _read(booking)
    assert event["SEQUENCE"] == 1
    assert event.start == datetime.datetime(2027, 3, 4, 15, 0, tzinfo=NZ)


@pytest.mark.parametrize("by", ["whanau", "teacher"])
def test_a_cancelled_time_leaves_the_calendar(world, round_, by):
    """Cancelled by the family or the school, the file cancels the same event, as a newer
    version than any before."""
    booking = _book(world, _slot(world, round_, 15))
    booking_services.booking_move(booking=booking, slot=_slot(world, round_, 16))
    _, moved = _read(booking)
    booking_services.booking_cancel(booking=booking, by=getattr(world, by), reason=REASON)
    booking_services.booking_cancel(booking=booking, by=getattr(world, by), reason=REASON)
    calendar, event = _read(booking)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == moved["UID"]
    assert event["SEQUENCE"] == moved["SEQUENCE"] + 1
    assert str(event["SUMMARY"]).startswith("Cancelled: ")


@pytest.mark.parametrize(
    ("place", "how", "expected"),
    [
        ({"place": Place.ONLINE, "meeting_link": LINK}, None, LINK),
        ({"place": Place.ONLINE}, None, "Online: the school will send you the link"),
        ({"place": Place.AT_SCHOOL, "meeting_link": LINK}, Booking.How.ONLINE, LINK),
        ({"place": Place.ELSEWHERE, "location": "Te Puea Marae, Māngere"}, None, None),
        ({"place": Place.AT_SCHOOL, "location": "Room 4"}, None, "Room 4, Kōwhai School"),
        ({"place": Place.AT_SCHOOL}, None, "Kōwhai School"),
        ({"place": Place.PHONE}, None, "By phone: {teacher} will call you"),
    ],
    ids=["online", "online-no-link", "room-joined-online", "elsewhere", "room", "school", "phone"],
)
def test_the_location_says_where_to_go_or_how_to_join(world, round_, place, how, expected):
    """Online it is the meeting link; away from school the place; at school the room and
    the school; by phone, that the teacher calls."""
    details = {"how": how} if how else {}
    booking = _book(world, _slot(world, round_, 15, **place), **details)
    _, event = _read(booking)
    if expected is None:
        expected = place["location"]
    assert str(event["LOCATION"]) == expected.format(teacher=world.teacher.name)


def test_text_with_commas_semicolons_newlines_and_long_names_comes_back_whole(world, round_):
    """Whatever the school and family write survives the file: escaped and folded, read back
    the same, with no line over 75 octets."""
    round_.title = "Kōrero ā-whānau, Term 1: goal-setting; with kai\nand waiata — haere mai!"
    round_.save(update_fields=["title"])
    world.student.preferred_name = LONG_NAME
    world.student.save(update_fields=["preferred_name"])
    world.teacher.name = "Whaea Hinemoa Te Rangi-Ngāwhika; Kaiako, Rūma Tuawhā"
    world.teacher.save(update_fields=["name"])
    slot = _slot(
        world, round_, 15, place=Place.ELSEWHERE, location="Marae; back hall, by the\nwharekai"
    )
    booking = _book(world, slot)
    ics = booking_ics(booking)
    assert ics.endswith("\r\n")
    assert "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    _, event = _read(booking)
    assert str(event["SUMMARY"]) == (
        f"Learning conversation: {LONG_NAME} with "
        "Whaea Hinemoa Te Rangi-Ngāwhika; Kaiako, Rūma Tuawhā"
    )
    assert str(event["LOCATION"]) == "Marae; back hall, by the\nwharekai"
    assert str(event["DESCRIPTION"]).startswith(round_.title + "\n")


def test_the_family_downloads_the_file_from_their_booking(client, world, round_):
    """“Add to my calendar” on the booking gives its calendar file, named for the booking."""
    booking = _book(world, _slot(world, round_, 15))
    client.force_login(world.whanau)
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    url = reverse("booking_calendar", args=[booking.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="conversation-{booking.pk}.ics"'
    )
    (event,) = Calendar.from_ical(response.content).events
    assert event["UID"] == f"booking-{booking.pk}@mahitahi"


def test_another_family_cannot_download_it(client, world, round_):
    """Another household's booking is “no such page”, calendar file included."""
    booking = _book(world, _slot(world, round_, 15))
    client.force_login(world.other_whanau)
    assert client.get(reverse("booking_calendar", args=[booking.pk])).status_code == 404
