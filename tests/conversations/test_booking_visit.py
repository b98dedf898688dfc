"""Booking every child in one visit: the round's page, siblings back to back, the needs said
once, and what the family is told when a time is taken, the round isn't open, or the form is
stale."""

import datetime
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from conversations import booking as booking_services
from conversations.booking_forms import seen_value
from conversations.booking_plan import back_to_back
from conversations.models import Booking, Place
from partnerships.households import household_of
from tests import factories

pytestmark = pytest.mark.django_db

NZ = ZoneInfo("Pacific/Auckland")
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=NZ)  # a Monday morning


def at(hour: int, minute: int = 0, *, day: int = 3) -> datetime.datetime:
    """A time in the school's week: Wednesday 3 March 2027 unless another day is given."""
    return datetime.datetime(2027, 3, day, hour, minute, tzinfo=NZ)


@pytest.fixture(autouse=True)
def _monday(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school)


@pytest.fixture
def sibling(world):
    """The world's student's younger brother, in another class with another teacher."""
    child = factories.StudentFactory(
        school=world.school, classroom=world.other_student.classroom, first_name="Nikau"
    )
    factories.WhanauLinkFactory(student=child, whanau=world.link.whanau)
    return child


def slot_at(round_, host, starts_at, **fields):
    return factories.SlotFactory(round=round_, host=host, starts_at=starts_at, **fields)


def page(client, round_, **query) -> str:
    response = client.get(reverse("round_book", args=[round_.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def book_all(client, round_, times: dict, **needs):
    """Post the round's page: a time for each child (student: slot), and the needs."""
    data = {"action": "book", "how": "in_person", **needs}
    data |= {f"time-{student.pk}": seen_value(slot) for student, slot in times.items()}
    return client.post(reverse("round_book", args=[round_.pk]), data)


def radio(student, slot) -> str:
    return f'id="time-{student.pk}-{slot.pk}"'


def checked(content: str, student, slot) -> bool:
    tag = re.search(rf"<input[^>]*{radio(student, slot)}[^>]*>", content)
    return tag is not None and " checked" in tag[0]


def other_family_books(slot, classroom):
    """Another family, of a child in ``classroom``, takes ``slot``."""
    link = factories.WhanauLinkFactory(
        student=factories.StudentFactory(school=slot.round.school, classroom=classroom)
    )
    return Booking.objects.create(slot=slot, student=link.student, whanau=link.whanau)


# The page ------------------------------------------------------------------------------


def test_each_child_is_offered_their_own_teachers_free_times_by_day(client, world, round_, sibling):
    """Each child has their teacher's free times, under each day, with the teacher and where."""
    wednesday = slot_at(round_, world.teacher, at(15), location="Room 5")
    thursday = slot_at(round_, world.teacher, at(15, day=4))
    brothers = slot_at(round_, world.other_teacher, at(15, 15), place=Place.ONLINE)
    taken = slot_at(round_, world.teacher, at(15, 15))
    other_family_books(taken, world.classroom)
    client.force_login(world.whanau)
    content = page(client, round_)
    assert radio(world.student, wednesday) in content
    assert radio(world.student, thursday) in content
    assert radio(sibling, brothers) in content
    assert radio(world.student, brothers) not in content
    assert radio(world.student, taken) not in content
    assert "Wednesday 3 March" in content
    assert "Thursday 4 March" in content
    assert "At school, Room 5" in content
    assert "Online" in content
    assert world.teacher.name in content
    assert world.other_teacher.name in content
    assert re.search(rf"<legend[^>]*>{world.student.display_name}</legend>", content)


def test_a_child_outside_the_rounds_classes_is_not_offered(client, world, round_, sibling):
    """A round for one class offers only that class's child; a family with no child in it
    gets a 404."""
    round_.classes.set([world.classroom])
    slot_at(round_, world.other_teacher, at(15))
    client.force_login(world.whanau)
    content = page(client, round_)
    assert world.student.display_name in content
    assert sibling.display_name not in content
    client.force_login(world.other_whanau)
    assert client.get(reverse("round_book", args=[round_.pk])).status_code == 404


def test_a_child_with_no_class_is_offered_only_a_whole_school_round(client, world, round_):
    """A child not yet in a class: a whole-school round offers them; a round for classes
    does not, though their sibling's class is one of them."""
    newcomer = factories.StudentFactory(school=world.school, classroom=None, first_name="Aroha")
    factories.WhanauLinkFactory(student=newcomer, whanau=world.link.whanau)
    slot_at(round_, world.teacher, at(15))
    client.force_login(world.whanau)
    assert newcomer.display_name in page(client, round_)
    round_.classes.set([world.classroom])
    content = page(client, round_)
    assert world.student.display_name in content
    assert newcomer.display_name not in content


def test_a_family_at_two_schools_sees_each_round_with_that_schools_child(client, world, round_):
    """A member with tamariki at two schools: each school's round offers only its own child."""
    away = factories.RoundFactory(school=world.other_school_student.school)
    factories.WhanauLinkFactory(
        student=world.other_school_student,
        whanau=factories.WhanauMemberFactory(
            user=world.whanau, school=world.other_school_student.school
        ),
    )
    slot_at(round_, world.teacher, at(15))
    client.force_login(world.whanau)
    here = page(client, round_)
    assert world.student.display_name in here
    assert world.other_school_student.display_name not in here
    there = page(client, away)
    assert world.other_school_student.display_name in there
    assert world.student.display_name not in there


def test_another_schools_family_gets_a_404(client, world, round_):
    """The round's page, open or not, is not there for a family of another school."""
    outsider = factories.WhanauLinkFactory(student=world.other_school_student).whanau.user
    slot_at(round_, world.teacher, at(15))
    client.force_login(outsider)
    assert client.get(reverse("round_book", args=[round_.pk])).status_code == 404
    round_.is_open = False
    round_.save()
    assert client.get(reverse("round_book", args=[round_.pk])).status_code == 404


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"opens_at": NOW + datetime.timedelta(days=2)}, "Booking opens on Wednesday 3 March"),
        ({"closes_at": NOW - datetime.timedelta(days=1)}, "Booking closed on Sunday 28 February"),
        ({"is_open": False}, "isn’t open at the moment"),
    ],
)
def test_a_round_not_open_says_when_and_books_nothing(client, world, round_, change, said):
    """Before booking opens, after it closes, or while the school holds it: the family is
    told so, not shown a 404, and a form sent anyway books nothing."""
    slot = slot_at(round_, world.teacher, at(15))
    for name, value in change.items():
        setattr(round_, name, value)
    round_.save()
    client.force_login(world.whanau)
    content = page(client, round_)
    assert said in content
    assert radio(world.student, slot) not in content
    response = book_all(client, round_, {world.student: slot})
    assert response.status_code == 200
    assert "Nothing was booked." in response.content.decode()
    assert not Booking.objects.exists()


# Booking siblings together ----------------------------------------------------------------


def test_siblings_are_booked_together_with_the_needs_said_once(
    client, world, round_, sibling, django_capture_on_commit_callbacks
):
    """One press of Book: a time for each child, each with the same needs, each confirmed."""
    first = slot_at(round_, world.teacher, at(15))
    second = slot_at(round_, world.other_teacher, at(15, 15))
    client.force_login(world.whanau)
    with django_capture_on_commit_callbacks(execute=True):
        response = book_all(
            client,
            round_,
            {world.student: first, sibling: second},
            needs_childcare="on",
            needs_interpreter="on",
            interpreter_language="  Tongan ",
            note="Two little ones with us",
        )
    assert response.status_code == 302
    assert response.url == reverse("my_bookings")
    bookings = list(Booking.objects.order_by("slot__starts_at"))
    assert [(b.student, b.slot) for b in bookings] == [(world.student, first), (sibling, second)]
    assert bookings[0].household_id is not None
    for booking in bookings:
        assert (booking.needs_childcare, booking.interpreter_language, booking.note) == (
            True,
            "Tongan",
            "Two little ones with us",
        )
        assert booking.household_id == booking.whanau.household_id  # theirs, made for them
    assert len(mail.outbox) == 2
    followed = client.get(response.url).content.decode()
    assert "Booked for" in followed


def test_a_taken_time_for_the_second_child_books_neither(client, world, round_, sibling):
    """If another family took the brother's time a moment before, nothing is booked for either
    child; the page names him, marks the nearest free times, and keeps what was chosen and
    typed."""
    mine = slot_at(round_, world.teacher, at(15))
    his = slot_at(round_, world.other_teacher, at(15, 15))
    nearest = slot_at(round_, world.other_teacher, at(15, 30))
    client.force_login(world.whanau)
    page(client, round_)  # the page as the family saw it, with his time free
    other_family_books(his, world.other_student.classroom)
    response = book_all(
        client, round_, {world.student: mine, sibling: his}, note="We will bring the baby"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was booked" in content
    assert f"someone has just booked the time you chose for {sibling.display_name}" in content
    assert not Booking.objects.filter(whanau=world.link.whanau).exists()
    assert checked(content, world.student, mine)
    assert radio(sibling, his) not in content
    nearest_tag = content.index(radio(sibling, nearest))
    assert "Nearest" in content[nearest_tag : nearest_tag + 600]
    assert "We will bring the baby" in content


def test_times_that_overlap_across_teachers_are_refused(client, world, round_, sibling):
    """A parent can't be in two rooms at once: overlapping times book nothing, and say why."""
    mine = slot_at(round_, world.teacher, at(15))
    his = slot_at(round_, world.other_teacher, at(15, 5))
    client.force_login(world.whanau)
    response = book_all(client, round_, {world.student: mine, sibling: his})
    assert "overlaps" in response.content.decode()
    assert not Booking.objects.exists()


def test_twins_cannot_both_have_one_time(client, world, round_):
    """Twins in one class are offered the same times: picking one for both books neither, and
    says the second overlaps the first."""
    twin = factories.StudentFactory(school=world.school, classroom=world.classroom)
    factories.WhanauLinkFactory(student=twin, whanau=world.link.whanau)
    slot = slot_at(round_, world.teacher, at(15))
    client.force_login(world.whanau)
    response = book_all(client, round_, {world.student: slot, twin: slot})
    assert "overlaps" in response.content.decode()
    assert not Booking.objects.exists()


def test_an_interpreter_needs_a_language(client, world, round_):
    """Asking for an interpreter without the language is a field error; nothing is booked."""
    slot = slot_at(round_, world.teacher, at(15))
    client.force_login(world.whanau)
    response = book_all(client, round_, {world.student: slot}, needs_interpreter="on")
    content = response.content.decode()
    assert "Say which language the interpreter is for." in content
    assert checked(content, world.student, slot)
    assert not Booking.objects.exists()


def test_a_refused_form_keeps_what_the_family_typed_in_its_fields(client, world, round_):
    """The fields come back as they were sent: the way to meet, the boxes ticked, the note,
    and the missing language marked by its field."""
    slot_at(round_, world.teacher, at(15), place=Place.ONLINE, meeting_link="https://meet/x")
    client.force_login(world.whanau)
    content = book_all(
        client,
        round_,
        {world.student: round_.slots.get()},
        how="online",
        needs_childcare="on",
        needs_interpreter="on",
        note="Koro <b>too</b>",
    ).content.decode()
    assert re.search(r'<input type="radio"[^>]*value="online"[^>]*checked', content)
    assert re.search(r'<input type="checkbox" name="needs_childcare"[^>]*checked', content)
    assert re.search(r'<input type="checkbox" name="needs_interpreter"[^>]*checked', content)
    room = r'<input type="checkbox" name="needs_accessible_room"[^>]*checked'
    assert not re.search(room, content)
    assert "Koro &lt;b&gt;too&lt;/b&gt;</textarea>" in content
    assert 'class="textinput form-control is-invalid"' in content
    assert 'id="id_interpreter_language_error"' in content


def test_the_form_starts_with_the_needs_in_its_fields(client, world, round_):
    """What the family told the school shows in the fields themselves, ticked and filled."""
    member = world.link.whanau
    member.needs_interpreter, member.interpreter_language = True, "Samoan"
    member.save()
    slot_at(round_, world.teacher, at(15))
    client.force_login(world.whanau)
    content = page(client, round_)
    assert re.search(r'<input type="checkbox" name="needs_interpreter"[^>]*checked', content)
    assert re.search(r'name="interpreter_language" value="Samoan"', content)
    assert re.search(r'<input type="radio"[^>]*value="in_person"[^>]*checked', content)


def test_choosing_no_time_is_explained(client, world, round_, sibling):
    """Book with no time chosen: the page asks for one."""
    slot_at(round_, world.teacher, at(15))
    client.force_login(world.whanau)
    response = book_all(client, round_, {})
    assert "Choose a time for at least one of your tamariki." in response.content.decode()


def test_forged_times_and_children_book_nothing(client, world, round_):
    """Times that are not offered to the child (another teacher's, another school's, made up)
    and children not theirs are refused plainly; nothing is booked."""
    mine = slot_at(round_, world.teacher, at(15))
    others = slot_at(round_, world.other_teacher, at(15))
    elsewhere = factories.SlotFactory(
        round=factories.RoundFactory(school=world.other_school), starts_at=at(16)
    )
    client.force_login(world.whanau)
    url = reverse("round_book", args=[round_.pk])
    for value in (others.pk, elsewhere.pk, "abc", "9" * 30, f"{mine.pk}@x", -1, "١٢"):
        response = client.post(
            url, {"action": "book", "how": "in_person", f"time-{world.student.pk}": value}
        )
        assert response.status_code == 200
        assert "no longer offered" in response.content.decode()
    response = client.post(
        url, {"action": "book", "how": "in_person", f"time-{world.classmate.pk}": mine.pk}
    )
    assert "Choose a time for at least one" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_time_changed_since_the_page_was_opened_is_not_booked(client, world, round_):
    """The school moved the time after the page was opened: the family is shown the new time
    to check, and nothing is booked at an hour they didn't choose."""
    slot = slot_at(round_, world.teacher, at(15))
    seen = seen_value(slot)
    slot.starts_at = at(16)
    slot.save()
    client.force_login(world.whanau)
    response = client.post(
        reverse("round_book", args=[round_.pk]),
        {"action": "book", "how": "in_person", f"time-{world.student.pk}": seen},
    )
    assert "has changed since the page was opened: it is now" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_child_the_household_booked_meanwhile_is_refused(client, world, round_, sibling):
    """Mere booked him from her phone while this page was open: the stale form books neither
    child, and says the household already has his time."""
    member = world.link.whanau
    mere = factories.WhanauMemberFactory(
        school=world.school, household=household_of(member), name="Mere"
    )
    factories.WhanauLinkFactory(student=sibling, whanau=mere)
    mine = slot_at(round_, world.teacher, at(15))
    his = slot_at(round_, world.other_teacher, at(16))
    later = slot_at(round_, world.other_teacher, at(17))
    booking_services.booking_create(slot=later, student=sibling, whanau=mere, details={})
    client.force_login(world.whanau)
    response = book_all(client, round_, {world.student: mine, sibling: his})
    assert "Your household already has a time for Nikau in this round." in (
        response.content.decode()
    )
    assert list(Booking.objects.values_list("slot", flat=True)) == [later.pk]


# What the page starts with ------------------------------------------------------------------


def test_the_needs_start_from_the_members_preferences(client, world, round_):
    """The form starts with what the family told the school they need."""
    member = world.link.whanau
    member.needs_interpreter, member.interpreter_language = True, "Samoan"
    member.accessibility_needs = "Step-free access, please"
    member.save()
    slot_at(round_, world.teacher, at(15))
    client.force_login(world.whanau)
    needs = client.get(reverse("round_book", args=[round_.pk])).context["needs"]
    assert needs["needs_interpreter"].value() is True
    assert needs["interpreter_language"].value() == "Samoan"
    assert needs["needs_accessible_room"].value() is True
    assert needs["note"].value() == "Step-free access, please"


def test_the_needs_start_from_the_households_booking_in_the_round(client, world, round_, sibling):
    """With one child booked, booking the other starts from what the household said then,
    and the booked child shows their time with "Move" and who booked it."""
    member = world.link.whanau
    mere = factories.WhanauMemberFactory(
        school=world.school, household=household_of(member), name="Mere"
    )
    factories.WhanauLinkFactory(student=world.student, whanau=mere)
    booked = slot_at(round_, world.teacher, at(15))
    free = slot_at(round_, world.teacher, at(15, 30))
    slot_at(round_, world.other_teacher, at(15, 15))
    booking_services.booking_create(
        slot=booked,
        student=world.student,
        whanau=mere,
        details={"needs_childcare": True, "note": "Koro is coming too"},
    )
    client.force_login(world.whanau)
    response = client.get(reverse("round_book", args=[round_.pk]))
    content = response.content.decode()
    needs = response.context["needs"]
    assert needs["needs_childcare"].value() is True
    assert needs["note"].value() == "Koro is coming too"
    assert "Booked by Mere." in content
    assert f"Move {world.student.display_name}’s time" in content
    assert reverse("slot_book", args=[free.pk, world.student.pk]) in content
    assert radio(world.student, free) not in content  # moved, not booked again


def test_an_online_round_offers_only_online(client, world, round_):
    """When every time is online, "Online" is the only way offered, and it is chosen."""
    slot_at(round_, world.teacher, at(19), place=Place.ONLINE, meeting_link="https://meet/x")
    client.force_login(world.whanau)
    how = client.get(reverse("round_book", args=[round_.pk])).context["needs"]["how"]
    assert [value for value, _label in how.field.choices] == ["online"]
    assert how.value() == "online"


def test_a_joint_round_says_another_household_booked(client, world, round_):
    """One joint conversation per child: the other household's booking is said to be there,
    without their name, time or needs."""
    round_.per_household = False
    round_.save()
    theirs = factories.WhanauLinkFactory(student=world.student).whanau
    slot = slot_at(round_, world.teacher, at(15))
    slot_at(round_, world.teacher, at(16))
    booking_services.booking_create(
        slot=slot, student=world.student, whanau=theirs, details={"note": "Private"}
    )
    client.force_login(world.whanau)
    content = page(client, round_)
    assert "is already booked by their whānau" in content
    assert theirs.name not in content
    assert "Private" not in content
    assert f'name="time-{world.student.pk}"' not in content


# Back to back -----------------------------------------------------------------------------


def test_the_suggestion_links_to_the_times_chosen(client, world, round_, sibling):
    """ "Suggested: back to back" offers times one after the other; its link picks them."""
    first = slot_at(round_, world.teacher, at(15))
    then = slot_at(round_, world.other_teacher, at(15, 15))
    slot_at(round_, world.other_teacher, at(18))
    client.force_login(world.whanau)
    content = page(client, round_)
    assert "Suggested: back to back" in content
    assert "No waiting in between" in content
    take = f"take={world.student.pk}-{first.pk}&amp;take={sibling.pk}-{then.pk}"
    assert take in content
    picked = page(
        client, round_, take=[f"{world.student.pk}-{first.pk}", f"{sibling.pk}-{then.pk}"]
    )
    assert checked(picked, world.student, first)
    assert checked(picked, sibling, then)
    assert "Times chosen:" in picked


def test_a_suggestion_link_with_a_time_since_taken_picks_only_the_rest(
    client, world, round_, sibling
):
    """An old suggestion whose time went meanwhile (or a made-up one) picks nothing wrong."""
    first = slot_at(round_, world.teacher, at(15))
    then = slot_at(round_, world.other_teacher, at(15, 15))
    other_family_books(then, world.other_student.classroom)
    client.force_login(world.whanau)
    picked = page(
        client,
        round_,
        take=[f"{world.student.pk}-{first.pk}", f"{sibling.pk}-{then.pk}", "x-1", "1-", "٣-٣"],
    )
    assert checked(picked, world.student, first)
    assert radio(sibling, then) not in picked


def _slot(pk, hour, minute=0, minutes=15):
    return SimpleNamespace(
        pk=pk,
        starts_at=at(hour, minute),
        ends_at=at(hour, minute) + datetime.timedelta(minutes=minutes),
    )


def test_back_to_back_prefers_the_least_waiting_and_never_overlaps():
    """Of the times free, the plan with no wait comes first; no plan has overlapping times,
    and no two plans share a time."""
    a = [_slot(1, 15), _slot(2, 15, 15), _slot(3, 16)]
    b = [_slot(11, 15), _slot(12, 15, 30), _slot(13, 17)]
    plans = back_to_back({1: a, 2: b})
    assert [[s.pk for _, s in plan.times] for plan in plans] == [[11, 2], [1, 12]]
    assert [plan.waiting for plan in plans] == [
        datetime.timedelta(0),
        datetime.timedelta(minutes=15),
    ]
    for plan in plans:
        for (_, one), (_, two) in zip(plan.times, plan.times[1:], strict=False):
            assert one.ends_at <= two.starts_at


def test_back_to_back_leaves_out_overlaps_the_household_has_and_long_waits():
    """Times overlapping one already booked are never suggested, nor a wait over half an
    hour; with only overlapping times there is nothing to suggest."""
    a = [_slot(1, 15), _slot(2, 16)]
    b = [_slot(11, 15), _slot(12, 17)]
    assert back_to_back({1: a, 2: b}) == []  # 15:00 both, or an hour apart
    c = [_slot(21, 15, 15), _slot(22, 16, 15)]
    plans = back_to_back({1: a, 3: c}, busy=[(at(15), at(15, 15))])
    assert [[s.pk for _, s in plan.times] for plan in plans] == [[2, 22]]


def test_back_to_back_plans_three_children_and_shares_a_teacher():
    """Three children, two with the same teacher (twins): each gets their own time, in a row."""
    shared = [_slot(1, 15), _slot(2, 15, 15), _slot(3, 15, 30)]
    other = [_slot(11, 15, 45)]
    (plan, *_rest) = back_to_back({1: shared, 2: shared, 3: other})
    assert plan.waiting == datetime.timedelta(0)
    assert [s.pk for _, s in plan.times] == [2, 3, 11]
    assert len({student for student, _ in plan.times}) == 3


def test_back_to_back_needs_two_to_four_children():
    """One child, or more than four, has nothing to suggest."""
    one = {1: [_slot(1, 15)]}
    five = {n: [_slot(n, 15, n)] for n in range(1, 6)}
    assert back_to_back(one) == []
    assert back_to_back(five) == []


def test_a_teacher_who_has_left_the_school_is_not_offered(client, world, round_, sibling):
    """Times a teacher offered before leaving the school's staff are not on the page (nor
    bookable: the booking rules ask the same)."""
    leaving = slot_at(round_, world.other_teacher, at(15))
    staying = slot_at(round_, world.teacher, at(16))
    world.school.staff.filter(user=world.other_teacher).delete()
    client.force_login(world.whanau)
    content = page(client, round_)
    assert radio(world.student, staying) in content
    assert radio(sibling, leaving) not in content
