"""Learning conversations: the shared summary, staff-only notes, reflections, transitions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import LearningConversation, Reflection
from partnerships.models import Voice
from tests import factories

pytestmark = pytest.mark.django_db


def _record_data(world, **overrides):
    return {
        "kind": "transition",
        "held_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "home",
        "led_by": "teacher",
        "student_attended": "on",
        "whanau_attendees": [world.link.whanau_id],
        "others": "Interpreter (Samoan)",
        "school_noticed": "We noticed he counts carefully in maths.",
        "whanau_see": "He counts the stairs at home.",
        "student_said": "I like the number games.",
        "agreed_next_steps": "Play board games with dice at home.",
        "goals": [world.goal.pk],
        "staff_notes": "Staff only: hearing check booked.",
    } | overrides


def test_teacher_records_a_conversation_linked_to_a_goal(client, world):
    """A recorded conversation keeps who took part, the notes, and the goals discussed."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("conversation_create", args=[world.student.pk]), _record_data(world)
    )
    conversation = LearningConversation.objects.get()
    assert response.url == reverse("conversation_detail", args=[conversation.pk])
    assert list(conversation.goals.all()) == [world.goal]
    assert list(conversation.whanau_attendees.all()) == [world.link.whanau]
    assert conversation.recorded_by == world.teacher


@pytest.mark.parametrize("role", ["whanau", "student_user"])
def test_staff_only_notes_never_reach_whanau_or_the_student(client, world, role):
    """Whānau and the student see the shared summary but never the staff-only notes."""
    conversation = factories.ConversationFactory(student=world.student)
    client.force_login(getattr(world, role))
    page = client.get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "We noticed she loves reading" in page
    assert "Staff only: check in" not in page
    assert "Staff-only notes" not in page
    listing = client.get(reverse("conversation_list", args=[world.student.pk])).content.decode()
    assert "Staff only: check in" not in listing


def test_teachers_see_staff_only_notes_marked_as_such(client, world):
    """Staff see the notes, clearly marked as never shown to whānau or the student."""
    conversation = factories.ConversationFactory(student=world.student)
    client.force_login(world.teacher)
    page = client.get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "Staff only: check in" in page
    assert "never shown to whānau or the student" in page


def test_a_conversation_in_the_future_cannot_be_recorded_as_held(client, world):
    """A date in the future is a clear field error and nothing is saved."""
    client.force_login(world.teacher)
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("conversation_create", args=[world.student.pk]),
        _record_data(world, held_at=future),
    )
    assert "held_at" in response.context["form"].errors
    assert not LearningConversation.objects.exists()


def test_goal_of_another_student_is_refused(client, world):
    """Linking another student's goal is a field error."""
    other_goal = factories.GoalFactory(student=world.classmate)
    client.force_login(world.teacher)
    response = client.post(
        reverse("conversation_create", args=[world.student.pk]),
        _record_data(world, goals=[other_goal.pk]),
    )
    assert "goals" in response.context["form"].errors


def test_whanau_add_a_reflection_as_whanau_voice(client, world):
    """Whānau add their reflection afterwards; it counts as whānau voice."""
    conversation = factories.ConversationFactory(student=world.student)
    client.force_login(world.whanau)
    client.post(
        reverse("reflection_add", args=[conversation.pk]), {"body": "It was good to be heard."}
    )
    reflection = Reflection.objects.get()
    assert reflection.voice == Voice.WHANAU
    page = client.get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "It was good to be heard." in page


def test_transition_due_and_overdue_until_recorded(client, world, time_machine):
    """A student who started 25 days ago is overdue; recording the transition clears them."""
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC))
    world.student.start_date = datetime.date(2026, 2, 13)
    world.student.save()
    world.classmate.start_date = datetime.date(2026, 3, 1)  # due 22 March: coming up
    world.classmate.save()
    client.force_login(world.teacher)
    response = client.get(reverse("transitions"))
    assert [row.student for row in response.context["overdue"]] == [world.student]
    assert response.context["overdue"][0].days_late == 4
    assert [row.student for row in response.context["upcoming"]] == [world.classmate]
    factories.ConversationFactory(student=world.student, kind=LearningConversation.Kind.TRANSITION)
    response = client.get(reverse("transitions"))
    assert response.context["overdue"] == []


def test_overdue_transitions_come_a_page_at_a_time(client, world, time_machine, monkeypatch):
    """A long list of overdue transitions is paged; what is due soon shows on every page."""
    monkeypatch.setattr("conversations.views.records.PER_PAGE", 1)
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC))
    world.student.start_date = datetime.date(2026, 2, 13)
    world.student.save()
    world.classmate.start_date = datetime.date(2026, 2, 10)
    world.classmate.save()
    soon = factories.StudentFactory(
        school=world.school, classroom=world.classroom, start_date=datetime.date(2026, 3, 1)
    )
    client.force_login(world.teacher)
    first = client.get(reverse("transitions"))
    second = client.get(reverse("transitions"), {"page": 2})
    assert [row.student for row in first.context["overdue"]] == [world.classmate]
    assert [row.student for row in second.context["overdue"]] == [world.student]
    assert "?page=2" in first.content.decode()
    for page in (first, second):
        assert [row.student for row in page.context["upcoming"]] == [soon]


def test_school_sets_its_own_transition_days(client, world, time_machine):
    """A school that waits 30 days is not overdue at day 25."""
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC))
    world.school.transition_days = 30
    world.school.save()
    world.student.start_date = datetime.date(2026, 2, 13)
    world.student.save()
    client.force_login(world.leader)
    response = client.get(reverse("transitions"))
    assert world.student not in [row.student for row in response.context["overdue"]]
    assert world.student in [row.student for row in response.context["upcoming"]]


def test_goal_and_next_step_set_in_a_conversation_stay_linked(client, world):
    """A goal and a next step agreed in a conversation are created from it and linked to it."""
    conversation = factories.ConversationFactory(student=world.student)
    client.force_login(world.teacher)
    area = world.school.learning_areas.first()
    response = client.post(
        reverse("conversation_goal_create", args=[conversation.pk]),
        {
            "title": "Swim 25 metres",
            "success_criteria": "I swim a length at the pools.",
            "learning_area": area.pk,
        },
    )
    assert response.url == reverse("conversation_detail", args=[conversation.pk])
    goal = conversation.goals.get(title="Swim 25 metres")
    client.post(
        reverse("conversation_step_create", args=[conversation.pk, goal.pk]),
        {"text": "Go to the pools on Saturdays", "where": "home", "taken_by": "whanau"},
    )
    assert list(conversation.next_steps.values_list("text", flat=True)) == [
        "Go to the pools on Saturdays"
    ]
    page = client.get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert "Go to the pools on Saturdays" in page


def test_a_forged_goal_id_links_nothing(client, world):
    """A step for another student's goal, through this conversation, is a 404; nothing is made."""
    conversation = factories.ConversationFactory(student=world.student)
    other_goal = factories.GoalFactory(student=world.classmate)
    client.force_login(world.teacher)
    response = client.post(
        reverse("conversation_step_create", args=[conversation.pk, other_goal.pk]),
        {"text": "X", "where": "home", "taken_by": "whanau"},
    )
    assert response.status_code == 404
    assert not other_goal.next_steps.exists()
    assert not conversation.next_steps.exists()
