"""Every write to a goal's talk is audited by its service, as the module says."""

import pytest

from learners import services
from partnerships.models import AuditEvent, Voice
from tests import factories


def _events(world, action):
    return AuditEvent.objects.filter(
        action=action, student=world.student, object_type="learners.goal", object_id=world.goal.pk
    )


def test_posting_a_comment_is_audited(world):
    """A comment posted is one "created" row on the student's record, without its words."""
    services.comment_post(goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body="Ka pai")
    (event,) = _events(world, AuditEvent.Action.CREATED)
    assert (event.actor, event.summary) == (world.whanau, "Commented")


def test_editing_a_comment_is_audited(world):
    """Changing one's comment is one "changed" row, by its author."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    services.comment_edit(comment=comment, by=world.whanau, body="Ka pai rawa atu")
    (event,) = _events(world, AuditEvent.Action.CHANGED)
    assert (event.actor, event.summary) == (world.whanau, "Changed their comment")


def test_an_edit_refused_writes_no_row(world):
    """Someone else's comment cannot be changed, and nothing is recorded as changed."""
    comment = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    with pytest.raises(services.CommentLockedError):
        services.comment_edit(comment=comment, by=world.teacher, body="Changed")
    assert not _events(world, AuditEvent.Action.CHANGED).exists()
