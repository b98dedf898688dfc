"""Edges the matrix's one-object-per-URL rows do not reach: ids that are not the world's,
pairs of ids that do not belong together, another school's own lists, objects in a state
that hides them (a hidden comment, an update not yet home), and a second household."""

import pytest
from django.urls import reverse

from conversations.models import Booking
from tests import factories
from tests.access.objects import Things
from tests.access.rows_learners import STEP
from tests.access.snapshot import fingerprint


@pytest.mark.parametrize("page", ["school_students", "school_whanau", "school_staff", "home"])
def test_another_school_sees_none_of_ours(client, world, page):
    """A leader of another school sees no name from ours on their own lists."""
    client.force_login(world.other_school_leader)
    content = client.get(reverse(page)).content.decode()
    assert world.student.last_name not in content
    assert world.link.whanau.name not in content
    assert world.school.name not in content


@pytest.mark.parametrize(
    "name", ["student_detail", "student_edit", "student_card", "student_whanau", "student_history"]
)
def test_unknown_student_is_not_found(client, world, name):
    """An id that matches no student is a 404, like one the leader may not see."""
    client.force_login(world.leader)
    assert client.get(reverse(name, args=[999_999])).status_code == 404


def test_link_of_another_student_is_not_found(client, world):
    """A whānau link id paired with the wrong student's id is a 404."""
    client.force_login(world.leader)
    url = reverse("whanau_link_edit", args=[world.classmate.pk, world.link.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["leader", "teacher"])
def test_step_for_another_students_goal_is_not_found(client, world, role):
    """A conversation's step goes on that student's goal: a classmate's goal is a 404, even
    for staff who manage both, and nothing is written."""
    conversation = Things(world).conversation
    classmates_goal = factories.GoalFactory(student=world.classmate)
    client.force_login(getattr(world, role))
    before = fingerprint()
    url = reverse("conversation_step_create", args=[conversation.pk, classmates_goal.pk])
    assert client.post(url, STEP).status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("role", "status"), [("whanau", 404), ("student_user", 200), ("teacher", 200)]
)
def test_an_update_reaches_whanau_only_once_it_has_gone_home(client, world, role, status):
    """Written and waiting for approval: the student and staff see it, whānau not yet."""
    update = Things(world).submitted_update
    client.force_login(getattr(world, role))
    assert client.get(reverse("weekly_update_detail", args=[update.pk])).status_code == status


@pytest.mark.parametrize(
    ("role", "sees"), [("whanau", False), ("student_user", False), ("teacher", True)]
)
def test_a_hidden_comment_is_for_the_students_staff_only(client, world, role, sees):
    """Once a teacher hides a comment, whānau and the student no longer read it."""
    comment = Things(world).whanau_comment
    client.force_login(world.teacher)
    hide = client.post(reverse("comment_hide", args=[comment.pk]), {"reason": "Names a child"})
    assert hide.status_code == 302
    client.force_login(getattr(world, role))
    content = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert (comment.body in content) == sees


def test_households_do_not_see_each_others_bookings(client, world):
    """Separated parents each book: neither sees nor cancels the other household's booking."""
    things = Things(world)
    other_household = factories.WhanauLinkFactory(student=world.student).whanau
    booking = Booking.objects.create(
        slot=things.slot, student=world.student, whanau=other_household
    )
    client.force_login(world.whanau)
    before = fingerprint()
    assert client.get(reverse("booking_detail", args=[booking.pk])).status_code == 404
    assert client.post(reverse("booking_cancel", args=[booking.pk])).status_code == 404
    assert fingerprint() == before
    client.force_login(world.teacher)
    assert client.get(reverse("booking_detail", args=[booking.pk])).status_code == 200
