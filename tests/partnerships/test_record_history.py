"""A leader reads who looked at a child's record and when, and who changed it; only a leader."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from learners import services as learner_services
from partnerships.models import Voice

NINE = datetime.datetime(2026, 5, 12, 9, 5, tzinfo=datetime.UTC)


def _history(client, world, **params) -> str:
    client.force_login(world.leader)
    response = client.get(reverse("student_history", args=[world.student.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def looked(client, world):
    """At nine, the teacher looked at the student's goals and sign-in card; then the whānau
    commented on the goal."""
    with time_machine.travel(NINE, tick=False):
        client.force_login(world.teacher)
        client.get(reverse("goal_list", args=[world.student.pk]))
        client.get(reverse("student_card", args=[world.student.pk]))
        learner_services.comment_post(
            goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body="Ka pai"
        )


def test_the_leader_sees_who_looked_at_what_and_when(client, world, looked):
    """The teacher's name, each page they looked at, and the time, on the history."""
    page = _history(client, world)
    assert page.count(world.teacher.name) == 2
    assert "Goals" in page
    assert "Sign-in card" in page
    when = timezone.localtime(NINE).strftime("%-d %b %Y, %-I:%M")
    assert when in page


def test_views_only_and_changes_only(client, world, looked):
    """The filter shows the looks without the changes, or the changes without the looks."""
    views = _history(client, world, show="views")
    assert "Sign-in card" in views
    assert "Commented" not in views
    changes = _history(client, world, show="changes")
    assert "Commented" in changes
    assert "Sign-in card" not in changes
    assert world.teacher.name not in changes


def test_a_filter_not_offered_shows_everything_and_says_so(client, world, looked):
    """A made-up value is refused with the form's message, not a server error."""
    page = _history(client, world, show="secrets")
    assert "Sign-in card" in page
    assert "Commented" in page
    assert "is-invalid" in page


@pytest.mark.parametrize("role", ["teacher", "whanau", "student_user", "other_school_leader"])
def test_only_a_leader_of_the_school_opens_it(client, world, looked, role):
    """Anyone else is told the page does not exist, as before."""
    client.force_login(getattr(world, role))
    url = reverse("student_history", args=[world.student.pk])
    assert client.get(url, {"show": "views"}).status_code == 404
