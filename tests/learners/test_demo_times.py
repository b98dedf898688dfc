"""The demo tells things in order: nothing on a goal is dated before the goal, and no answer
before what it answers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from conversations.weekly.models import UpdateReply
from learners.demo import TEACHER_REPLIES
from learners.models import Evidence, GoalAgreement, GoalComment, NextStep
from partnerships.models import Voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


def test_no_comment_predates_its_goal(seeded):
    """Every comment on a goal, whoever wrote it, comes after the goal was written."""
    assert GoalComment.objects.exists()
    early = GoalComment.objects.filter(created_at__lt=F("goal__created_at"))
    assert list(early.values_list("goal__title", "body")) == []


def test_nothing_on_a_goal_predates_it(seeded):
    """Agreements, next steps (and their ticks) and evidence all come after their goal."""
    assert not GoalAgreement.objects.filter(agreed_at__lt=F("goal__created_at")).exists()
    assert not NextStep.objects.filter(created_at__lt=F("goal__created_at")).exists()
    assert not NextStep.objects.filter(done_at__lt=F("goal__created_at")).exists()
    assert not Evidence.objects.filter(created_at__lt=F("goal__created_at")).exists()


def test_replies_come_after_what_they_answer(seeded):
    """A teacher's reply follows a whānau comment on the goal; an update's reply, the update."""
    replies = GoalComment.objects.filter(body__in=TEACHER_REPLIES)
    assert replies.exists()
    for reply in replies:
        assert GoalComment.objects.filter(
            goal=reply.goal_id, voice=Voice.WHANAU, created_at__lt=reply.created_at
        ).exists(), reply.body
    assert not UpdateReply.objects.filter(created_at__lt=F("update__queued_at")).exists()
