"""A round as its staff read it: the schedule (a leader the school's, a teacher their own), what
the school must arrange, door lists to print, and who has not booked, household by household.

Times are fixed in the school's time zone (Pacific/Auckland): the round's times are on the
Thursday and Friday after a Tuesday morning.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conversations import nudges, schedules
from conversations.models import Booking
from partnerships.households import household_of
from partnerships.models import AuditEvent, Household
from tests import factories

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
NOW = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=NZ)  # a Tuesday morning
THURSDAY, FRIDAY = datetime.date(2027, 3, 4), datetime.date(2027, 3, 5)


@pytest.fixture(autouse=True)
def tuesday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school, title="Term 1 three-way")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=NZ)


def offer(round_, host, day, hour, minute=0, **fields):
    return factories.SlotFactory(round=round_, host=host, starts_at=at(day, hour, minute), **fields)


def book(slot, student, member, **needs) -> Booking:
    """A booking as the booking pages make it: the booker's household, in a round where each
    household books its own."""
    household = household_of(member) if slot.round.per_household else None
    return Booking.objects.create(
        slot=slot, student=student, whanau=member, household=household, **needs
    )


@pytest.fixture
def two_teachers(world, round_):
    """The class teacher and the other class's teacher, each with times on two days; two
    booked by each."""
    mine = [offer(round_, world.teacher, day, 15, m) for day in (THURSDAY, FRIDAY) for m in (0, 15)]
    theirs = [
        offer(round_, world.other_teacher, day, 15, m)
        for day in (THURSDAY, FRIDAY)
        for m in (0, 15)
    ]
    other_member = world.other_student.whanau_links.get().whanau
    book(mine[0], world.student, world.link.whanau, needs_childcare=True)
    book(theirs[0], world.other_student, other_member, how=Booking.How.PHONE)
    return mine, theirs


def schedule_of(client, user, round_, **query):
    client.force_login(user)
    return client.get(reverse("round_schedule", args=[round_.pk]), query)


def shown(response) -> set[tuple[datetime.date, str, int]]:
    """(day, teacher, times) on the schedule."""
    return {
        (day.day, host_day.name, len(host_day.times))
        for day in response.context["schedule"]
        for host_day in day.hosts
    }


# The schedule -------------------------------------------------------------------------------


def test_a_leader_sees_every_teachers_times_day_by_day(client, world, round_, two_teachers):
    """Each day, each teacher's times in order with who is booked, and free times as free."""
    response = schedule_of(client, world.leader, round_)
    assert response.status_code == 200
    assert shown(response) == {
        (THURSDAY, world.teacher.name, 2),
        (FRIDAY, world.teacher.name, 2),
        (THURSDAY, world.other_teacher.name, 2),
        (FRIDAY, world.other_teacher.name, 2),
    }
    content = response.content.decode()
    assert world.student.full_name in content
    assert world.other_student.full_name in content
    assert world.link.whanau.name in content
    assert world.classroom.name in content
    assert "By phone" in content
    assert "Childcare" in content
    assert content.count("Free") >= 6
    thursday = response.context["schedule"][0]
    times = [time.starts_at for time in thursday.hosts[0].times]
    assert times == sorted(times)


def test_what_families_typed_is_shown_as_typed_never_as_markup(client, world, round_):
    """The rows come drawn in Python: a note, a language and a room are escaped there, and each
    need and the count of booked times still say what they did."""
    slot = offer(round_, world.teacher, THURSDAY, 15, location="Room <b>5</b>")
    offer(round_, world.teacher, THURSDAY, 15, 15)
    book(
        slot,
        world.student,
        world.link.whanau,
        needs_interpreter=True,
        interpreter_language="Sāmoan <i>",
        needs_accessible_room=True,
        note="<script>alert(1)</script>",
    )
    for name in ("round_schedule", "round_door_lists"):
        client.force_login(world.leader)
        content = client.get(reverse(name, args=[round_.pk])).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert '<div class="small need-note">&lt;script&gt;alert(1)&lt;/script&gt;</div>' in content
        assert "Interpreter: Sāmoan &lt;i&gt;</span>" in content
        assert "In person · Room &lt;b&gt;5&lt;/b&gt;</td>" in content
        assert "Accessible room</span>" in content
        assert '<td colspan="5" class="text-body-secondary">Free</td>' in content
    content = schedule_of(client, world.leader, round_).content.decode()
    assert "· 1 of 2 times booked</span>" in content


def test_a_teacher_sees_only_their_own_times(client, world, round_, two_teachers):
    """The other class's times and families are not on a teacher's schedule."""
    response = schedule_of(client, world.teacher, round_)
    assert shown(response) == {(THURSDAY, world.teacher.name, 2), (FRIDAY, world.teacher.name, 2)}
    content = response.content.decode()
    assert world.student.full_name in content
    assert world.other_student.last_name not in content
    assert "What is needed" not in content


def test_a_teacher_naming_another_teacher_still_sees_their_own(client, world, round_, two_teachers):
    """Asking for a colleague's schedule by its address shows the teacher their own times."""
    response = schedule_of(client, world.teacher, round_, teacher=world.other_teacher.pk)
    assert shown(response) == {(THURSDAY, world.teacher.name, 2), (FRIDAY, world.teacher.name, 2)}
    assert world.other_student.last_name not in response.content.decode()


def test_a_leader_chooses_a_day_and_a_teacher(client, world, round_, two_teachers):
    """The filters narrow the schedule to one teacher on one day."""
    response = schedule_of(
        client, world.leader, round_, day=FRIDAY.isoformat(), teacher=world.other_teacher.pk
    )
    assert shown(response) == {(FRIDAY, world.other_teacher.name, 2)}
    assert response.context["days"] == [THURSDAY, FRIDAY]
    assert [name for _pk, name in response.context["hosts"]] == sorted(
        [world.teacher.name, world.other_teacher.name]
    )


def test_a_day_is_the_schools_day_not_utcs(client, world, round_):
    """A time at 8 am in New Zealand is the previous day in UTC: it shows on its own day."""
    offer(round_, world.teacher, FRIDAY, 8)
    response = schedule_of(client, world.teacher, round_, day=FRIDAY.isoformat())
    assert shown(response) == {(FRIDAY, world.teacher.name, 1)}


def test_a_filter_that_cannot_be_read_is_named_and_left_out(client, world, round_, two_teachers):
    """A day that is not a date: the page says so and shows every day."""
    response = schedule_of(client, world.leader, round_, day="31/02/2027", teacher="x")
    assert response.status_code == 200
    content = response.content.decode()
    assert "The day is not a date." in content
    assert "We couldn’t find that teacher in this round." in content
    assert len(shown(response)) == 4


@pytest.mark.parametrize("role", ["other_school_leader", "whanau", "student_user"])
def test_anyone_but_the_schools_staff_finds_no_schedule(client, world, round_, two_teachers, role):
    """Another school's leader, whānau and students get “no such page”."""
    client.force_login(getattr(world, role))
    for name in ("round_schedule", "round_door_lists", "round_not_booked"):
        assert client.get(reverse(name, args=[round_.pk])).status_code == 404


def test_the_schedule_records_who_looked_at_whom(client, world, round_, two_teachers):
    """Each booked child the page lists has the look on their record, once a visit."""
    schedule_of(client, world.teacher, round_)
    schedule_of(client, world.teacher, round_)
    looked = AuditEvent.objects.views().filter(actor=world.teacher)
    assert list(looked.values_list("student_id", flat=True)) == [world.student.pk]


# What is needed ----------------------------------------------------------------------------


def test_interpreters_are_counted_per_language_and_time(client, world, round_):
    """Two Samoan conversations at 3 pm need two interpreters at once; spelling and case of the
    language do not split it; a cancelled booking needs nobody."""
    families = [
        factories.WhanauLinkFactory(
            student=factories.StudentFactory(school=world.school, classroom=world.classroom)
        )
        for _ in range(4)
    ]
    colleague = factories.StaffFactory(school=world.school).user
    book(
        offer(round_, world.teacher, THURSDAY, 15),
        families[0].student,
        families[0].whanau,
        needs_interpreter=True,
        interpreter_language="Samoan",
    )
    book(
        offer(round_, colleague, THURSDAY, 15),
        families[1].student,
        families[1].whanau,
        needs_interpreter=True,
        interpreter_language="samoan",
    )
    book(
        offer(round_, world.teacher, FRIDAY, 16, 15),
        families[2].student,
        families[2].whanau,
        needs_interpreter=True,
        interpreter_language="Tongan",
        needs_childcare=True,
    )
    cancelled = book(
        offer(round_, world.teacher, FRIDAY, 17),
        families[3].student,
        families[3].whanau,
        needs_interpreter=True,
        interpreter_language="Tongan",
        needs_childcare=True,
    )
    cancelled.cancelled_at = timezone.now()
    cancelled.save()

    response = schedule_of(client, world.leader, round_)
    samoan, tongan = response.context["interpreters"]
    assert (samoan.language.lower(), samoan.conversations) == ("samoan", 2)
    (thursday,) = samoan.days
    assert (thursday.day, thursday.conversations, thursday.at_once) == (THURSDAY, 2, 2)
    assert [(when.time(), count) for when, count in thursday.times] == [(datetime.time(15, 0), 2)]
    assert (tongan.language, tongan.conversations) == ("Tongan", 1)
    assert [(d.day, d.at_once) for d in tongan.days] == [(FRIDAY, 1)]

    needs = {row["day"]: row for row in response.context["needs"]}
    assert needs[THURSDAY] | {"day": None} == {
        "day": None,
        "times": 2,
        "booked": 2,
        "childcare": 0,
        "interpreters": 2,
        "accessible": 0,
    }
    assert (needs[FRIDAY]["times"], needs[FRIDAY]["booked"], needs[FRIDAY]["childcare"]) == (
        2,
        1,
        1,
    )
    content = response.content.decode()
    assert "2 interpreters at a time" in content
    assert "3:00 p.m. ×2" in content


def test_needs_follow_the_day_chosen(client, world, round_, two_teachers):
    """Choosing a day counts only that day's needs."""
    response = schedule_of(client, world.leader, round_, day=FRIDAY.isoformat())
    assert [row["day"] for row in response.context["needs"]] == [FRIDAY]
    assert response.context["needs"][0]["childcare"] == 0


def test_teachers_of_the_round_with_no_times_are_named(client, world):
    """A leader sees which class teachers have offered no times in a round for their classes."""
    round_ = factories.RoundFactory(school=world.school)
    round_.classes.set([world.classroom])
    response = schedule_of(client, world.leader, round_)
    assert response.context["without_times"] == [world.teacher.name]
    offer(round_, world.teacher, THURSDAY, 15)
    assert schedule_of(client, world.leader, round_).context["without_times"] == []


# Door lists -------------------------------------------------------------------------------


def test_door_lists_print_one_page_per_teacher_per_day(client, world, round_, two_teachers):
    """Four teacher-days, four sections, each on its own page when printed; no navigation."""
    client.force_login(world.leader)
    response = client.get(reverse("round_door_lists", args=[round_.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<section class="door-list">') == 4
    assert "css/print.css" in content
    assert "navbar" not in content
    assert world.student.full_name in content
    assert "Childcare" in content
    assert "data-print" in content


def test_a_teacher_prints_their_own_door_lists(client, world, round_, two_teachers):
    """A teacher's door lists are their own times only, on the day chosen."""
    client.force_login(world.teacher)
    response = client.get(
        reverse("round_door_lists", args=[round_.pk]),
        {"day": THURSDAY.isoformat(), "teacher": world.other_teacher.pk},
    )
    content = response.content.decode()
    assert content.count('<section class="door-list">') == 1
    assert world.teacher.name in content
    assert world.other_student.last_name not in content


# Who has not booked -----------------------------------------------------------------------


@pytest.fixture
def separated(world):
    """The world's student lives in two households: the world's whānau member (with a partner
    at home) and another parent on their own."""
    home = Household.objects.create(school=world.school, name="Mum’s house")
    member = world.link.whanau
    member.household = home
    member.save()
    partner = factories.WhanauLinkFactory(
        student=world.student,
        whanau=factories.WhanauMemberFactory(school=world.school, household=home),
    ).whanau
    other_parent = factories.WhanauLinkFactory(student=world.student).whanau
    return member, partner, other_parent


def _rows(round_, students) -> dict:
    return {row.student: row for row in nudges.not_booked_children(round_, students)}


def test_each_household_still_to_book_keeps_the_child_on_the_list(world, round_, separated):
    """Booked by one household of two: the child stays, saying which household has not."""
    member, partner, other_parent = separated
    slot = offer(round_, world.teacher, THURSDAY, 15)
    book(slot, world.student, member)
    students = schedules.round_students(round_)
    row = _rows(round_, students)[world.student]
    assert row.status == "Booked by 1 household of 2"
    booked = {
        tuple(sorted(m.member.name for m in household.members)): household.booked
        for household in row.households
    }
    assert booked == {
        tuple(sorted([member.name, partner.name])): True,
        (other_parent.name,): False,
    }
    book(offer(round_, world.teacher, THURSDAY, 16), world.student, other_parent)
    assert world.student not in _rows(round_, students)


def test_in_a_joint_round_one_booking_is_enough(world, separated):
    """Where the school holds one joint conversation per child, one booking takes the child off."""
    member, _partner, _other_parent = separated
    joint = factories.RoundFactory(school=world.school, per_household=False)
    book(offer(joint, world.teacher, THURSDAY, 15), world.student, member)
    assert world.student not in _rows(joint, schedules.round_students(joint))


def test_a_child_with_nobody_to_remind_says_call_them(client, world, round_):
    """A child with no whānau with access (or none with an email address) is named: call them."""
    client.force_login(world.teacher)
    response = client.get(reverse("round_not_booked", args=[round_.pk]))
    rows = {row.student: row for row in response.context["children"]}
    assert rows[world.classmate].no_one_to_remind
    assert not rows[world.student].no_one_to_remind
    content = response.content.decode()
    assert "No one to remind: call them." in content
    assert world.classmate.full_name in content


def test_a_no_contact_link_is_not_a_household_to_wait_for(world, round_):
    """The no-contact parent's household neither keeps the child listed nor is shown."""
    book(offer(round_, world.teacher, THURSDAY, 15), world.student, world.link.whanau)
    assert world.student not in _rows(round_, schedules.round_students(round_))


def test_per_class_counts_and_a_leaders_chosen_class(client, world, round_, separated):
    """The leader sees each class's children, those not booked and whānau to remind, and the
    children of the class they choose; a teacher sees their own class only."""
    client.force_login(world.leader)
    url = reverse("round_not_booked", args=[round_.pk])
    response = client.get(url)
    classes = {row["classroom_id"]: row for row in response.context["classes"]}
    mine = classes[world.classroom.pk]
    # The student's three whānau with access; the classmate has none.
    assert (mine["children"], mine["not_booked"], mine["to_remind"]) == (2, 2, 3)
    other = classes[world.other_student.classroom_id]
    assert (other["children"], other["not_booked"], other["to_remind"]) == (1, 1, 1)
    assert response.context["children"] == []
    assert response.context["reach"].people == 4

    response = client.get(url, {"classroom": world.classroom.pk})
    assert {row.student for row in response.context["children"]} == {
        world.student,
        world.classmate,
    }
    client.force_login(world.teacher)
    response = client.get(url)
    assert [row["classroom_id"] for row in response.context["classes"]] == [world.classroom.pk]
    assert world.other_student.last_name not in response.content.decode()


def test_a_round_for_some_classes_lists_only_their_children(client, world):
    """A round for one class leaves the rest of the school out."""
    round_ = factories.RoundFactory(school=world.school)
    round_.classes.set([world.other_student.classroom])
    client.force_login(world.leader)
    response = client.get(reverse("round_not_booked", args=[round_.pk]))
    assert [row["classroom_id"] for row in response.context["classes"]] == [
        world.other_student.classroom_id
    ]


def test_an_unknown_class_is_named_and_left_out(client, world, round_):
    """A class that is not among the page's: said plainly, every class shown."""
    client.force_login(world.leader)
    response = client.get(reverse("round_not_booked", args=[round_.pk]), {"classroom": "99999"})
    assert response.status_code == 200
    assert "We couldn’t find that class here." in response.content.decode()
    assert response.context["children"] == []


def test_children_in_no_class_have_a_row_of_their_own(client, world, round_):
    """In a whole-school round, a child in no class is counted and listed under “No class”."""
    unplaced = factories.WhanauLinkFactory(
        student=factories.StudentFactory(school=world.school, classroom=None)
    ).student
    client.force_login(world.leader)
    url = reverse("round_not_booked", args=[round_.pk])
    classes = {row["classroom_id"]: row for row in client.get(url).context["classes"]}
    assert (classes[None]["children"], classes[None]["not_booked"]) == (1, 1)
    response = client.get(url, {"classroom": "none"})
    assert [row.student for row in response.context["children"]] == [unplaced]
    assert "No class" in response.content.decode()
