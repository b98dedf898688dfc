"""Households and conversation times, end to end: whānau who live together share one booking
per child; separated households each book their own and never see each other's; a joint
round holds one per child; a no-contact link sees and books nothing; the database holds it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conversations import booking as booking_services
from conversations.access import bookings_visible_to, own_bookings
from conversations.models import Booking
from partnerships import households
from partnerships.models import WhanauMember
from tests import factories
from tests.access.snapshot import fingerprint

pytestmark = pytest.mark.django_db

NEEDS = {"needs_interpreter": True, "interpreter_language": "Samoan", "note": "Gate code 4821"}


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school)


@pytest.fixture
def slots(world, round_):
    return [factories.SlotFactory(round=round_, host=world.teacher) for _ in range(3)]


@pytest.fixture
def huia(world):
    """The world's whānau member, with their own phone number."""
    member = world.link.whanau
    member.phone = "021 555 0101"
    member.save(update_fields=["phone"])
    return member


@pytest.fixture
def partner(world, huia):
    """A second caregiver of the child, living with Huia."""
    member = factories.WhanauLinkFactory(student=world.student).whanau
    households.household_join(member=member, other=huia, by=world.leader)
    return member


@pytest.fixture
def separated(world):
    """The child's other parent, in a household of their own."""
    return factories.WhanauLinkFactory(
        student=world.student, relationship="father", whanau__phone="027 555 0199"
    ).whanau


def _book(member, slot, student, **details):
    return booking_services.booking_create(
        slot=slot, student=student, whanau=member, details=details
    )


# One household ------------------------------------------------------------------------------


def test_a_household_books_a_child_once_per_round(world, huia, partner, slots):
    """The second caregiver is told the household already has a time, and nothing is written."""
    _book(huia, slots[0], world.student)
    before = fingerprint()
    with pytest.raises(ValidationError, match="Your household already has a time"):
        _book(partner, slots[1], world.student)
    assert fingerprint() == before
    assert Booking.objects.active().count() == 1


def test_the_second_caregiver_sees_moves_and_cancels_the_households_time(
    client, world, huia, partner, slots
):
    """Rāwiri sees the time Huia booked, with what she asked for; he moves it, keeping it,
    and cancels it: one booking throughout."""
    booking = _book(huia, slots[0], world.student, **NEEDS)
    client.force_login(partner.user)
    page = client.get(reverse("my_bookings")).content.decode()
    assert reverse("booking_detail", args=[booking.pk]) in page
    assert f"Booked by {huia.name}" in page
    detail = client.get(reverse("booking_detail", args=[booking.pk]))
    assert detail.status_code == 200
    assert "Samoan" in detail.content.decode()

    assert booking in own_bookings(partner.user)
    booking_services.booking_move(booking=booking, slot=slots[1], by=partner.user)
    booking.refresh_from_db()
    assert booking.slot == slots[1]
    assert booking.interpreter_language == "Samoan"

    response = client.post(reverse("booking_cancel", args=[booking.pk]))
    assert response.url == reverse("my_bookings")
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert Booking.objects.count() == 1


# Separated households ---------------------------------------------------------------------


def test_separated_households_each_book_their_own_conversation(
    world, huia, partner, separated, slots
):
    """In a round per household, the father books his own time for the child too."""
    ours = _book(huia, slots[0], world.student)
    his = _book(separated, slots[1], world.student)
    assert ours.household_id != his.household_id
    assert Booking.objects.active().filter(student=world.student).count() == 2
    with pytest.raises(ValidationError, match="Your household already has a time"):
        _book(separated, slots[2], world.student)


def test_separated_households_never_see_each_others_times_needs_or_contacts(
    client, world, huia, partner, separated, slots
):
    """Neither household can open, list or cancel the other's booking, nor read what it needs
    or how to reach the other parent."""
    ours = _book(huia, slots[0], world.student, **NEEDS)
    his = _book(separated, slots[1], world.student, note="Dad's new flat, ring first")
    for person, theirs, other in (
        (huia.user, his, separated),
        (partner.user, his, separated),
        (separated.user, ours, huia),
    ):
        client.force_login(person)
        before = fingerprint()
        assert client.get(reverse("booking_detail", args=[theirs.pk])).status_code == 404
        assert client.post(reverse("booking_cancel", args=[theirs.pk])).status_code == 404
        assert fingerprint() == before
        page = client.get(reverse("my_bookings")).content.decode()
        assert reverse("booking_detail", args=[theirs.pk]) not in page
        for secret in (other.name, other.email, other.phone, theirs.note):
            assert secret not in page
        assert theirs not in bookings_visible_to(person)
    assert {b.pk for b in bookings_visible_to(world.teacher)} == {ours.pk, his.pk}


def test_the_other_household_is_still_asked_to_book(client, world, huia, separated, slots):
    """Once Huia has booked, her home page stops asking; the father's still asks him."""
    _book(huia, slots[0], world.student)
    asking = f"Book a conversation time for {world.student.display_name}"
    client.force_login(separated.user)
    assert asking in client.get(reverse("home")).content.decode()
    client.force_login(huia.user)
    assert asking not in client.get(reverse("home")).content.decode()


def test_a_no_contact_link_sees_nothing_and_books_nothing(client, world, huia, slots):
    """Even put in Huia's household, the person under a custody order sees no booking of the
    child, and cannot book one."""
    booking = _book(huia, slots[0], world.student, **NEEDS)
    barred = WhanauMember.objects.get(user=world.no_access_whanau)
    households.household_join(member=barred, other=huia, by=world.leader)
    client.force_login(world.no_access_whanau)
    before = fingerprint()
    assert client.get(reverse("booking_detail", args=[booking.pk])).status_code == 404
    assert client.get(reverse("my_bookings")).status_code == 404
    assert client.post(reverse("booking_cancel", args=[booking.pk])).status_code == 404
    assert not bookings_visible_to(world.no_access_whanau).exists()
    with pytest.raises(ValidationError, match="only book for your own tamariki"):
        _book(barred, slots[1], world.student)
    assert fingerprint() == before


# A joint round ----------------------------------------------------------------------------


def test_in_a_joint_round_the_second_household_is_told_the_child_has_a_time(
    world, round_, huia, separated, slots
):
    """One conversation per child: the father is told it is already booked, nothing written."""
    round_.per_household = False
    round_.save(update_fields=["per_household"])
    booking = _book(huia, slots[0], world.student)
    assert booking.household_id is None
    before = fingerprint()
    with pytest.raises(ValidationError, match="already booked"):
        _book(separated, slots[1], world.student)
    assert fingerprint() == before


def test_in_a_joint_round_the_booker_s_household_shares_the_time(
    world, round_, huia, partner, separated, slots
):
    """The caregiver living with the booker sees and may cancel the joint time; the
    separated parent does not see it."""
    round_.per_household = False
    round_.save(update_fields=["per_household"])
    booking = _book(huia, slots[0], world.student)
    assert list(own_bookings(partner.user)) == [booking]
    assert booking_services.is_family_of(booking, partner.user)
    assert not bookings_visible_to(separated.user).exists()


def test_in_a_joint_round_no_household_is_asked_to_book_a_child_with_a_time(
    client, world, round_, huia, separated, slots
):
    """Once the child has their joint time, the other household's home page stops asking."""
    round_.per_household = False
    round_.save(update_fields=["per_household"])
    _book(huia, slots[0], world.student)
    client.force_login(separated.user)
    page = client.get(reverse("home")).content.decode()
    assert "Book a conversation time for" not in page


def test_the_household_moves_a_time_whoever_first_booked_it(world, huia, partner, slots):
    """When the caregiver who booked loses access to the child, the one living with them may
    still move the household's time; the one without access may not."""
    booking = _book(huia, slots[0], world.student)
    world.link.has_access = False
    world.link.save(update_fields=["has_access"])
    moved = booking_services.booking_move(booking=booking, slot=slots[1], by=partner.user)
    assert moved.slot == slots[1]
    with pytest.raises(ValidationError, match="your own tamariki"):
        booking_services.booking_move(booking=booking, slot=slots[2], by=huia.user)


# Moving out ---------------------------------------------------------------------------------


def test_a_parent_who_moves_out_leaves_the_households_time_behind(world, huia, partner, slots):
    """After separating, the parent who booked no longer sees the old household's time or
    what the other parent adds to it, and may not move or cancel it; they may book their own."""
    booking = _book(partner, slots[0], world.student)
    households.household_leave(member=partner, by=world.leader)
    assert not own_bookings(partner.user).exists()
    assert not bookings_visible_to(partner.user).exists()
    assert not booking_services.is_family_of(booking, partner.user)
    assert list(own_bookings(huia.user)) == [booking]
    partner.refresh_from_db()
    own = _book(partner, slots[1], world.student)
    assert own.household_id == partner.household_id != booking.household_id


# The database's own rules ---------------------------------------------------------------------


def test_the_database_refuses_a_second_booking_for_a_household(world, huia, slots):
    """Written past the services, a second active booking for the same round, child and
    household is refused by the database; a cancelled one does not count."""
    household = households.household_of(huia)
    first = Booking.objects.create(
        slot=slots[0], student=world.student, whanau=huia, household=household
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            slot=slots[1], student=world.student, whanau=huia, household=household
        )
    Booking.objects.filter(pk=first.pk).update(cancelled_at=timezone.now())
    Booking.objects.create(slot=slots[1], student=world.student, whanau=huia, household=household)


def test_the_database_refuses_a_second_joint_booking(world, huia, separated, slots):
    """With no household (a joint round), one active booking per child per round."""
    Booking.objects.create(slot=slots[0], student=world.student, whanau=huia)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slots[1], student=world.student, whanau=separated)
    assert Booking.objects.count() == 1
