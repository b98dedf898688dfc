"""Setting up a school-wide round: a leader opens it with its dates, length, breaks and ways to
meet; times are offered in it (by each teacher, or by a leader for every teacher at once); and
the demo's round, open for booking on school days at times that suit families."""

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conversations import rounds as round_services
from conversations.demo import public_holidays, school_days
from conversations.models import Booking, ConversationRound, Slot
from partnerships.demo import DEMO_SCHOOL, WHANAU_EMAIL
from partnerships.models import OutboxEmail, Student
from tests import factories

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
WEDNESDAY = datetime.datetime(2027, 3, 3, 10, 0, tzinfo=NZ)
MONDAY = datetime.date(2027, 3, 8)
SATURDAY = datetime.date(2027, 3, 6)
LINK = "https://meet.example/whaea-hana"


@pytest.fixture(autouse=True)
def _a_wednesday_morning():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def round_(world):
    """A whole-school round: 15-minute conversations, a 10-minute break after every six."""
    return factories.RoundFactory(
        school=world.school,
        minutes=15,
        break_minutes=10,
        break_after=6,
        ways=["school", "phone", "online", "elsewhere"],
    )


def _open(client, **data):
    body = {
        "title": "Term 1 three-way conversations",
        "kind": "three_way",
        "opens_at": "2027-03-04T09:00",
        "closes_at": "2027-03-19T17:00",
        "minutes": 20,
        "break_minutes": 10,
        "break_after": 4,
        "ways": ["school", "online"],
    } | data
    return client.post(reverse("round_list"), body)


def _offer(client, round_, **data):
    body = {"date": MONDAY.isoformat(), "first": "15:00", "last": "17:30", "place": "school"}
    return client.post(reverse("round_detail", args=[round_.pk]), body | data, follow=True)


def _local(slots) -> list[str]:
    return [timezone.localtime(s.starts_at, NZ).strftime("%H:%M") for s in slots]


# Opening a round --------------------------------------------------------------------


def test_a_leader_opens_a_round_for_two_classes(client, world):
    """The round keeps its classes, its booking dates in school time, its length, breaks and
    ways to meet, and belongs to the leader's school."""
    other_classroom = world.other_student.classroom
    client.force_login(world.leader)
    response = _open(client, classes=[world.classroom.pk, other_classroom.pk])
    conversation_round = ConversationRound.objects.get()
    assert response.url == reverse("round_detail", args=[conversation_round.pk])
    assert set(conversation_round.classes.all()) == {world.classroom, other_classroom}
    assert conversation_round.opens_at == datetime.datetime(2027, 3, 4, 9, 0, tzinfo=NZ)
    assert conversation_round.closes_at == datetime.datetime(2027, 3, 19, 17, 0, tzinfo=NZ)
    assert (conversation_round.minutes, conversation_round.break_minutes) == (20, 10)
    assert conversation_round.break_after == 4
    assert conversation_round.ways == ["school", "online"]
    assert conversation_round.kind == "three_way"
    assert conversation_round.school == world.school
    page = client.get(response.url).content.decode()
    assert world.classroom.name in page
    assert "10 minutes after every 4 conversations" in page


def test_booking_dates_are_school_time_on_the_chatham_islands(client, world):
    """A Chatham Islands leader's 5pm close is 5pm there, 45 minutes after 5pm in Auckland."""
    world.school.timezone = "Pacific/Chatham"
    world.school.save()
    client.force_login(world.leader)
    _open(client)
    closes_at = ConversationRound.objects.get().closes_at
    assert closes_at == datetime.datetime(2027, 3, 19, 17, 0, tzinfo=world.school.zone)
    assert timezone.localtime(closes_at, NZ).strftime("%H:%M") == "16:15"


def test_a_round_for_the_whole_school_opens_booking_now(client, world):
    """No classes ticked is the whole school; no opening date opens booking at once."""
    client.force_login(world.leader)
    _open(client, opens_at="")
    conversation_round = ConversationRound.objects.get()
    assert not conversation_round.classes.exists()
    assert conversation_round.opens_at == WEDNESDAY
    assert ConversationRound.objects.bookable().get() == conversation_round


def test_teachers_see_the_rounds_but_do_not_open_them(client, world):
    """A teacher's rounds page has no form to open one, and a posted one is not found."""
    factories.RoundFactory(school=world.school, title="Term 1 goal-setting")
    client.force_login(world.teacher)
    page = client.get(reverse("round_list")).content.decode()
    assert "Term 1 goal-setting" in page
    assert "Open a round" not in page
    assert _open(client).status_code == 404
    assert ConversationRound.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"closes_at": "2027-03-04T08:00"}, "closes_at", "Booking must close after it opens."),
        (
            {"opens_at": "", "closes_at": "2027-03-01T17:00"},
            "closes_at",
            "That is already past: booking must close on a later date.",
        ),
        ({"closes_at": ""}, "closes_at", "Say when booking closes."),
        ({"closes_at": "0001-01-01T00:00"}, "closes_at", "Choose a date within a year of today."),
        ({"closes_at": "2027-02-30T17:00"}, "closes_at", "Enter a valid date/time."),
        ({"ways": []}, "ways", "Choose at least one way to meet."),
        ({"ways": ["home"]}, "ways", "Select a valid choice."),
        ({"minutes": 0}, "minutes", "Each conversation takes between 5 and 120 minutes."),
        (
            {"break_after": 0},
            "break_after",
            "Say after how many conversations the break comes.",
        ),
        ({"classes": [999999]}, "classes", "Choose classes of your own school."),
    ],
)
def test_bad_round_settings_are_explained_and_nothing_is_saved(client, world, data, field, message):
    """Dates out of order, in the past or impossible, no way to meet, a length of nothing:
    the form says what to fix, on the field, and no round is opened."""
    client.force_login(world.leader)
    response = _open(client, **data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not ConversationRound.objects.exists()


def test_another_schools_class_cannot_be_chosen(client, world):
    """A class of another school is not among the choices: the round is not opened."""
    theirs = factories.ClassroomFactory(school=world.other_school)
    client.force_login(world.leader)
    response = _open(client, classes=[theirs.pk])
    assert "classes" in response.context["form"].errors
    assert not ConversationRound.objects.exists()


# Offering times ---------------------------------------------------------------------


def test_times_follow_the_rounds_length_and_breaks(client, world, round_):
    """15-minute conversations with a 10-minute break after every six: 3pm to 5:30pm makes
    six times, the break, and three more."""
    client.force_login(world.teacher)
    response = _offer(client, round_, location="Rūma Tūī")
    assert "9 times added." in response.content.decode()
    slots = Slot.objects.filter(host=world.teacher).order_by("starts_at")
    assert _local(slots) == [
        "15:00",
        "15:15",
        "15:30",
        "15:45",
        "16:00",
        "16:15",
        "16:40",
        "16:55",
        "17:10",
    ]
    assert {(s.minutes, s.place, s.location) for s in slots} == {(15, "school", "Rūma Tūī")}


def test_a_leader_offers_times_for_every_teacher_of_the_rounds_classes(client, world, round_):
    """One run for each teacher of the round's classes, in one go; times a teacher already
    offers are kept, and the leader is told how many were made for how many teachers."""
    round_.classes.set([world.classroom, world.other_student.classroom])
    factories.ClassroomFactory(
        school=world.school, teachers=[factories.StaffFactory(school=world.school).user]
    )
    kept = factories.SlotFactory(
        round=round_, host=world.teacher, starts_at=datetime.datetime(2027, 3, 8, 15, 0, tzinfo=NZ)
    )
    client.force_login(world.leader)
    response = _offer(client, round_, who="all", last="16:00")
    assert "7 times added, for 2 teachers." in response.content.decode()
    assert _local(Slot.objects.filter(host=world.teacher)) == ["15:00", "15:15", "15:30", "15:45"]
    assert _local(Slot.objects.filter(host=world.other_teacher)) == [
        "15:00",
        "15:15",
        "15:30",
        "15:45",
    ]
    assert Slot.objects.filter(host=world.teacher, starts_at=kept.starts_at).get() == kept
    assert Slot.objects.count() == 8  # no one else: not the leader, nor another class's teacher


def test_a_leader_offers_times_for_the_teachers_they_tick(client, world, round_):
    """Ticked teachers get the run; the others get nothing."""
    client.force_login(world.leader)
    response = _offer(client, round_, who="chosen", teachers=[world.other_teacher.pk])
    assert "9 times added, for 1 teacher." in response.content.decode()
    assert set(Slot.objects.values_list("host", flat=True)) == {world.other_teacher.pk}


def test_a_refused_run_keeps_the_teachers_ticked_and_says_why(client, world, round_):
    """The boxes come back as they were sent, with the reason beside them."""
    client.force_login(world.leader)
    response = _offer(client, round_, who="chosen", teachers=[world.other_teacher.pk], last="")
    page = response.content.decode()
    assert f'value="{world.other_teacher.pk}" id="id_teachers_' in page
    ticked = page.split(f'value="{world.other_teacher.pk}"')[1].split(">")[0]
    assert "checked" in ticked
    unticked = page.split(f'name="teachers" value="{world.teacher.pk}"')[1].split(">")[0]
    assert "checked" not in unticked
    response = _offer(client, round_, who="chosen")
    assert "Tick the teachers to offer these times for." in response.content.decode()
    assert not Slot.objects.exists()


def test_a_teacher_cannot_offer_times_for_others(client, world, round_):
    """A teacher's run is their own, whatever the form says; nor do they open or close."""
    client.force_login(world.teacher)
    _offer(client, round_, who="all")
    assert set(Slot.objects.values_list("host", flat=True)) == {world.teacher.pk}
    response = client.post(reverse("round_detail", args=[round_.pk]), {"action": "close"})
    assert response.status_code == 404
    round_.refresh_from_db()
    assert round_.is_open


def test_weekend_times_are_refused_unless_a_leader_includes_the_weekend(client, world, round_):
    """A Saturday is explained and nothing made; a leader may tick to include it."""
    client.force_login(world.teacher)
    response = _offer(client, round_, date=SATURDAY.isoformat())
    assert "That is a Saturday: offer times on school days." in response.content.decode()
    assert not Slot.objects.exists()
    client.force_login(world.leader)
    _offer(client, round_, date=SATURDAY.isoformat(), who="me", include_weekend="on")
    assert Slot.objects.filter(host=world.leader).count() == 9


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"place": "online"}, "Give the link families join the meeting by."),
        (
            {"place": "online", "meeting_link": "javascript:alert(1)"},
            "Give the whole link, starting with https://.",
        ),
        ({"place": "elsewhere"}, "Say where you will meet: for example the marae or the library."),
    ],
)
def test_online_needs_a_link_and_somewhere_else_a_place(client, world, round_, data, message):
    """Online times without a working link, or elsewhere without a place: nothing is made."""
    client.force_login(world.teacher)
    response = _offer(client, round_, **data)
    assert message in response.content.decode()
    assert not Slot.objects.exists()


def test_only_the_rounds_ways_to_meet_are_offered(client, world, round_):
    """A round at school only has no phone times: a forged choice is a field error."""
    round_.ways = ["school"]
    round_.save()
    client.force_login(world.teacher)
    response = _offer(client, round_, place="phone")
    assert "place" in response.context["form"].errors
    assert not Slot.objects.exists()


def test_overlapping_times_are_not_made_twice(client, world, round_):
    """A run starting inside a time already offered skips it: no teacher is double-booked."""
    client.force_login(world.teacher)
    _offer(client, round_, first="15:00", last="15:30")
    _offer(client, round_, first="15:05", last="15:50")
    assert _local(Slot.objects.filter(host=world.teacher)) == ["15:00", "15:15", "15:35"]


def test_one_meeting_link_for_all_my_online_times(client, world, round_):
    """The teacher's link goes on all their online times in the round; a family already booked
    at one is sent their confirmation again, and later online times use the link."""
    client.force_login(world.teacher)
    _offer(client, round_, place="online", meeting_link="https://meet.example/old", last="15:30")
    booked = Slot.objects.filter(host=world.teacher).first()
    booking = Booking.objects.create(
        slot=booked, student=world.student, whanau=world.link.whanau, how="online"
    )
    response = client.post(
        reverse("round_detail", args=[round_.pk]),
        {"action": "link", "meeting_link": LINK},
        follow=True,
    )
    assert "Your meeting link is set for your 2 online times." in response.content.decode()
    assert set(Slot.objects.values_list("meeting_link", flat=True)) == {LINK}
    booking.refresh_from_db()
    assert booking.sequence == 1
    assert OutboxEmail.objects.filter(kind="booking_confirmed").count() == 1
    _offer(client, round_, place="online", first="18:30", last="19:00")
    assert set(Slot.objects.values_list("meeting_link", flat=True)) == {LINK}
    assert Slot.objects.count() == 4


def test_a_link_with_no_online_times_to_hold_it_says_so(client, world, round_):
    """With no online times yet, the teacher is told to give the link when they offer them."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("round_detail", args=[round_.pk]),
        {"action": "link", "meeting_link": LINK},
        follow=True,
    )
    assert "You have no online times in this round yet" in response.content.decode()


def test_a_leader_offering_online_times_needs_each_teachers_link(client, world, round_):
    """Online times for every teacher use each one's own link: a teacher without one is named
    and no times are made for anyone."""
    round_.classes.set([world.classroom, world.other_student.classroom])
    round_services.slots_add(
        conversation_round=round_,
        host=world.teacher,
        date=MONDAY,
        first=datetime.time(18, 0),
        last=datetime.time(18, 15),
        place="online",
        meeting_link=LINK,
    )
    client.force_login(world.leader)
    response = _offer(client, round_, who="all", place="online", first="19:00", last="20:00")
    assert f"{world.other_teacher.name} have no meeting link" in response.content.decode()
    assert Slot.objects.count() == 1


# The demo ---------------------------------------------------------------------------


def test_school_days_skip_weekends_and_public_holidays():
    """Christmas, Boxing Day (moved to Monday) and New Year's days are not school days."""
    assert datetime.date(2026, 12, 28) in public_holidays(2026)  # Boxing Day on a Saturday
    assert datetime.date(2027, 1, 4) in public_holidays(2027)  # 2 January on a Saturday
    assert school_days(datetime.date(2026, 12, 24), 5) == [
        datetime.date(2026, 12, 24),
        datetime.date(2026, 12, 29),
        datetime.date(2026, 12, 30),
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 5),
    ]
    assert datetime.date(2027, 3, 26) in public_holidays(2027)  # Good Friday


def test_the_demo_round_is_open_on_school_days_at_times_that_suit_families():
    """One round open for booking; every time on a weekday between 3pm and 8:30pm school
    time; online times carry a link; some families booked for their household, some needing
    an interpreter or childcare; the demo whānau's two tamariki are free to book side by side."""
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    conversation_round = ConversationRound.objects.bookable().get()
    school = conversation_round.school
    assert school.name == DEMO_SCHOOL
    assert (conversation_round.minutes, conversation_round.break_minutes) == (15, 10)
    slots = list(Slot.objects.filter(round=conversation_round))
    zone = school.zone
    for slot in slots:
        local = timezone.localtime(slot.starts_at, zone)
        assert local.weekday() < 5, local
        assert datetime.time(15, 0) <= local.time()
        assert timezone.localtime(slot.ends_at, zone).time() <= datetime.time(20, 30)
        assert (slot.place == "online") == bool(slot.meeting_link)
    bookings = Booking.objects.filter(round=conversation_round)
    assert bookings.exists()
    if conversation_round.per_household:
        assert not bookings.filter(household=None).exists()
    assert bookings.filter(needs_interpreter=True).exclude(interpreter_language="").exists()
    assert bookings.filter(needs_childcare=True).exists()
    children = list(
        Student.objects.filter(whanau_links__whanau__email=WHANAU_EMAIL).distinct().order_by("pk")
    )
    assert len(children) == 2
    assert not bookings.filter(student__in=children).exists()
    free = Slot.objects.filter(round=conversation_round, place="online").with_booking_state()
    evenings = {}
    for child in children:
        teacher = child.classroom.teachers.get()
        for slot in free.filter(host=teacher, is_taken=False):
            evenings.setdefault(timezone.localtime(slot.starts_at, zone).date(), {}).setdefault(
                child.pk, set()
            ).add(slot.starts_at)
    back_to_back = [
        day
        for day, times in evenings.items()
        if len(times) == 2
        and any(
            at + datetime.timedelta(minutes=15) in times[children[1].pk]
            for at in times[children[0].pk]
        )
    ]
    assert back_to_back
