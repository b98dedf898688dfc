"""The whānau-voice inbox across pages: what waits, in order, for whom."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learners.inbox import PER_PAGE
from learners.models import GoalComment
from partnerships.models import Voice
from tests import factories

pytestmark = pytest.mark.django_db


def _waiting(world, count: int) -> list[GoalComment]:
    """``count`` whānau comments on the world's goal, a minute apart, oldest first."""
    start = timezone.now() - datetime.timedelta(days=1)
    return [
        factories.GoalCommentFactory(
            goal=world.goal, author=world.whanau, created_at=start + datetime.timedelta(minutes=n)
        )
        for n in range(count)
    ]


def test_the_inbox_pages_through_what_waits_oldest_first(client, world):
    """A full first page of the oldest, the rest on the next; the pages say how many."""
    waiting = _waiting(world, PER_PAGE + 1)
    client.force_login(world.teacher)
    first = client.get(reverse("inbox"))
    assert list(first.context["page"]) == waiting[:PER_PAGE]
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("inbox"), {"page": 2})
    assert list(second.context["page"]) == waiting[PER_PAGE:]
    # A page past the end shows the last.
    assert list(client.get(reverse("inbox"), {"page": 9}).context["page"]) == waiting[PER_PAGE:]


def test_answered_and_hidden_comments_do_not_wait(client, world):
    """A teacher's later word answers what came before it; a hidden comment waits for nobody."""
    earlier, later = _waiting(world, 2)
    factories.GoalCommentFactory(
        goal=world.goal,
        author=world.teacher,
        voice=Voice.TEACHER,
        created_at=earlier.created_at + datetime.timedelta(seconds=30),
    )
    hidden = factories.GoalCommentFactory(
        goal=world.goal, author=world.whanau, hidden_at=timezone.now(), hidden_by=world.teacher
    )
    client.force_login(world.teacher)
    shown = list(client.get(reverse("inbox")).context["page"])
    assert shown == [later]
    assert hidden not in shown


def test_a_leader_sees_every_class_of_their_school_and_no_other(client, world):
    """The leader's inbox holds both classes' comments; another school's never shows."""
    mine = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    other_class = factories.GoalCommentFactory(
        goal=factories.GoalFactory(student=world.other_student)
    )
    factories.GoalCommentFactory(goal=factories.GoalFactory(student=world.other_school_student))
    client.force_login(world.leader)
    assert set(client.get(reverse("inbox")).context["page"]) == {mine, other_class}
    client.force_login(world.teacher)
    assert list(client.get(reverse("inbox")).context["page"]) == [mine]
