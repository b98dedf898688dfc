"""Conversation times that suit families: offering, booking, moving, and the teacher's schedule."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conversations.models import Booking, Slot, TimeRequest
from partnerships import outbox
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school)


@pytest.fixture
def slot(world, round_):
    return factories.SlotFactory(round=round_, host=world.teacher)


def _book(client, slot, student, **data):
    return client.post(
        reverse("slot_book", args=[slot.pk, student.pk]), {"how": "in_person", **data}
    )


def _weekday(days: int) -> datetime.date:
    """The school day ``days`` from today, or the next one after it: times go on school days."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:  # Saturday, Sunday
        day += datetime.timedelta(days=1)
    return day


def test_teacher_offers_a_run_of_times_in_school_time(client, world, round_):
    """2pm to 3pm in the round's 15-minute conversations makes four times, at 2pm school time."""
    client.force_login(world.teacher)
    client.post(
        reverse("round_detail", args=[round_.pk]),
        {"date": _weekday(7).isoformat(), "first": "14:00", "last": "15:00", "place": "school"},
    )
    slots = list(Slot.objects.filter(host=world.teacher).order_by("starts_at"))
    assert len(slots) == 4
    assert timezone.localtime(slots[0].starts_at).hour == 14  # Pacific/Auckland
    assert {slot.minutes for slot in slots} == {15}


@pytest.mark.parametrize(
    ("first", "last", "days", "message"),
    [
        ("15:00", "14:00", 7, "must be after the first"),
        ("14:00", "15:00", -1, "already passed"),
    ],
)
def test_bad_times_are_refused(client, world, round_, first, last, days, message):
    """Times ending before they start, or in the past, are explained and none are made."""
    client.force_login(world.teacher)
    day = _weekday(days) if days > 0 else timezone.localdate() + datetime.timedelta(days=days)
    response = client.post(
        reverse("round_detail", args=[round_.pk]),
        {"date": day.isoformat(), "first": first, "last": last, "place": "school"},
    )
    assert message in response.content.decode()
    assert not Slot.objects.exists()


def test_whanau_see_only_their_childs_teachers_times(client, world, round_, slot):
    """The booking page offers the child's teacher's times, not another class's."""
    other = factories.SlotFactory(round=round_, host=world.other_teacher)
    client.force_login(world.whanau)
    response = client.get(reverse("round_book", args=[round_.pk]))
    content = response.content.decode()
    assert f'name="time-{world.student.pk}" id="time-{world.student.pk}-{slot.pk}"' in content
    assert f'id="time-{world.student.pk}-{other.pk}"' not in content
    assert world.other_teacher.name not in content


def test_whanau_book_with_their_needs_and_get_a_calendar_file(
    client, world, slot, django_capture_on_commit_callbacks
):
    """Booking saves what they need and emails a confirmation with a calendar file."""
    client.force_login(world.whanau)
    with django_capture_on_commit_callbacks(execute=True):
        response = _book(
            client,
            slot,
            world.student,
            needs_interpreter="on",
            interpreter_language="Tongan",
            needs_childcare="on",
        )
    booking = Booking.objects.get()
    assert response.url == reverse("booking_detail", args=[booking.pk])
    assert booking.needs_interpreter
    assert booking.interpreter_language == "Tongan"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][2] == "text/calendar"


def test_booking_form_sent_twice_books_and_confirms_once(
    client, world, slot, django_capture_on_commit_callbacks
):
    """A double click on “Book”: one booking, and the family gets one confirmation."""
    client.force_login(world.whanau)
    with django_capture_on_commit_callbacks(execute=True):
        first = _book(client, slot, world.student)
        second = _book(client, slot, world.student)
    booking = Booking.objects.get()
    assert first.url == second.url == reverse("booking_detail", args=[booking.pk])
    assert outbox.send_due().sent == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.link.whanau.email]


def test_booking_again_moves_the_time(client, world, round_, slot):
    """Choosing a new time in the same round moves the booking in place (the same booking, its
    calendar event one change on); the old time is free again, and only the new time is
    confirmed."""
    later = factories.SlotFactory(round=round_, host=world.teacher)
    client.force_login(world.whanau)
    _book(client, slot, world.student)
    first = Booking.objects.get()
    _book(client, later, world.student)
    active = Booking.objects.get()
    assert (active.pk, active.slot, active.sequence) == (first.pk, later, first.sequence + 1)
    assert active.cancelled_at is None
    assert not Booking.objects.filter(slot=slot).exists()
    result = outbox.send_due()
    assert (result.sent, result.skipped) == (1, 1)
    (message,) = mail.outbox
    assert f"/{active.pk}/" in message.body


def test_a_taken_time_offers_the_nearest_free_ones(client, world, round_, slot):
    """If another family has the time, nothing is saved and the nearest free times are offered."""
    free = factories.SlotFactory(round=round_, host=world.teacher)
    other_parent = factories.WhanauLinkFactory(student=world.student)
    Booking.objects.create(slot=slot, student=world.student, whanau=other_parent.whanau)
    client.force_login(world.whanau)
    response = _book(client, slot, world.student)
    content = response.content.decode()
    assert "someone has just booked that time" in content
    assert reverse("slot_book", args=[free.pk, world.student.pk]) in content
    assert Booking.objects.filter(whanau=world.link.whanau).count() == 0


def test_separated_households_do_not_see_each_others_bookings(client, world, round_, slot):
    """Two whānau of one child book their own times; neither sees the other's booking or needs."""
    other_parent = factories.WhanauLinkFactory(student=world.student)
    theirs = Booking.objects.create(
        slot=factories.SlotFactory(round=round_, host=world.teacher),
        student=world.student,
        whanau=other_parent.whanau,
        note="Please don't share my address",
    )
    client.force_login(world.whanau)
    _book(client, slot, world.student)
    assert client.get(reverse("booking_detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("my_bookings")).content.decode()
    assert other_parent.whanau.name not in page
    book_page = client.get(reverse("round_book", args=[round_.pk])).content.decode()
    assert "Please don't share" not in book_page


def test_past_times_and_other_schools_times_cannot_be_booked(client, world, round_):
    """A time already past says so; one offered at another school is a 404; nothing is
    booked."""
    past = factories.SlotFactory(
        round=round_, host=world.teacher, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    elsewhere = factories.SlotFactory(round=factories.RoundFactory(school=world.other_school))
    client.force_login(world.whanau)
    response = _book(client, past, world.student)
    assert response.status_code == 200
    assert "That time has already passed." in response.content.decode()
    assert _book(client, elsewhere, world.student).status_code == 404
    assert not Booking.objects.exists()


def test_no_access_whanau_cannot_book(client, world, slot):
    """A “no access / no contact” person gets a 404 and books nothing."""
    client.force_login(world.no_access_whanau)
    assert _book(client, slot, world.student).status_code == 404
    assert not Booking.objects.exists()


def test_teachers_schedule_shows_needs_and_where_to_find_who_has_not_booked(
    client, world, round_, slot
):
    """The schedule lists who is coming with what they need, and leads to who has no time."""
    Booking.objects.create(
        slot=slot, student=world.student, whanau=world.link.whanau, needs_childcare=True
    )
    client.force_login(world.teacher)
    response = client.get(reverse("round_detail", args=[round_.pk]))
    content = response.content.decode()
    assert world.link.whanau.name in content
    assert "Childcare" in content
    assert reverse("round_not_booked", args=[round_.pk]) in content


def test_asking_for_another_time_and_the_answer(client, world, round_, slot):
    """A family asks for another time; the teacher answers; the family sees the answer."""
    client.force_login(world.whanau)
    client.post(
        reverse("round_book", args=[round_.pk]),
        {"student": world.student.pk, "message": "Any evening after 7pm?"},
    )
    request = TimeRequest.objects.get()
    client.force_login(world.teacher)
    client.post(reverse("time_request_answer", args=[request.pk]), {"answer": "Thursday 7:30pm?"})
    client.force_login(world.whanau)
    assert "Thursday 7:30pm?" in client.get(reverse("my_bookings")).content.decode()


def test_cancel_frees_the_time(client, world, slot):
    """Cancelling frees the time for someone else."""
    client.force_login(world.whanau)
    _book(client, slot, world.student)
    booking = Booking.objects.get()
    client.post(reverse("booking_cancel", args=[booking.pk]))
    assert not Booking.objects.active().exists()
    assert outbox.send_due().skipped == 1  # cancelled before its confirmation went: none goes
    assert all(message.subject.startswith("Cancelled") for message in mail.outbox)
