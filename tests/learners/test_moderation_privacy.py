"""Why a comment was hidden is for the school's staff: whānau and the student read only that
the school hid a comment."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from partnerships.models import AuditEvent
from tests import factories

REASON = "Named another family's child"


@pytest.fixture
def hidden(client, world):
    """A whānau comment the teacher hid, giving the reason."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="Oops")
    client.force_login(world.teacher)
    client.post(reverse("comment_hide", args=[comment.pk]), {"reason": REASON})
    client.logout()
    return comment


def _pages(client, user, goal) -> list[str]:
    """The goal's history and the goal page, as ``user`` reads them."""
    client.force_login(user)
    pages = [reverse("goal_history", args=[goal.pk]), reverse("goal_detail", args=[goal.pk])]
    responses = [client.get(url) for url in pages]
    assert [response.status_code for response in responses] == [200, 200]
    return [response.content.decode() for response in responses]


@pytest.mark.parametrize("role", ["whanau", "student_user"])
def test_whanau_and_the_student_never_read_the_reason(client, world, hidden, role):
    """The goal's history says the school hid a comment; neither page gives the reason."""
    history, goal_page = _pages(client, getattr(world, role), world.goal)
    assert "Hid a comment" in history
    assert "Named another family" not in history + goal_page


@pytest.mark.parametrize("role", ["teacher", "leader"])
def test_the_students_teachers_and_leaders_read_the_reason(client, world, hidden, role):
    """Staff read why, in the goal's history and by the hidden comment."""
    history, goal_page = _pages(client, getattr(world, role), world.goal)
    assert "Hid a comment" in history
    assert "Named another family&#x27;s child" in history
    assert "Named another family&#x27;s child" in goal_page


def test_staff_who_are_whanau_of_the_child_read_it_as_whanau(client, world, hidden):
    """A teacher of another class whose own child this is sees the history as a parent does."""
    factories.WhanauLinkFactory(student=world.student, whanau__user=world.other_teacher)
    history, goal_page = _pages(client, world.other_teacher, world.goal)
    assert "Hid a comment" in history
    assert "Named another family" not in history + goal_page


def test_the_reason_is_kept_apart_from_the_summary(world, hidden):
    """The audit row's summary, which families read, holds no reason; the staff note does."""
    event = AuditEvent.objects.get(summary="Hid a comment")
    assert event.staff_note == REASON
    assert event.student == world.student


def test_reasons_stored_in_summaries_before_move_to_the_staff_note(world):
    """Rows written before the note existed lose the reason from their summary."""
    old = AuditEvent.objects.create(
        school=world.school,
        student=world.student,
        action=AuditEvent.Action.CHANGED,
        object_type="learners.goal",
        object_id=world.goal.pk,
        summary=f"Hid a comment: {REASON}",
    )
    migration = importlib.import_module("partnerships.migrations.0010_audit_staff_note")
    migration.reasons_to_staff_note(apps, None)
    old.refresh_from_db()
    assert (old.summary, old.staff_note) == ("Hid a comment", REASON)
