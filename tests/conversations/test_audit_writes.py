"""Every write to a student's record in conversations and the weekly update is audited by its
service: reflections, rounds, requests for another time, saving and approving updates."""

import datetime

import pytest
from django.utils import timezone

from conversations import booking as booking_services
from conversations import rounds as round_services
from conversations import services
from conversations.models import WeeklyUpdate
from conversations.weekly import services as weekly
from partnerships.models import AuditEvent, Voice
from tests import factories


def _only(**filters) -> AuditEvent:
    (event,) = AuditEvent.objects.filter(**filters)
    return event


def test_adding_a_reflection_is_audited(world):
    """A reflection on a conversation is a "created" row on the student's record."""
    conversation = factories.ConversationFactory(student=world.student)
    services.reflection_add(
        conversation=conversation, by=world.whanau, voice=Voice.WHANAU, body="We felt heard."
    )
    event = _only(student=world.student, object_type="conversations.learningconversation")
    assert (event.action, event.actor, event.object_id) == (
        AuditEvent.Action.CREATED,
        world.whanau,
        conversation.pk,
    )


def test_opening_a_round_is_audited_on_the_school(world):
    """A round belongs to no one student: its row is the school's, naming it."""
    conversation_round = round_services.round_create(
        school=world.school, by=world.leader, title="Term 2 three-way", kind="three_way"
    )
    event = _only(object_type="conversations.conversationround")
    assert (event.school, event.student, event.actor, event.object_id) == (
        world.school,
        None,
        world.leader,
        conversation_round.pk,
    )
    assert "Term 2 three-way" in event.summary


def test_a_request_for_another_time_and_its_answer_are_audited(world):
    """The family asking, and the teacher answering, each leave a row on the student's record."""
    conversation_round = factories.RoundFactory(school=world.school)
    request = booking_services.time_request_create(
        conversation_round=conversation_round,
        student=world.student,
        whanau=world.link.whanau,
        message="After 5pm?",
    )
    booking_services.time_request_answer(request=request, by=world.teacher, answer="Tuesday 5:30?")
    events = AuditEvent.objects.filter(
        student=world.student, object_type="conversations.timerequest", object_id=request.pk
    ).order_by("pk")
    assert [(each.action, each.actor) for each in events] == [
        (AuditEvent.Action.CREATED, world.whanau),
        (AuditEvent.Action.CHANGED, world.teacher),
    ]


@pytest.fixture
def week(world):
    return world.school.week_of(timezone.now())


def _save(world, week, *, by, submit, **data):
    return weekly.weekly_update_save(
        student=world.student,
        week=week,
        by=by,
        data={"learned": "How volcanoes make islands."} | data,
        submit=submit,
        with_teacher=by != world.student_user,
    )


def _update_events(update):
    return list(
        AuditEvent.objects.filter(
            object_type="conversations.weeklyupdate", object_id=update.pk
        ).order_by("pk")
    )


def test_saving_an_update_is_audited_each_time_it_changes(world, week):
    """A draft, then the update written, then a teacher's change: three rows; a save that
    changes nothing adds none."""
    update = _save(world, week, by=world.student_user, submit=False)
    _save(world, week, by=world.student_user, submit=True)
    _save(world, week, by=world.teacher, submit=False, learned="How volcanoes make land.")
    _save(world, week, by=world.teacher, submit=False, learned="How volcanoes make land.")
    events = _update_events(update)
    assert [(each.action, each.actor) for each in events] == [
        (AuditEvent.Action.CREATED, world.student_user),
        (AuditEvent.Action.CHANGED, world.student_user),
        (AuditEvent.Action.CHANGED, world.teacher),
    ]
    assert all(each.student == world.student for each in events)
    assert "draft" in events[0].summary
    assert "Wrote" in events[1].summary


def test_approving_updates_audits_each_one_approved(world, week):
    """Approving the week writes one row for each update approved, and none for a draft."""
    written = _save(world, week, by=world.student_user, submit=True)
    draft = weekly.weekly_update_save(
        student=world.classmate,
        week=week,
        by=world.teacher,
        data={"learned": "Counting."},
        submit=False,
        with_teacher=True,
    )
    count = weekly.weekly_updates_approve(
        updates=WeeklyUpdate.objects.filter(week=week), by=world.teacher
    )
    assert count == 1
    approved = [each for each in _update_events(written) if each.actor == world.teacher]
    assert [(each.action, each.student) for each in approved] == [
        (AuditEvent.Action.CHANGED, world.student)
    ]
    assert "Approved" in approved[0].summary
    assert [each.actor for each in _update_events(draft)] == [world.teacher]  # its save only
    written.refresh_from_db()
    assert written.status == WeeklyUpdate.Status.APPROVED


def test_approving_again_audits_nothing_more(world, week):
    """An update already approved is not approved, nor audited, twice."""
    _save(world, week, by=world.student_user, submit=True)
    updates = WeeklyUpdate.objects.filter(week=week)
    weekly.weekly_updates_approve(updates=updates, by=world.teacher)
    before = AuditEvent.objects.count()
    assert weekly.weekly_updates_approve(updates=updates, by=world.leader) == 0
    assert AuditEvent.objects.count() == before


def test_a_week_with_no_update_written_approves_nothing(world):
    """Approving a week with nothing written writes no row."""
    week = world.school.week_of(timezone.now()) - datetime.timedelta(days=7)
    before = AuditEvent.objects.count()
    count = weekly.weekly_updates_approve(
        updates=WeeklyUpdate.objects.filter(week=week), by=world.teacher
    )
    assert count == 0
    assert AuditEvent.objects.count() == before
