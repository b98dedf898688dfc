"""Someone on the staff of several schools chooses which one their pages are about."""

import pytest
from django.urls import reverse

from partnerships.models import Staff
from partnerships.roles import CHOSEN_SCHOOL, roles_of
from partnerships.setup import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools(world):
    """The leader also teaches at the other school."""
    factories.StaffFactory(school=world.other_school, user=world.leader)
    return world


def test_the_switcher_shows_only_for_people_with_two_schools(client, two_schools):
    """A leader who also teaches elsewhere sees the switcher; a teacher of one school does not."""
    world = two_schools
    client.force_login(world.leader)
    page = client.get(reverse("home")).content.decode()
    assert reverse("school_switch") in page
    assert world.other_school.name in page
    client.force_login(world.teacher)
    assert reverse("school_switch") not in client.get(reverse("home")).content.decode()


def test_switching_makes_the_pages_about_the_chosen_school(client, two_schools):
    """After choosing the other school, the week's updates page is about it, not ours."""
    world = two_schools
    client.force_login(world.leader)
    assert client.get(reverse("weekly_update_week")).context["school"] == world.school
    response = client.post(reverse("school_switch"), {"school": world.other_school.pk}, follow=True)
    assert f"You are now working in {world.other_school.name}" in response.content.decode()
    assert client.session[CHOSEN_SCHOOL] == world.other_school.pk
    assert client.get(reverse("weekly_update_week")).context["school"] == world.other_school
    # Still the leader of the first school only: its leader pages stay about it.
    assert client.get(reverse("school_staff")).context["school"] == world.school


def test_a_school_not_theirs_is_refused_with_a_message(client, two_schools):
    """A forged or stale school id is a message and no change, never an error page."""
    world = two_schools
    third = factories.SchoolFactory()
    client.force_login(world.teacher)
    for forged in (third.pk, "abc", "", "9" * 30):
        response = client.post(reverse("school_switch"), {"school": forged}, follow=True)
        assert response.status_code == 200
        assert "not one you work in" in response.content.decode()
    assert CHOSEN_SCHOOL not in client.session


def test_whanau_have_no_switcher(client, world):
    """For whānau and students the switch is no page at all."""
    for person in (world.whanau, world.student_user):
        client.force_login(person)
        response = client.post(reverse("school_switch"), {"school": world.school.pk})
        assert response.status_code == 404


def test_a_chosen_school_they_left_falls_back_to_the_first(two_schools):
    """Once they leave the chosen school, their pages are about the school they still work in."""
    world = two_schools
    roles = roles_of(world.leader, world.other_school.pk)
    assert roles.staff_school == world.other_school
    assert roles.led_school == world.school  # they lead only the first
    assert roles.timezone == world.other_school.timezone
    services.staff_leave(
        staff=Staff.everyone.get(user=world.leader, school=world.other_school),
        by=world.other_school_leader,
    )
    roles = roles_of(world.leader, world.other_school.pk)
    assert roles.staff_school == world.school
    assert roles.staff_school_ids == {world.school.pk}


def test_roles_still_take_two_queries_with_a_choice(two_schools, django_assert_num_queries):
    """Choosing a school costs no query: the choice comes from the session."""
    with django_assert_num_queries(2):
        roles = roles_of(two_schools.leader, two_schools.other_school.pk)
    assert roles.staff_school == two_schools.other_school
    # The scopes still see both schools.
    assert roles.staff_school_ids == {two_schools.school.pk, two_schools.other_school.pk}


def test_a_leader_of_two_schools_sets_up_the_chosen_one(client, world):
    """A leader of both schools switches, and the settings page is about the other school."""
    factories.LeaderFactory(school=world.other_school, user=world.leader)
    client.force_login(world.leader)
    assert client.get(reverse("school_settings")).context["school"] == world.school
    client.post(reverse("school_switch"), {"school": world.other_school.pk})
    assert client.get(reverse("school_settings")).context["school"] == world.other_school
