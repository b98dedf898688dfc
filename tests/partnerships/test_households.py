"""Households: staff say who lives with whom, a leader says whether each household books its
own conversation, and the demo's families live as its story says."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from conversations import rounds
from conversations.access import own_bookings
from conversations.models import Booking
from partnerships import demo, households
from partnerships.models import AuditEvent, Household, School, User, WhanauLink, WhanauMember
from tests import factories
from tests.access.snapshot import fingerprint

pytestmark = pytest.mark.django_db


def _whanau_of(student, **kwargs) -> WhanauMember:
    return factories.WhanauLinkFactory(student=student, **kwargs).whanau


def _refreshed(*members):
    for member in members:
        member.refresh_from_db()
    return members


# The services ---------------------------------------------------------------------------


def test_joining_moves_a_member_into_the_others_household_made_if_needed(world):
    """Two whānau living on their own: the first joins the second, in one new household,
    and each of the first's tamariki has the change in their record's history."""
    huia = world.link.whanau
    factories.WhanauLinkFactory(whanau=huia, student=world.classmate)
    rawiri = _whanau_of(world.student)

    assert households.household_join(member=huia, other=rawiri, by=world.teacher)

    huia, rawiri = _refreshed(huia, rawiri)
    assert huia.household_id is not None
    assert huia.household_id == rawiri.household_id
    history = AuditEvent.objects.filter(
        object_type="partnerships.whanaumember", object_id=huia.pk
    ).order_by("student_id")
    assert [event.student for event in history] == sorted(
        [world.student, world.classmate], key=lambda s: s.pk
    )
    assert history[0].summary == f"{huia.name} now lives with {rawiri.name}"
    assert history[0].actor == world.teacher


def test_joining_where_one_already_lives_changes_nothing(world):
    """Saying again that two people live together writes nothing more."""
    huia, rawiri = world.link.whanau, _whanau_of(world.student)
    households.household_join(member=huia, other=rawiri, by=world.leader)
    before = fingerprint()
    assert not households.household_join(member=rawiri, other=huia, by=world.leader)
    assert fingerprint() == before


def test_a_third_person_joins_the_household_two_already_share(world):
    """A grandparent moves in: three people, one household, none made anew."""
    huia, rawiri, koro = (_whanau_of(world.student) for _ in range(3))
    households.household_join(member=huia, other=rawiri, by=world.leader)
    households.household_join(member=koro, other=huia, by=world.leader)
    assert len({m.household_id for m in _refreshed(huia, rawiri, koro)}) == 1
    assert Household.objects.count() == 1


@pytest.mark.parametrize("whom", ["themselves", "another school"])
def test_living_with_oneself_or_someone_at_another_school_is_refused(world, whom):
    """A clear message, and nothing changes."""
    huia = world.link.whanau
    if whom == "themselves":
        other, message = huia, "Choose someone else"
    else:
        other = _whanau_of(world.other_school_student)
        message = "is whānau at another school"
    before = fingerprint()
    with pytest.raises(ValidationError, match=message):
        households.household_join(member=huia, other=other, by=world.leader)
    assert fingerprint() == before


def test_only_staff_of_their_tamariki_say_who_lives_with_whom(world):
    """Another class's teacher, a whānau member or another school's leader is refused."""
    huia, rawiri = world.link.whanau, _whanau_of(world.student)
    for person in (world.other_teacher, world.whanau, world.other_school_leader):
        with pytest.raises(PermissionDenied):
            households.household_join(member=huia, other=rawiri, by=person)
        with pytest.raises(PermissionDenied):
            households.household_leave(member=huia, by=person)
    assert not Household.objects.exists()


def test_a_teacher_cannot_move_someone_in_with_whanau_of_a_child_they_do_not_teach(world):
    """Whānau of a child in another class are not theirs to house."""
    with pytest.raises(PermissionDenied):
        households.household_join(
            member=world.link.whanau,
            other=WhanauMember.objects.get(user=world.other_whanau),
            by=world.teacher,
        )


def test_leaving_lives_on_their_own_and_the_household_stays_with_the_others(world):
    """Separating: one leaves, the other keeps the household; leaving again changes nothing."""
    huia, rawiri = world.link.whanau, _whanau_of(world.student)
    households.household_join(member=huia, other=rawiri, by=world.leader)
    household_id = rawiri.household_id

    assert households.household_leave(member=rawiri, by=world.leader)

    huia, rawiri = _refreshed(huia, rawiri)
    assert rawiri.household_id is None
    assert huia.household_id == household_id
    assert AuditEvent.objects.filter(summary=f"{rawiri.name} now lives on their own").exists()
    before = fingerprint()
    assert not households.household_leave(member=rawiri, by=world.leader)
    assert not households.household_leave(member=huia, by=world.leader)  # the only one left
    assert fingerprint() == before


def test_bookings_stay_with_the_household_that_made_them(world):
    """Rāwiri moves out: the time Huia's household booked stays theirs; his new household has
    none, and books its own."""
    huia, rawiri = world.link.whanau, _whanau_of(world.student)
    households.household_join(member=huia, other=rawiri, by=world.leader)
    slot = factories.SlotFactory(
        round=factories.RoundFactory(school=world.school), host=world.teacher
    )
    booking = Booking.objects.create(
        slot=slot, student=world.student, whanau=huia, household=huia.household
    )

    households.household_leave(member=rawiri, by=world.leader)

    booking.refresh_from_db()
    assert booking.household_id == huia.household_id
    assert list(own_bookings(world.whanau)) == [booking]
    assert list(own_bookings(rawiri.user)) == []


# The student's whānau page ---------------------------------------------------------------


def _household_url(world):
    return reverse("student_household", args=[world.student.pk])


def test_the_whanau_page_says_who_lives_with_whom(client, world):
    """Each whānau member: “Lives with: …” or “Lives on their own”, and a form to change it."""
    huia, rawiri = world.link.whanau, _whanau_of(world.student)
    households.household_join(member=rawiri, other=huia, by=world.leader)
    client.force_login(world.teacher)
    content = client.get(reverse("student_whanau", args=[world.student.pk])).content.decode()
    assert f"Lives with: {huia.name}" in content
    assert f"Lives with: {rawiri.name}" in content
    assert "Lives on their own" in content  # the no-access link's person
    assert _household_url(world) in content
    assert f'<option value="{huia.pk}" selected>' in content


def test_housemates_the_teacher_does_not_teach_are_counted_not_named(client, world):
    """Someone who is whānau only of another class's child is “1 other whānau member”."""
    huia = world.link.whanau
    theirs = WhanauMember.objects.get(user=world.other_whanau)
    households.household_join(member=theirs, other=huia, by=world.leader)
    client.force_login(world.teacher)
    content = client.get(reverse("student_whanau", args=[world.student.pk])).content.decode()
    assert "Lives with: 1 other whānau member" in content
    assert theirs.name not in content
    assert "People not listed here (as now)" in content
    client.force_login(world.leader)  # a leader sees every whānau of the school
    content = client.get(reverse("student_whanau", args=[world.student.pk])).content.decode()
    assert f"Lives with: {theirs.name}" in content


def test_staff_move_a_member_in_and_out(client, world):
    """The class teacher says Rāwiri lives with Huia, then that he lives on his own."""
    huia, rawiri = world.link.whanau, _whanau_of(world.student)
    client.force_login(world.teacher)
    response = client.post(_household_url(world), {"member": rawiri.pk, "lives_with": huia.pk})
    assert response.url == reverse("student_whanau", args=[world.student.pk])
    huia, rawiri = _refreshed(huia, rawiri)
    assert rawiri.household_id == huia.household_id is not None

    client.post(_household_url(world), {"member": rawiri.pk, "lives_with": "alone"})
    rawiri.refresh_from_db()
    assert rawiri.household_id is None
    page = client.get(reverse("student_whanau", args=[world.student.pk])).content.decode()
    assert f"{rawiri.name} lives on their own." in page


@pytest.mark.parametrize("forged", ["member", "lives_with"])
def test_a_forged_member_of_another_family_changes_nothing(client, world, forged):
    """A member id of another student's whānau or another school's: a 404 for the person
    moved, a message for the one to live with; nothing changes either way."""
    huia = world.link.whanau
    for stranger in (
        WhanauMember.objects.get(user=world.other_whanau),
        _whanau_of(world.other_school_student),
    ):
        data = {"member": huia.pk, "lives_with": stranger.pk}
        if forged == "member":
            data = {"member": stranger.pk, "lives_with": huia.pk}
        client.force_login(world.leader)
        before = fingerprint()
        response = client.post(_household_url(world), data)
        assert fingerprint() == before
        if forged == "member":
            assert response.status_code == 404
        else:
            page = client.get(response.url).content.decode()
            assert f"Choose whom {huia.name} lives with" in page


def test_whanau_never_see_or_use_the_household_form(client, world):
    """Whānau of the child get a 404 for the page and the form, and change nothing."""
    rawiri = _whanau_of(world.student)
    for person in (world.whanau, world.no_access_whanau, world.other_teacher):
        client.force_login(person)
        before = fingerprint()
        assert client.get(reverse("student_whanau", args=[world.student.pk])).status_code == 404
        response = client.post(
            _household_url(world), {"member": rawiri.pk, "lives_with": world.link.whanau_id}
        )
        assert response.status_code == 404
        assert fingerprint() == before


# The school's setting --------------------------------------------------------------------


def test_a_leader_chooses_joint_conversations_for_rounds_opened_from_then(client, world):
    """Unticked: the next round opened holds one joint conversation per child; a round
    already open keeps each household's own."""
    open_already = rounds.round_create(
        school=world.school, by=world.leader, title="Term 1", kind="three_way"
    )
    client.force_login(world.leader)
    page = client.get(reverse("school_whanau")).content.decode()
    assert "applies to rounds opened after it" in page
    response = client.post(reverse("school_households"), {})
    assert response.url == reverse("school_whanau")
    world.school.refresh_from_db()
    assert not world.school.bookings_per_household
    assert AuditEvent.objects.filter(
        object_type="partnerships.school", summary__startswith="One joint conversation"
    ).exists()
    later = rounds.round_create(
        school=world.school, by=world.leader, title="Term 2", kind="three_way"
    )
    open_already.refresh_from_db()
    assert open_already.per_household
    assert not later.per_household
    client.post(reverse("school_households"), {"per_household": "on"})
    world.school.refresh_from_db()
    assert world.school.bookings_per_household


def test_set_where_rounds_are_opened_it_goes_back_there(client, world):
    """The setting is also on the rounds page, and saving it there returns there; an address
    of another site is not followed."""
    client.force_login(world.leader)
    assert "Each household books its own conversation" in (
        client.get(reverse("round_list")).content.decode()
    )
    response = client.post(reverse("school_households"), {"next": reverse("round_list")})
    assert response.url == reverse("round_list")
    for elsewhere in ("https://elsewhere.example/", "//elsewhere.example/", "0", "round_list"):
        response = client.post(reverse("school_households"), {"next": elsewhere})
        assert response.url == reverse("school_whanau")


def test_only_a_leader_changes_it_for_their_own_school(client, world):
    """A teacher gets a 404; another school's leader changes only their own school."""
    client.force_login(world.teacher)
    assert client.post(reverse("school_households"), {}).status_code == 404
    client.force_login(world.other_school_leader)
    client.post(reverse("school_households"), {})
    assert School.objects.get(pk=world.school.pk).bookings_per_household
    assert not School.objects.get(pk=world.other_school.pk).bookings_per_household
    with pytest.raises(PermissionDenied):
        households.school_bookings_per_household_set(
            school=world.school, by=world.teacher, per_household=False
        )


# The demo ---------------------------------------------------------------------------------


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def _kingi():
    school = School.objects.get(name=demo.DEMO_SCHOOL)
    huia = WhanauMember.objects.get(school=school, user__email=demo.WHANAU_EMAIL)
    koro = WhanauMember.objects.get(school=school, name="Rāwiri Kingi")
    father = WhanauMember.objects.get(school=school, user__email=demo.SEPARATED_EMAIL)
    return school, huia, koro, father


def test_the_demo_households_are_as_its_story_says():
    """Huia lives with Koro Rāwiri; Tamati's father has his own login, in another household,
    linked to Tamati only; families sharing a surname live together, never the custody-order
    father; running the command again changes nothing."""
    output = _seed()
    school, huia, koro, father = _kingi()
    assert huia.household_id is not None
    assert huia.household_id == koro.household_id
    assert father.household_id != huia.household_id
    assert list(father.links.values_list("student__first_name", "has_access")) == [("Tamati", True)]
    assert set(huia.links.values_list("student__first_name", flat=True)) == {"Anahera", "Tamati"}
    assert father.user.emailaddress_set.get().verified
    assert "whanau2@kowhai.example" in output  # as the README says

    custody = WhanauLink.objects.get(student__school=school, has_access=False).whanau
    assert custody.household_id is None
    shared = [h for h in Household.objects.filter(school=school) if h.members.count() > 1]
    for household in shared:  # (a household of one is made when someone alone books)
        surnames = {name.split()[-1] for name in household.members.values_list("name", flat=True)}
        assert len(surnames) == 1
    assert len(shared) > 5

    state = sorted(WhanauMember.objects.values_list("pk", "household_id"))
    events = AuditEvent.objects.count()
    _seed()
    assert sorted(WhanauMember.objects.values_list("pk", "household_id")) == state
    assert Household.objects.filter(school=school).count() == len({h for _pk, h in state if h})
    assert AuditEvent.objects.count() == events


def test_the_demo_households_are_put_back_after_they_were_played_with():
    """The father moved in with Huia and Huia moved out from Koro: the command puts the two
    households back, so the two logins book their own times again."""
    _seed()
    _school, huia, _koro, father = _kingi()
    leader = User.objects.get(email=demo.LEADER_EMAIL)
    households.household_join(member=huia, other=father, by=leader)

    _seed()

    _school, huia, koro, father = _kingi()
    assert huia.household_id == koro.household_id is not None
    assert father.household_id != huia.household_id
