"""Changing a recorded conversation: what changed is audited, and only its staff may change it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import LearningConversation, Reflection
from learners.models import Goal, NextStep
from partnerships.models import AuditEvent, Staff, WhanauLink
from tests import factories

pytestmark = pytest.mark.django_db


def _held_at():
    """Two hours ago, to the minute: what the form's date-and-time box holds."""
    return timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)


@pytest.fixture
def conversation(world):
    """A goal-setting conversation with the student's mother and the goal, recorded by staff."""
    return services.conversation_record(
        student=world.student,
        by=world.teacher,
        data={
            "kind": LearningConversation.Kind.GOAL_SETTING,
            "held_at": _held_at(),
            "school_noticed": "We noticed she reads to younger children.",
            "staff_notes": "Staff only: talk to learning support.",
            "whanau_attendees": [world.link.whanau],
            "goals": [world.goal],
        },
    )


def _edit_data(conversation, **overrides):
    """The edit form as it arrives when saved without changes."""
    data = {
        "kind": conversation.kind,
        "held_at": timezone.localtime(conversation.held_at).strftime("%Y-%m-%dT%H:%M"),
        "place": conversation.place,
        "led_by": conversation.led_by,
        "whanau_attendees": [m.pk for m in conversation.whanau_attendees.all()],
        "staff_attendees": [u.pk for u in conversation.staff_attendees.all()],
        "others": conversation.others,
        "school_noticed": conversation.school_noticed,
        "whanau_see": conversation.whanau_see,
        "student_said": conversation.student_said,
        "agreed_next_steps": conversation.agreed_next_steps,
        "follow_up_on": "",
        "goals": [g.pk for g in conversation.goals.all()],
        "staff_notes": conversation.staff_notes,
    }
    if conversation.student_attended:
        data["student_attended"] = "on"
    return data | overrides


def _changes(conversation):
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGED,
            object_type="conversations.learningconversation",
            object_id=conversation.pk,
        )
    )


def test_recording_a_conversation_is_audited(world, conversation):
    """Recording a conversation writes one audit row naming its kind, by the person who did it."""
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATED, object_type="conversations.learningconversation"
    )
    assert event.actor == world.teacher
    assert event.student == world.student
    assert event.summary == "Goal-setting conversation recorded"


def test_edit_page_shows_the_record_as_it_stands(client, world, conversation):
    """The edit page is filled in with the conversation's notes, ready to change."""
    client.force_login(world.teacher)
    response = client.get(reverse("conversation_edit", args=[conversation.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Edit conversation" in page
    assert "We noticed she reads to younger children." in page
    assert "Staff only: talk to learning support." in page


def test_editing_notes_and_who_took_part_is_audited_by_name(client, world, conversation):
    """Changing the notes and adding a teacher shows at once, and the audit names those parts."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("conversation_edit", args=[conversation.pk]),
        _edit_data(
            conversation,
            school_noticed="We noticed she now reads chapter books.",
            staff_attendees=[world.other_teacher.pk],
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "Conversation saved." in page
    assert "We noticed she now reads chapter books." in page
    assert world.other_teacher.name in page
    (event,) = _changes(conversation)
    assert event.actor == world.teacher
    assert event.student == world.student
    assert event.summary == "What school has noticed, Staff who took part"


def test_taking_a_goal_off_a_conversation_is_audited(client, world, conversation):
    """Unlinking the goal discussed takes it off the record, and the audit says goals changed."""
    client.force_login(world.teacher)
    client.post(
        reverse("conversation_edit", args=[conversation.pk]), _edit_data(conversation, goals=[])
    )
    assert not conversation.goals.exists()
    assert Goal.objects.filter(pk=world.goal.pk).exists()  # the goal itself stays
    (event,) = _changes(conversation)
    assert event.summary == "Goals discussed"


def test_saving_without_changes_writes_no_audit_row(client, world, conversation):
    """Opening the form and saving it as it is changes nothing, so nothing is audited."""
    client.force_login(world.leader)
    response = client.post(
        reverse("conversation_edit", args=[conversation.pk]), _edit_data(conversation)
    )
    assert response.status_code == 302
    assert _changes(conversation) == []


def test_a_future_time_is_refused_when_editing(client, world, conversation):
    """Moving the conversation into the future is a field error, and the record is unchanged."""
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(world.teacher)
    response = client.post(
        reverse("conversation_edit", args=[conversation.pk]),
        _edit_data(conversation, held_at=future, school_noticed="Changed"),
    )
    assert response.status_code == 200
    assert "held_at" in response.context["form"].errors
    conversation.refresh_from_db()
    assert conversation.school_noticed == "We noticed she reads to younger children."
    assert _changes(conversation) == []


def test_whanau_of_another_child_cannot_be_added_as_attendees(client, world, conversation):
    """A forged whānau id (another family's) is a field error and nobody is added."""
    client.force_login(world.teacher)
    other_family = world.other_whanau.whanau_memberships.get()
    response = client.post(
        reverse("conversation_edit", args=[conversation.pk]),
        _edit_data(conversation, whanau_attendees=[other_family.pk]),
    )
    assert "whanau_attendees" in response.context["form"].errors
    assert list(conversation.whanau_attendees.all()) == [world.link.whanau]


@pytest.mark.parametrize(
    "person", ["whanau", "student_user", "other_teacher", "other_school_leader"]
)
def test_only_the_students_teachers_and_leaders_may_edit(client, world, conversation, person):
    """Whānau, the student, another class's teacher or school: a 404, and nothing changes."""
    client.force_login(getattr(world, person))
    url = reverse("conversation_edit", args=[conversation.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, _edit_data(conversation, school_noticed="Rewritten"))
    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.school_noticed == "We noticed she reads to younger children."


def test_the_services_refuse_fields_a_conversation_does_not_have(world, conversation):
    """A misspelt field is a programming error, not silently dropped: nothing is saved."""
    with pytest.raises(TypeError, match="mood"):
        services.conversation_update(
            conversation=conversation, by=world.teacher, data={"mood": "happy"}
        )
    with pytest.raises(TypeError, match="mood"):
        services.conversation_record(
            student=world.student,
            by=world.teacher,
            data={"kind": "other", "held_at": _held_at(), "mood": "happy"},
        )
    assert LearningConversation.objects.count() == 1


def test_updating_only_the_people_keeps_the_notes(world, conversation):
    """Changing who took part through the service leaves the notes as they were."""
    updated = services.conversation_update(
        conversation=conversation,
        by=world.teacher,
        data={"whanau_attendees": [], "staff_attendees": [world.teacher]},
    )
    assert updated.school_noticed == "We noticed she reads to younger children."
    assert list(updated.whanau_attendees.all()) == []
    (event,) = _changes(conversation)
    assert event.summary == "Whānau who took part, Staff who took part"


def test_the_record_form_starts_with_the_kind_asked_for(client, world):
    """A link to record a given kind opens the form set to it; an unknown kind is ignored."""
    client.force_login(world.teacher)
    url = reverse("conversation_create", args=[world.student.pk])
    response = client.get(url, {"kind": "transition"})
    assert response.context["form"]["kind"].value() == "transition"
    response = client.get(url, {"kind": "not-a-kind"})
    assert response.context["form"]["kind"].value() is None


def test_a_goal_set_in_a_conversation_needs_a_title(client, world, conversation):
    """The goal form cancels back to the conversation; a goal without a title saves nothing."""
    client.force_login(world.teacher)
    url = reverse("conversation_goal_create", args=[conversation.pk])
    response = client.get(url)
    assert response.context["cancel_url"] == conversation.get_absolute_url()
    before = Goal.objects.count()
    response = client.post(url, {"title": "", "success_criteria": "Something"})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Goal.objects.count() == before
    assert list(conversation.goals.all()) == [world.goal]


def test_an_empty_next_step_is_explained_and_not_added(client, world, conversation):
    """A next step with no words is refused with a message; nothing is added to the goal."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("conversation_step_create", args=[conversation.pk, world.goal.pk]),
        {"text": "", "where": "home", "taken_by": "whanau"},
        follow=True,
    )
    assert "The next step needs a few words" in response.content.decode()
    assert not NextStep.objects.exists()


def test_an_empty_reflection_is_explained_and_not_added(client, world, conversation):
    """Whānau posting an empty reflection are told it is needed; nothing is added."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("reflection_add", args=[conversation.pk]), {"body": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == conversation.get_absolute_url()
    assert "This field is required." in response.content.decode()
    assert not Reflection.objects.exists()


def test_the_student_reflects_in_their_own_voice(client, world, conversation):
    """The student's reflection is recorded as the student's voice and shown on the record."""
    client.force_login(world.student_user)
    client.post(reverse("reflection_add", args=[conversation.pk]), {"body": "I felt listened to."})
    reflection = Reflection.objects.get()
    assert reflection.voice == "student"
    assert reflection.author == world.student_user


def test_no_access_whanau_cannot_reflect(client, world, conversation):
    """A “no access / no contact” person gets a 404 and adds nothing."""
    client.force_login(world.no_access_whanau)
    response = client.post(reverse("reflection_add", args=[conversation.pk]), {"body": "Hi"})
    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_a_conversation_of_another_class_stays_unseen_by_a_teacher(client, world):
    """Another class's teacher can't open a conversation of a student they don't teach."""
    theirs = factories.ConversationFactory(student=world.other_student)
    client.force_login(world.teacher)
    assert client.get(reverse("conversation_detail", args=[theirs.pk])).status_code == 404


def test_editing_notes_keeps_a_whanau_attendee_whose_access_was_later_turned_off(
    client, world, conversation
):
    """Who took part is history: later turning off a parent's access doesn't erase them."""
    WhanauLink.objects.filter(pk=world.link.pk).update(has_access=False)
    client.force_login(world.teacher)
    page = client.get(reverse("conversation_edit", args=[conversation.pk])).content.decode()
    assert f'name="whanau_attendees" value="{world.link.whanau_id}"' not in page
    # The page offers no box for them, so the browser sends no id for them.
    client.post(
        reverse("conversation_edit", args=[conversation.pk]),
        _edit_data(conversation, whanau_attendees=[], agreed_next_steps="Read at bedtime."),
    )
    assert list(conversation.whanau_attendees.all()) == [world.link.whanau]
    (event,) = _changes(conversation)
    assert event.summary == "Agreed next steps"


def test_editing_notes_keeps_a_staff_attendee_who_has_since_left(client, world, conversation):
    """A teacher who took part and later left the school stays on the record of who took part."""
    services.conversation_update(
        conversation=conversation, by=world.teacher, data={"staff_attendees": [world.other_teacher]}
    )
    Staff.objects.filter(user=world.other_teacher).delete()
    client.force_login(world.teacher)
    page = client.get(reverse("conversation_edit", args=[conversation.pk])).content.decode()
    assert f'name="staff_attendees" value="{world.other_teacher.pk}"' not in page
    client.post(
        reverse("conversation_edit", args=[conversation.pk]),
        _edit_data(conversation, staff_attendees=[], agreed_next_steps="Read at bedtime."),
    )
    assert list(conversation.staff_attendees.all()) == [world.other_teacher]
