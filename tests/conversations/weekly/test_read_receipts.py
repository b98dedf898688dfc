"""Who opened the weekly update: shown to the student's staff on the week and the update's
page, and an update not yet opened waiting on the whānau member's home page."""

import datetime
import zoneinfo

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
from conversations.weekly.panels import unread_updates
from partnerships.roles import roles_of
from tests import factories

pytestmark = pytest.mark.django_db

NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
# The Monday after a Friday send at Kōwhai School.
MONDAY = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=NZ)
OPENED = datetime.datetime(2026, 11, 21, 19, 12, tzinfo=NZ)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return timezone.now()


def _sent(student, *, weeks_ago=0, to=(), opened=()):
    """The student's update of ``weeks_ago`` weeks back, sent on its Friday to ``to``."""
    week = student.school.week_of(timezone.now()) - datetime.timedelta(weeks=weeks_ago)
    friday = datetime.datetime.combine(
        week + datetime.timedelta(days=4), datetime.time(15, 0), tzinfo=NZ
    )
    sent_at = min(friday, timezone.now())  # this week's went early
    update = WeeklyUpdate.objects.create(
        student=student,
        week=week,
        learned="Tides and rock pools.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=sent_at,
        queued_at=sent_at,
    )
    for member in to:
        UpdateDelivery.objects.create(
            update=update,
            whanau=member,
            status=UpdateDelivery.Status.SENT,
            sent_at=sent_at,
            read_at=OPENED if member in opened else None,
        )
    return update


def test_the_week_page_shows_who_opened_the_update(client, world, now):
    """Beside each whānau member it went to: opened, and when, or not opened yet."""
    reader = world.link.whanau
    other = factories.WhanauLinkFactory(student=world.student).whanau
    update = _sent(world.student, weeks_ago=1, to=[reader, other], opened=[reader])
    client.force_login(world.teacher)
    page = client.get(reverse("weekly_update_week"), {"week": update.week.isoformat()})
    text = page.content.decode()
    assert f"{reader.name}:" in text
    assert "opened 21 Nov, 7:12 p.m." in text
    assert f"{other.name}:" in text
    assert "not opened yet" in text


def test_the_updates_page_shows_staff_who_it_went_to_and_who_opened_it(client, world, now):
    """The student's teacher sees each whānau member, when it was sent, and when opened."""
    reader = world.link.whanau
    other = factories.WhanauLinkFactory(student=world.student).whanau
    update = _sent(world.student, weeks_ago=1, to=[reader, other], opened=[reader])
    client.force_login(world.teacher)
    response = client.get(reverse("weekly_update_detail", args=[update.pk]))
    text = response.content.decode()
    assert "Who it went to" in text
    assert [d.whanau for d in response.context["deliveries"]] == sorted(
        [reader, other], key=lambda member: member.name
    )
    assert "21 Nov, 7:12 p.m." in text
    assert "Not yet" in text


@pytest.mark.parametrize("person", ["whanau", "student_user"])
def test_whanau_and_the_student_do_not_see_who_opened_it(client, world, now, person):
    """Who else the update went to, and who opened it, is for the student's staff."""
    other = factories.WhanauLinkFactory(student=world.student).whanau
    update = _sent(world.student, weeks_ago=1, to=[world.link.whanau, other])
    client.force_login(getattr(world, person))
    response = client.get(reverse("weekly_update_detail", args=[update.pk]))
    assert response.context["deliveries"] is None
    assert other.name not in response.content.decode()


def test_an_unread_update_waits_on_the_home_page_until_opened(client, world, now):
    """“Read …’s update” waits for the whānau member; once they open it, it is gone."""
    update = _sent(world.student, to=[world.link.whanau])
    client.force_login(world.whanau)
    sentence = f"Read {world.student.display_name}’s update for this week"
    assert sentence in client.get(reverse("home")).content.decode()
    client.get(reverse("weekly_update_detail", args=[update.pk]))
    assert sentence not in client.get(reverse("home")).content.decode()


def _waiting(user):
    request = RequestFactory().get("/")
    request.user = user
    return unread_updates(request, roles_of(user))


def test_only_recent_unread_updates_wait(world, now):
    """Updates of the last three weeks wait, oldest first; older ones and opened ones do not."""
    member = world.link.whanau
    _sent(world.student, weeks_ago=4, to=[member])
    two_weeks_ago = _sent(world.student, weeks_ago=2, to=[member])
    _sent(world.student, weeks_ago=1, to=[member], opened=[member])
    this_week = _sent(world.student, to=[member])
    name = world.student.display_name
    waiting = _waiting(world.whanau)
    assert [(item.sentence, item.url, item.action) for item in waiting] == [
        (
            f"Read {name}’s update for the week of 9 November",
            reverse("weekly_update_detail", args=[two_weeks_ago.pk]),
            "Read",
        ),
        (
            f"Read {name}’s update for this week",
            reverse("weekly_update_detail", args=[this_week.pk]),
            "Read",
        ),
    ]
    assert {item.student_id for item in waiting} == {world.student.pk}


def test_a_link_marked_no_contact_has_nothing_waiting(world, now):
    """Once “no access / no contact”, an update sent before waits no more."""
    _sent(world.student, to=[world.link.whanau])
    world.link.has_access = False
    world.link.save()
    assert not _waiting(world.whanau)


def test_staff_and_students_have_no_update_waiting(world, now):
    """The entry is for whānau: others get nothing from it."""
    assert _waiting(world.teacher) is None
    assert _waiting(world.student_user) is None


def test_what_waits_is_found_in_one_query_however_many(world, now, django_assert_num_queries):
    """One query for one child's update, and one for several children's."""
    member = world.link.whanau
    _sent(world.student, to=[member])
    roles = roles_of(world.whanau)
    request = RequestFactory().get("/")
    request.user = world.whanau
    with django_assert_num_queries(1):
        assert len(unread_updates(request, roles)) == 1
    for _ in range(3):
        sibling = factories.StudentFactory(school=world.school, classroom=world.classroom)
        factories.WhanauLinkFactory(student=sibling, whanau=member)
        _sent(sibling, to=[member])
    with django_assert_num_queries(1):
        assert len(unread_updates(request, roles)) == 4
