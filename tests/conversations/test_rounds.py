"""Rounds of conversations: opening one, offering times in it, closing it, and answering
families who ask for another time."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conversations import booking as booking_services
from conversations import rounds as round_services
from conversations.access import slots_bookable_by
from conversations.models import ConversationRound, Slot, TimeRequest
from tests import factories

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
WEDNESDAY = datetime.datetime(2027, 3, 3, 10, 0, tzinfo=NZ)
NEXT_WEEK = datetime.date(2027, 3, 10)  # the Wednesday after


@pytest.fixture(autouse=True)
def _a_wednesday_morning():
    """Every run of times here is on a school day a week ahead, whatever day the tests run."""
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def round_(world):
    return factories.RoundFactory(school=world.school, created_by=world.leader)


@pytest.fixture
def slot(world, round_):
    return factories.SlotFactory(round=round_, host=world.teacher)


def _offer(client, round_, *, follow=False, **data):
    payload = {
        "date": NEXT_WEEK.isoformat(),
        "first": "14:00",
        "last": "15:00",
        "place": "school",
    } | data
    return client.post(reverse("round_detail", args=[round_.pk]), payload, follow=follow)


def _round_body(**data) -> dict:
    return {
        "title": "Term 2 student-led",
        "kind": "student_led",
        "closes_at": "2027-03-20T17:00",
        "minutes": 15,
        "break_minutes": 0,
        "break_after": 0,
        "ways": ["school"],
    } | data


def test_leader_opens_a_round_and_goes_on_to_add_times(client, world):
    """A new round belongs to the leader's school and the page moves on to its times."""
    client.force_login(world.leader)
    response = client.post(reverse("round_list"), _round_body())
    conversation_round = ConversationRound.objects.get()
    assert response.url == reverse("round_detail", args=[conversation_round.pk])
    assert conversation_round.school == world.school
    assert conversation_round.created_by == world.leader
    assert conversation_round.kind == "student_led"
    assert conversation_round.is_open
    assert conversation_round.opens_at == WEDNESDAY  # left empty: booking opens now


def test_a_round_needs_a_title(client, world):
    """A round without a title is a field error and no round is opened."""
    client.force_login(world.leader)
    response = client.post(reverse("round_list"), _round_body(title=""))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not ConversationRound.objects.exists()


def test_staff_see_only_their_own_schools_rounds(client, world, round_):
    """The list of rounds shows this school's rounds, never another school's."""
    theirs = factories.RoundFactory(school=world.other_school, title="Their secret round")
    client.force_login(world.other_teacher)
    response = client.get(reverse("round_list"))
    assert list(response.context["rounds"]) == [round_]
    assert theirs.title not in response.content.decode()


@pytest.mark.parametrize("person", ["whanau", "student_user"])
def test_whanau_and_students_cannot_open_rounds(client, world, person):
    """The rounds page is for staff: anyone else gets a 404 and nothing is opened."""
    client.force_login(getattr(world, person))
    assert client.get(reverse("round_list")).status_code == 404
    response = client.post(reverse("round_list"), {"title": "Mine", "kind": "goal_setting"})
    assert response.status_code == 404
    assert not ConversationRound.objects.exists()


def test_another_schools_round_is_not_found(client, world, round_):
    """A leader of another school can neither see this round nor add times to it."""
    client.force_login(world.other_school_leader)
    assert client.get(reverse("round_detail", args=[round_.pk])).status_code == 404
    assert _offer(client, round_).status_code == 404
    assert not Slot.objects.exists()


def test_closing_a_round_stops_booking_and_opening_it_again_allows_it(client, world, round_, slot):
    """A leader closes a round: whānau have nothing to book in it; opened again, its times
    are back."""
    client.force_login(world.leader)
    client.post(reverse("round_detail", args=[round_.pk]), {"action": "close"})
    round_.refresh_from_db()
    assert not round_.is_open
    assert not slots_bookable_by(world.whanau).exists()
    client.post(reverse("round_detail", args=[round_.pk]), {"action": "open"})
    assert list(slots_bookable_by(world.whanau)) == [slot]


def test_times_already_offered_are_kept_as_they_are(client, world, round_):
    """Offering an overlapping run adds only the new times; those already there stay put."""
    round_.ways = ["school", "online"]
    round_.save()
    client.force_login(world.teacher)
    _offer(
        client,
        round_,
        first="14:00",
        last="15:00",
        place="online",
        meeting_link="https://meet.example/whaea-hana",
    )
    response = _offer(client, round_, first="14:30", last="15:30", place="school", follow=True)
    assert "2 times added." in response.content.decode()
    slots = Slot.objects.filter(host=world.teacher).order_by("starts_at")
    assert [timezone.localtime(s.starts_at).strftime("%H:%M") for s in slots] == [
        "14:00",
        "14:15",
        "14:30",
        "14:45",
        "15:00",
        "15:15",
    ]
    assert [s.place for s in slots] == ["online"] * 4 + ["school"] * 2


@pytest.mark.parametrize(
    ("first", "last", "minutes", "message"),
    [
        ("14:00", "14:10", 15, "There isn’t room for one conversation between those times."),
        ("08:00", "20:00", 10, "That makes 72 times; add at most 60 at once."),
    ],
)
def test_runs_of_times_that_cannot_be_made_are_explained(
    client, world, round_, first, last, minutes, message
):
    """Too short a run for one conversation, or too many at once, says why; none are made."""
    round_.minutes = minutes
    round_.save()
    client.force_login(world.teacher)
    response = _offer(client, round_, first=first, last=last)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Slot.objects.exists()


def test_a_run_of_times_needs_a_date(client, world, round_):
    """A run with no date is a field error; no times are made."""
    client.force_login(world.teacher)
    response = _offer(client, round_, date="")
    assert "date" in response.context["form"].errors
    assert not Slot.objects.exists()


def test_times_are_offered_in_the_schools_own_time_zone(world, round_):
    """A school on the Chatham Islands offers 7pm in its own time, 45 minutes ahead of Auckland."""
    world.school.timezone = "Pacific/Chatham"
    world.school.save()
    round_.minutes = 30
    round_.ways = ["phone"]
    round_.save()
    round_.refresh_from_db()
    made = round_services.slots_add(
        conversation_round=round_,
        host=world.teacher,
        date=NEXT_WEEK,
        first=datetime.time(19, 0),
        last=datetime.time(19, 30),
        place="phone",
    )
    assert made == 1
    starts_at = Slot.objects.get().starts_at
    assert starts_at.astimezone(world.school.zone).hour == 19
    assert timezone.localtime(starts_at).strftime("%H:%M") == "18:15"  # Auckland


def test_the_schedule_lists_only_my_times_and_requests_waiting(client, world, round_, slot):
    """The teacher's schedule shows their own times, and a family's request to answer."""
    factories.SlotFactory(round=round_, host=world.other_teacher)
    TimeRequest.objects.create(
        round=round_, student=world.student, whanau=world.link.whanau, message="After 7pm?"
    )
    client.force_login(world.teacher)
    response = client.get(reverse("round_detail", args=[round_.pk]))
    assert list(response.context["slots"]) == [slot]
    assert "After 7pm?" in response.content.decode()


def test_an_answer_needs_words(client, world, round_):
    """An empty answer is explained and the request stays unanswered."""
    request = TimeRequest.objects.create(
        round=round_, student=world.student, whanau=world.link.whanau, message="Lunchtime?"
    )
    client.force_login(world.teacher)
    response = client.post(
        reverse("time_request_answer", args=[request.pk]), {"answer": ""}, follow=True
    )
    assert "Write an answer before saving it." in response.content.decode()
    request.refresh_from_db()
    assert request.answered_at is None


def test_an_answer_records_who_answered_and_when(client, world, round_):
    """The teacher's answer is saved with who answered, and the page goes back to the round."""
    request = TimeRequest.objects.create(
        round=round_, student=world.student, whanau=world.link.whanau, message="Lunchtime?"
    )
    client.force_login(world.teacher)
    response = client.post(
        reverse("time_request_answer", args=[request.pk]), {"answer": "Tuesday 12:30?"}
    )
    assert response.url == reverse("round_detail", args=[round_.pk])
    request.refresh_from_db()
    assert request.answer == "Tuesday 12:30?"
    assert request.answered_by == world.teacher
    assert request.answered_at is not None


def test_a_teacher_cannot_answer_for_a_student_they_do_not_teach(client, world, round_):
    """Another class's teacher gets a 404 and the request stays unanswered."""
    request = TimeRequest.objects.create(
        round=round_, student=world.student, whanau=world.link.whanau, message="Lunchtime?"
    )
    client.force_login(world.other_teacher)
    response = client.post(reverse("time_request_answer", args=[request.pk]), {"answer": "No"})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.answer == ""


def test_asking_for_another_time_for_a_child_not_mine_is_not_found(client, world, round_, slot):
    """A forged student id on the request form is a 404 and no request is made."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("round_book", args=[round_.pk]),
        {"student": world.classmate.pk, "message": "Any evening?"},
    )
    assert response.status_code == 404
    assert not TimeRequest.objects.exists()


def test_asking_for_another_time_needs_a_message(client, world, round_, slot):
    """An empty request is a field error on the booking page; nothing is sent to the teacher."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("round_book", args=[round_.pk]), {"student": world.student.pk, "message": ""}
    )
    assert response.status_code == 200
    assert "message" in response.context["form"].errors
    assert not TimeRequest.objects.exists()


def test_no_access_whanau_cannot_ask_for_a_time(world, round_):
    """The service refuses a request from someone without access to the child."""
    member = world.no_access_whanau.whanau_memberships.get()
    with pytest.raises(ValidationError, match="your own tamariki"):
        booking_services.time_request_create(
            conversation_round=round_, student=world.student, whanau=member, message="Hi"
        )
    assert not TimeRequest.objects.exists()
