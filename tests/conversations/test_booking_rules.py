"""The rules of booking a time: who may book which time, moving and cancelling, and the audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conversations import booking as booking_services
from conversations.models import Booking, Place
from partnerships.households import household_of
from partnerships.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school)


@pytest.fixture
def slot(world, round_):
    return factories.SlotFactory(round=round_, host=world.teacher)


def _member(world):
    return world.link.whanau


def _book(world, slot, **details):
    return booking_services.booking_create(
        slot=slot, student=world.student, whanau=_member(world), details=details
    )


def _audit(action, summary):
    return AuditEvent.objects.filter(
        action=action, object_type="conversations.booking", summary=summary
    )


def test_booking_is_audited_as_the_whanau_member(world, slot):
    """A booking writes one audit row, by the person who booked, about the child."""
    booking = _book(world, slot)
    event = _audit(AuditEvent.Action.CREATED, "Booked a conversation time").get()
    assert event.actor == world.whanau
    assert event.student == world.student
    assert event.object_id == booking.pk


def test_a_closed_round_cannot_be_booked(world, round_, slot):
    """Once the round is closed, booking is refused with the reason and nothing is saved."""
    round_.is_open = False
    round_.save()
    slot.refresh_from_db()
    with pytest.raises(ValidationError, match="closed for booking"):
        _book(world, slot)
    assert not Booking.objects.exists()


def test_a_time_already_past_cannot_be_booked(world, round_):
    """A time that has started is refused: choose another."""
    past = factories.SlotFactory(
        round=round_, host=world.teacher, starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with pytest.raises(ValidationError, match="already passed"):
        _book(world, past)
    assert not Booking.objects.exists()


def test_a_time_with_another_classes_teacher_cannot_be_booked(world, round_):
    """A teacher who doesn't teach the child can't be booked about them."""
    theirs = factories.SlotFactory(round=round_, host=world.other_teacher)
    with pytest.raises(ValidationError, match="doesn’t teach"):
        _book(world, theirs)
    assert not Booking.objects.exists()


def test_no_access_whanau_cannot_book_through_the_service(world, slot):
    """A “no access / no contact” person is refused by the service itself, not only the page."""
    member = world.no_access_whanau.whanau_memberships.get()
    with pytest.raises(ValidationError, match="your own tamariki"):
        booking_services.booking_create(slot=slot, student=world.student, whanau=member, details={})
    assert not Booking.objects.exists()


def test_a_second_time_in_the_same_round_is_refused(world, round_, slot):
    """One time per child per round: a second booking says to move the first instead."""
    _book(world, slot)
    later = factories.SlotFactory(round=round_, host=world.teacher)
    with pytest.raises(ValidationError, match="Move it instead"):
        _book(world, later)
    assert Booking.objects.active().get().slot == slot


def test_an_assigned_teacher_can_be_booked_too(world, round_):
    """A mentor assigned to the child offers times the family can book."""
    mentor_slot = factories.SlotFactory(round=round_, host=world.other_teacher)
    world.student.assigned_teachers.add(world.other_teacher)
    booking = _book(world, mentor_slot)
    assert booking.slot.host == world.other_teacher


def test_a_time_with_the_wrong_childs_teacher_is_explained_on_the_page(client, world, slot):
    """A whānau member of two children can't book one child's teacher about the other."""
    factories.WhanauLinkFactory(student=world.other_student, whanau=_member(world))
    client.force_login(world.whanau)
    response = client.post(
        reverse("slot_book", args=[slot.pk, world.other_student.pk]), {"how": "in_person"}
    )
    assert response.status_code == 200
    assert "That time is with a teacher who doesn’t teach" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_booking_form_starts_with_what_the_family_needs(client, world, slot):
    """The form is filled in with the needs the family has told the school about."""
    member = _member(world)
    member.needs_interpreter = True
    member.interpreter_language = "Tongan"
    member.needs_childcare = True
    member.save()
    client.force_login(world.whanau)
    response = client.get(reverse("slot_book", args=[slot.pk, world.student.pk]))
    form = response.context["form"]
    assert form["needs_interpreter"].value() is True
    assert form["needs_childcare"].value() is True
    assert form["interpreter_language"].value() == "Tongan"


def test_moving_to_a_taken_time_keeps_the_booking_there_is(world, round_, slot):
    """If the new time was just taken, the old booking stays and the nearest free times come."""
    booking = _book(world, slot, needs_childcare=True)
    taken = factories.SlotFactory(round=round_, host=world.teacher)
    free = factories.SlotFactory(round=round_, host=world.teacher)
    other_parent = factories.WhanauLinkFactory(student=world.student)
    Booking.objects.create(slot=taken, student=world.student, whanau=other_parent.whanau)
    with pytest.raises(booking_services.SlotTakenError) as taken_error:
        booking_services.booking_move(booking=booking, slot=taken)
    assert taken_error.value.alternatives == [free]
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    assert not AuditEvent.objects.filter(summary__startswith="Moved a conversation time").exists()


def test_moving_keeps_what_the_family_needs_and_is_audited(world, round_, slot):
    """The booking moves in place (one change on), keeps its needs and note, and is audited."""
    booking = _book(world, slot, needs_interpreter=True, interpreter_language="Samoan", note="Hi")
    later = factories.SlotFactory(round=round_, host=world.teacher)
    moved = booking_services.booking_move(booking=booking, slot=later)
    assert (moved.needs_interpreter, moved.interpreter_language, moved.note) == (
        True,
        "Samoan",
        "Hi",
    )
    assert (moved.pk, moved.slot, moved.sequence, moved.cancelled_at) == (
        booking.pk,
        later,
        1,
        None,
    )
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CHANGED, summary__startswith="Moved a conversation time from"
    )
    assert event.object_id == moved.pk
    assert event.actor == world.whanau


def test_needs_given_when_moving_to_another_time_are_kept(client, world, round_, slot):
    """A family who move their time and now ask for an interpreter get one at the new time."""
    round_.ways = [Place.AT_SCHOOL, Place.ONLINE]  # a time at school may be joined online
    round_.save()
    client.force_login(world.whanau)
    client.post(reverse("slot_book", args=[slot.pk, world.student.pk]), {"how": "in_person"})
    later = factories.SlotFactory(round=round_, host=world.teacher)
    client.post(
        reverse("slot_book", args=[later.pk, world.student.pk]),
        {"how": "online", "needs_interpreter": "on", "interpreter_language": "Tongan"},
    )
    booking = Booking.objects.active().get()
    assert booking.slot == later
    assert booking.how == "online"
    assert booking.needs_interpreter
    assert booking.interpreter_language == "Tongan"


def test_cancelling_twice_is_audited_once(world, slot):
    """Cancelling writes one audit row; cancelling again changes nothing."""
    booking = _book(world, slot)
    booking_services.booking_cancel(booking=booking, by=world.whanau)
    booking_services.booking_cancel(booking=booking, by=world.whanau)
    assert _audit(AuditEvent.Action.CHANGED, "Cancelled a conversation time").count() == 1
    assert not Booking.objects.active().exists()


def test_another_family_cannot_cancel_my_time(client, world, slot):
    """The other parent of the same child gets a 404 cancelling my booking; it stays."""
    booking = _book(world, slot)
    other_parent = factories.WhanauLinkFactory(student=world.student)
    client.force_login(other_parent.whanau.user)
    response = client.post(reverse("booking_cancel", args=[booking.pk]))
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.cancelled_at is None


def test_cancelling_from_the_page_says_so_and_frees_the_time(client, world, slot):
    """After cancelling, the family is told, and the time can be booked again."""
    booking = _book(world, slot)
    client.force_login(world.whanau)
    response = client.post(reverse("booking_cancel", args=[booking.pk]), follow=True)
    assert "Your conversation time is cancelled." in response.content.decode()
    assert _book(world, slot).cancelled_at is None


def test_the_teacher_sees_a_booking_but_cannot_change_it(client, world, slot):
    """Staff open a booking with what the family needs, without the family's own buttons."""
    booking = _book(world, slot, needs_accessible_room=True)
    client.force_login(world.teacher)
    response = client.get(reverse("booking_detail", args=[booking.pk]))
    page = response.content.decode()
    assert response.context["is_mine"] is False
    assert "An accessible room" in page
    assert "Cancel this time" not in page


def test_the_family_sees_their_booking_with_move_and_cancel(client, world, slot):
    """The family who booked can move or cancel from their booking."""
    booking = _book(world, slot)
    client.force_login(world.whanau)
    page = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "Move to another time" in page
    assert "Cancel this time" in page


def test_another_classes_teacher_cannot_see_the_booking(client, world, slot):
    """A teacher who doesn't teach the child gets a 404 for the booking."""
    booking = _book(world, slot)
    client.force_login(world.other_teacher)
    assert client.get(reverse("booking_detail", args=[booking.pk])).status_code == 404


def _mere(world):
    """Mere lives with the world's whānau member and is whānau of the same child."""
    mere = factories.WhanauMemberFactory(
        school=world.school, household=household_of(_member(world)), name="Mere"
    )
    factories.WhanauLinkFactory(student=world.student, whanau=mere)
    return mere


def test_an_online_time_is_online_and_nothing_else(client, world, round_):
    """An online time offers "Online" only, and chooses it; another way sent is refused."""
    online = factories.SlotFactory(
        round=round_, host=world.teacher, place=Place.ONLINE, meeting_link="https://meet.example/k"
    )
    client.force_login(world.whanau)
    url = reverse("slot_book", args=[online.pk, world.student.pk])
    how = client.get(url).context["form"]["how"]
    assert [value for value, _label in how.field.choices] == ["online"]
    assert how.value() == "online"
    assert client.post(url, {"how": "in_person"}).status_code == 200
    assert not Booking.objects.exists()
    client.post(url, {"how": "online"})
    assert Booking.objects.get().how == "online"


def test_moving_starts_from_what_the_booking_said(client, world, round_, slot):
    """The move form says which time it moves from and starts with the booking's needs."""
    _book(world, slot, needs_interpreter=True, interpreter_language="Samoan", note="Nana too")
    later = factories.SlotFactory(round=round_, host=world.teacher)
    client.force_login(world.whanau)
    response = client.get(reverse("slot_book", args=[later.pk, world.student.pk]))
    form = response.context["form"]
    assert form["interpreter_language"].value() == "Samoan"
    assert form["note"].value() == "Nana too"
    assert "This moves" in response.content.decode()


def test_a_move_form_left_open_while_the_time_was_cancelled_says_so(client, world, round_, slot):
    """The time being moved was cancelled meanwhile: nothing is booked until the family says
    so again, and the page tells them what happened."""
    booking = _book(world, slot)
    later = factories.SlotFactory(round=round_, host=world.teacher)
    client.force_login(world.whanau)
    url = reverse("slot_book", args=[later.pk, world.student.pk])
    seen = str(int(later.starts_at.timestamp()))
    booking_services.booking_cancel(booking=booking, by=world.whanau)
    response = client.post(url, {"how": "in_person", "seen": seen, "booking": booking.pk})
    assert "was cancelled since the page was opened" in response.content.decode()
    assert not Booking.objects.active().exists()
    assert client.post(url, {"how": "in_person", "seen": seen, "booking": ""}).status_code == 302
    assert Booking.objects.active().get().slot == later


def test_a_book_form_left_open_while_the_household_booked_says_so(client, world, round_, slot):
    """Mere booked the child while this form was open: it moves her booking only when asked
    again, having said so."""
    mere = _mere(world)
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=mere, details={}
    )
    later = factories.SlotFactory(round=round_, host=world.teacher)
    client.force_login(world.whanau)
    url = reverse("slot_book", args=[later.pk, world.student.pk])
    response = client.post(url, {"how": "in_person", "booking": ""})
    assert "has been booked: " in response.content.decode()
    assert "by Mere. Press Book again to move it" in response.content.decode()
    booking.refresh_from_db()
    assert booking.slot == slot
    client.post(url, {"how": "in_person", "booking": booking.pk})
    booking.refresh_from_db()
    assert (booking.slot, booking.sequence) == (later, 1)


def test_a_time_moved_by_the_school_since_the_form_opened_is_not_booked(client, world, slot):
    """The form remembers the time it showed; if it has changed, nothing is booked."""
    seen = str(int(slot.starts_at.timestamp()))
    slot.starts_at += datetime.timedelta(hours=1)
    slot.save()
    client.force_login(world.whanau)
    url = reverse("slot_book", args=[slot.pk, world.student.pk])
    for sent in (seen, "soon", "٣"):
        response = client.post(url, {"how": "in_person", "seen": sent})
        assert "This time has changed since the page was opened" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_time_before_booking_opens_says_when(client, world, round_, slot):
    """Before the round opens, the time's page says when booking opens and books nothing."""
    round_.opens_at = timezone.now() + datetime.timedelta(days=1)
    round_.save()
    client.force_login(world.whanau)
    url = reverse("slot_book", args=[slot.pk, world.student.pk])
    assert "Booking opens on" in client.get(url).content.decode()
    response = client.post(url, {"how": "in_person"})
    assert "Booking for this round opens on" in response.content.decode()
    assert not Booking.objects.exists()


def test_my_bookings_show_the_households_times_who_booked_and_how_to_meet(client, world, round_):
    """The household's times, each with who booked it, the meeting link, the needs, and Move
    and Cancel; another household's time of the same child is not there."""
    mere = _mere(world)
    online = factories.SlotFactory(
        round=round_, host=world.teacher, place=Place.ONLINE, meeting_link="https://meet.example/k"
    )
    booking = booking_services.booking_create(
        slot=online,
        student=world.student,
        whanau=mere,
        details={"needs_interpreter": True, "interpreter_language": "Tongan"},
    )
    other_parent = factories.WhanauLinkFactory(student=world.student).whanau
    booking_services.booking_create(
        slot=factories.SlotFactory(round=round_, host=world.teacher),
        student=world.student,
        whanau=other_parent,
        details={"note": "Not for the other house"},
    )
    client.force_login(world.whanau)
    page = client.get(reverse("my_bookings")).content.decode()
    assert "Booked by Mere" in page
    assert 'href="https://meet.example/k"' in page
    assert "An interpreter (Tongan)" in page
    assert reverse("booking_cancel", args=[booking.pk]) in page
    assert f"?move={world.student.pk}" in page
    assert "Not for the other house" not in page
    assert other_parent.name not in page
    detail = client.get(reverse("booking_detail", args=[booking.pk])).content.decode()
    assert "Mere" in detail
    assert 'href="https://meet.example/k"' in detail
    assert "Cancel this time" in detail


def test_a_household_member_cancels_the_time_another_booked(client, world, slot):
    """Anyone of the household may cancel the time Mere booked."""
    booking = booking_services.booking_create(
        slot=slot, student=world.student, whanau=_mere(world), details={}
    )
    client.force_login(world.whanau)
    assert client.post(reverse("booking_cancel", args=[booking.pk])).status_code == 302
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


def test_two_of_one_household_cannot_both_book_the_child(world, round_, slot):
    """The second member of the household to book the same child is told to move it."""
    _book(world, slot)
    later = factories.SlotFactory(round=round_, host=world.teacher)
    with pytest.raises(ValidationError, match="Your household already has a time"):
        booking_services.booking_create(
            slot=later, student=world.student, whanau=_mere(world), details={}
        )
    assert Booking.objects.active().count() == 1
