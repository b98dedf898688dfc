"""The demo's notices: what the term told whānau and teachers, nothing old left to send, and
one word from the demo whānau waiting for a visiting teacher to answer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from learners.models import GoalComment
from partnerships import demo
from partnerships.models import Notice, OutboxEmail, School, User, Voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    return School.objects.get(name=demo.DEMO_SCHOOL)


def test_nothing_from_the_demos_past_waits_to_be_sent(school):
    """Starting the demo sends nobody a pile of old emails: every notice went when it happened."""
    assert not OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED).exists()
    assert not Notice.objects.filter(school=school, emailed_at__isnull=True).exclude(email_key="")


def test_the_demo_whanau_were_told_of_replies_and_opened_most(school):
    """The demo parent has replies to their comments in their record, most of them opened,
    none dated before the comment it tells of."""
    huia = User.objects.get(email=demo.WHANAU_EMAIL)
    told = Notice.objects.filter(whanau__user=huia)
    assert told.filter(kind="comment_reply").exists()
    assert told.filter(read_at__isnull=False).exists()
    assert not told.filter(emailed_at__lt=F("created_at")).exists()
    assert Notice.objects.filter(school=school, kind="whanau_comment").exists()


def test_a_comment_from_the_demo_whanau_waits_for_the_teacher(school):
    """The demo parent's newest word on a goal is theirs: the visiting teacher can answer it."""
    huia = User.objects.get(email=demo.WHANAU_EMAIL)
    waiting = GoalComment.objects.unanswered_whanau().filter(author=huia).order_by("-created_at")
    comment = waiting.first()
    assert comment is not None
    assert comment.created_at >= comment.goal.created_at
    assert "kererū" in comment.body
    assert comment.voice == Voice.WHANAU


def test_seeding_again_writes_no_more_notices(school):
    """The step runs once: seeding again leaves the notices as they were."""
    before = Notice.objects.count()
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert Notice.objects.count() == before
