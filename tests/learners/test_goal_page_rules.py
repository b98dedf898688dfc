"""The goal page asks who may see a goal and its comments of one student's relation, not of
the scopes: it must answer exactly as the scopes do, for everyone."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from learners.access import (
    comments_on_goal_seen_by,
    comments_visible_to,
    goal_seen_by,
    goals_visible_to,
)
from learners.models import Goal
from partnerships.access import relation_to
from partnerships.models import Staff
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE = [
    "leader",
    "teacher",
    "other_teacher",
    "student_user",
    "whanau",
    "no_access_whanau",
    "other_whanau",
    "other_school_leader",
]


def _goals(world) -> list[Goal]:
    """A goal of the student, their classmate, a student of another class and of another
    school."""
    others = [world.classmate, world.other_student, world.other_school_student]
    return [world.goal, *(factories.GoalFactory(student=student) for student in others)]


@pytest.mark.parametrize("person", PEOPLE)
def test_a_goal_is_seen_by_whoever_the_scope_shows_it_to(world, person):
    """``goal_seen_by`` finds exactly the goals of ``goals_visible_to``, with the relation."""
    user = getattr(world, person)
    for goal in _goals(world):
        found = goal_seen_by(user, Goal.objects.all(), goal.pk)
        visible = goals_visible_to(user).filter(pk=goal.pk).exists()
        assert (found is not None) == visible, goal.student
        if found is not None:
            assert found == (goal, relation_to(user, goal.student))


def test_a_teacher_who_has_left_the_school_no_longer_sees_their_class_goals(world):
    """Still named on the class, but off the staff: neither the scope nor the page shows it."""
    Staff.objects.filter(user=world.teacher).delete()
    assert not goals_visible_to(world.teacher).filter(pk=world.goal.pk).exists()
    assert goal_seen_by(world.teacher, Goal.objects.all(), world.goal.pk) is None


def test_nobody_signed_in_sees_no_goal(world):
    """Signed out, there is no goal to find."""
    assert goal_seen_by(AnonymousUser(), Goal.objects.all(), world.goal.pk) is None


def test_a_goal_that_is_not_there_is_none(world):
    """A goal id that does not exist is simply not found."""
    assert goal_seen_by(world.leader, Goal.objects.all(), 0) is None


@pytest.mark.parametrize("person", ["leader", "teacher", "student_user", "whanau"])
def test_a_goals_comments_are_those_the_scope_shows(world, person):
    """Hidden comments only to the student's leaders and teachers, as ``comments_visible_to``."""
    shown = factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    factories.GoalCommentFactory(
        goal=world.goal, author=world.whanau, hidden_at=timezone.now(), hidden_by=world.teacher
    )
    factories.GoalCommentFactory(goal=factories.GoalFactory(student=world.student))
    user = getattr(world, person)
    goal, relation = goal_seen_by(user, Goal.objects.all(), world.goal.pk)
    expected = set(comments_visible_to(user).filter(goal=goal))
    assert set(comments_on_goal_seen_by(goal, relation)) == expected
    assert shown in expected


def test_the_goal_page_is_not_found_by_those_who_may_not_see_it(client, world):
    """Another class's teacher and another school's leader get a 404, and nothing is audited."""
    for user in (world.other_teacher, world.other_school_leader, world.no_access_whanau):
        client.force_login(user)
        assert client.get(reverse("goal_detail", args=[world.goal.pk])).status_code == 404
    assert not world.student.audit_events.exists()


def test_the_next_step_form_offers_its_choices_with_the_defaults_chosen(client, world):
    """A teacher's form, written by hand: each field named for the form, the defaults chosen."""
    client.force_login(world.teacher)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert '<input type="text" name="text" id="id_text" maxlength="300"' in page
    assert '<option value="school" selected>At school</option>' in page
    assert '<option value="student" selected>Student</option>' in page
    assert '<option value="both">At school and at home</option>' in page
    response = client.post(
        reverse("next_step_create", args=[world.goal.pk]),
        {"text": "Practise the 7s", "where": "both", "taken_by": "whanau"},
    )
    assert response.status_code == 302
    step = world.goal.next_steps.get()
    assert (step.text, step.where, step.taken_by) == ("Practise the 7s", "both", "whanau")


def test_the_evidence_form_says_what_it_takes(client, world):
    """The file field names what it accepts and its help text describes it."""
    client.force_login(world.whanau)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert 'accept="image/*,application/pdf"' in page
    assert 'aria-describedby="id_file_helptext"' in page
    assert "A photo (JPEG, PNG, GIF or WebP) or a PDF, up to 10 MB." in page
