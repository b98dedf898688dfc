"""Who ticks a next step done: staff any step, the student their own, whānau the steps at home."""

import pytest
from django.urls import reverse

from learners import services
from learners.models import NextStep
from partnerships.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

REFUSED = "This step happens at school, so the school marks it done."


@pytest.fixture
def school_step(world):
    return factories.NextStepFactory(
        goal=world.goal, text="Play times-table bingo", where=NextStep.Where.SCHOOL
    )


@pytest.fixture
def home_step(world):
    return factories.NextStepFactory(
        goal=world.goal, text="Practise the 7s", where=NextStep.Where.HOME, taken_by="whanau"
    )


def _step_changes(world) -> int:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGED, object_type="learners.goal", object_id=world.goal.pk
    ).count()


def test_whanau_cannot_tick_a_school_step(client, world, school_step):
    """A whānau post on a step taken at school changes nothing and says why, plainly."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("next_step_done", args=[school_step.pk]), {"done": "1"}, follow=True
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    school_step.refresh_from_db()
    assert not school_step.is_done
    assert _step_changes(world) == 0


def test_whanau_cannot_tick_a_school_step_in_place(client, world, school_step):
    """With htmx the step comes back as it was, with the reason and no button."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("next_step_done", args=[school_step.pk]),
        {"done": "1"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert REFUSED in content
    assert "Mark done" not in content
    school_step.refresh_from_db()
    assert not school_step.is_done


def test_whanau_tick_a_home_step(client, world, home_step):
    """A step taken at home is the family's to tick, and the tick is in the goal's history."""
    client.force_login(world.whanau)
    response = client.post(reverse("next_step_done", args=[home_step.pk]), {"done": "1"})
    assert response.status_code == 302
    home_step.refresh_from_db()
    assert home_step.is_done
    assert _step_changes(world) == 1


def test_whanau_tick_a_step_taken_at_home_and_at_school(world):
    """A step taken in both places is the family's to tick too."""
    step = factories.NextStepFactory(goal=world.goal, where=NextStep.Where.BOTH)
    services.next_step_set_done(step=step, done=True, by=world.whanau)
    step.refresh_from_db()
    assert step.is_done


def test_the_service_refuses_whanau_on_a_school_step(world, school_step):
    """The rule holds whoever calls the service, not only the page."""
    with pytest.raises(services.NextStepNotYoursError):
        services.next_step_set_done(step=school_step, done=True, by=world.whanau)
    school_step.refresh_from_db()
    assert not school_step.is_done


def test_the_student_and_their_teacher_tick_a_school_step(client, world, school_step):
    """The student ticks their own school step done; the teacher can undo it."""
    client.force_login(world.student_user)
    client.post(reverse("next_step_done", args=[school_step.pk]), {"done": "1"})
    school_step.refresh_from_db()
    assert school_step.is_done
    client.force_login(world.teacher)
    client.post(reverse("next_step_done", args=[school_step.pk]), {"done": "0"})
    school_step.refresh_from_db()
    assert not school_step.is_done


def test_the_goal_page_offers_whanau_only_the_home_steps(client, world, school_step, home_step):
    """Whānau see a “Mark done” button on the home step only; the student sees both."""
    client.force_login(world.whanau)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert page.count("Mark done") == 1
    assert reverse("next_step_done", args=[home_step.pk]) in page
    assert reverse("next_step_done", args=[school_step.pk]) not in page
    client.force_login(world.student_user)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert page.count("Mark done") == 2
