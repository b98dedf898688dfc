"""Reached is not the same as taking part: a family who opens what the school sends is no
longer "not reached", but their engagement and voice stay as they were; a reply moves both."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations.models import UpdateDelivery, UpdateReply, WeeklyUpdate
from learners.models import GoalComment
from partnerships.models import Notice, Term, Voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def term(world):
    today = timezone.localdate()
    return Term.objects.create(
        school=world.school,
        name="Term 4",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )


def _update(world, *, read_days_ago=None):
    """This week's update, sent to the world's whānau member (opened that many days ago)."""
    now = timezone.now()
    update = WeeklyUpdate.objects.create(
        student=world.student,
        week=world.school.week_of(now),
        learned="Volcanoes",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=now,
        queued_at=now,
    )
    UpdateDelivery.objects.create(
        update=update,
        whanau=world.link.whanau,
        status=UpdateDelivery.Status.SENT,
        sent_at=now,
        read_at=None if read_days_ago is None else now - datetime.timedelta(days=read_days_ago),
    )
    return update


def _notice(world, *, whanau=None, user=None, read_days_ago=1):
    return Notice.objects.create(
        kind="update_answered",
        key=f"test:{whanau or user}",
        school=world.school,
        student=world.student,
        whanau=whanau,
        user=user,
        url="/",
        read_at=timezone.now() - datetime.timedelta(days=read_days_ago),
    )


def _listed(client, key: str) -> list[str]:
    response = client.get(reverse("dashboard_students"), {"figure": key})
    assert response.status_code == 200
    return [student.last_name for student in response.context["page"]]


def _figures(client, **params) -> dict:
    response = client.get(reverse("dashboard"), params)
    return {figure.key: figure for figure in response.context["figures"]}


def test_opening_an_update_counts_as_reached_not_as_taking_part(client, world, term):
    """The family who opened this week's update leaves “not reached”; it isn't “took part”."""
    client.force_login(world.teacher)
    assert world.student.last_name in _listed(client, "not_reached")
    _update(world, read_days_ago=1)
    assert world.student.last_name not in _listed(client, "not_reached")
    assert world.classmate.last_name in _listed(client, "not_reached")
    assert world.student.last_name not in _listed(client, "engaged")
    assert world.student.last_name in _listed(client, "not_engaged")


def test_an_update_sent_but_not_opened_does_not_reach_them(client, world, term):
    """Sending is telling: until the family opens it, they are still not reached."""
    _update(world)
    client.force_login(world.teacher)
    assert world.student.last_name in _listed(client, "not_reached")


def test_opening_a_notice_counts_as_reached(client, world, term):
    """A whānau member who opened a notice about the student has been reached."""
    _notice(world, whanau=world.link.whanau)
    client.force_login(world.teacher)
    assert world.student.last_name not in _listed(client, "not_reached")


def test_the_students_own_notice_does_not_reach_the_family(client, world, term):
    """A notice the student opened themself says nothing about their whānau."""
    _notice(world, user=world.student_user)
    client.force_login(world.teacher)
    assert world.student.last_name in _listed(client, "not_reached")


def test_opening_long_ago_does_not_count(client, world, term):
    """Opened before the not-reached weeks began: not reached now."""
    _update(world, read_days_ago=40)
    _notice(world, whanau=world.link.whanau, read_days_ago=40)
    client.force_login(world.teacher)
    assert world.student.last_name in _listed(client, "not_reached")


def test_the_not_reached_list_is_still_one_query(client, world, term):
    """Whether a family took part or opened something is asked in the list's own query."""
    _update(world, read_days_ago=1)
    client.force_login(world.teacher)
    client.get(reverse("dashboard_students"), {"figure": "not_reached"})  # warm the session
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard_students"), {"figure": "not_reached"})
    lists = [q["sql"] for q in queries if "conversations_updatedelivery" in q["sql"]]
    assert len(lists) == 2  # the page's count and its rows: each one query, opened included
    assert all("partnerships_notice" in sql for sql in lists)


def test_a_whanau_reply_moves_the_voice_balance(client, world, term):
    """A whānau reply to an update counts as whānau voice; opening the update does not."""
    update = _update(world, read_days_ago=1)
    for body in ("One", "Two", "Three"):
        GoalComment.objects.create(goal=world.goal, voice=Voice.TEACHER, body=body)
    client.force_login(world.leader)
    assert _figures(client)["voice"].headline == "0%"
    UpdateReply.objects.create(
        update=update, author=world.whanau, voice=Voice.WHANAU, body="Ka rawe!"
    )
    figure = _figures(client)["voice"]
    rows = {row[0].text: [cell.text for cell in row[1:]] for row in figure.tables[0].rows}
    # Staff: three comments and the goal the teacher proposed; whānau: the reply.
    assert rows[world.classroom.name] == ["1", "0", "4", "20%"]
    assert figure.headline == "20%"
