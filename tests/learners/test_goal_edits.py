"""Changing a goal and its next steps: status, wording, dispositions, order, done, and the
home-learning activities, each in the goal's history."""

import datetime

import pytest
from django.urls import reverse

from learners import services
from learners.models import Goal, GoalAgreement, HomeActivity, NextStep
from partnerships.models import AuditEvent, Voice
from tests import factories

pytestmark = pytest.mark.django_db


def _goal_data(goal, **overrides):
    """The goal form as it arrives when saved without changes (status as staff see it)."""
    return {
        "title": goal.title,
        "success_criteria": goal.success_criteria,
        "learning_area": goal.learning_area_id or "",
        "dispositions": list(goal.dispositions.values_list("pk", flat=True)),
        "target_date": goal.target_date.isoformat() if goal.target_date else "",
        "status": goal.status,
    } | overrides


def _goal_changes(goal):
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGED, object_type="learners.goal", object_id=goal.pk
        ).values_list("summary", flat=True)
    )


def _update(goal, by, voice=Voice.TEACHER, **overrides):
    values = {
        "title": goal.title,
        "success_criteria": goal.success_criteria,
        "learning_area": goal.learning_area,
        "dispositions": list(goal.dispositions.all()),
        "target_date": goal.target_date,
    } | overrides
    return services.goal_update(goal=goal, by=by, voice=voice, **values)


def test_teacher_marks_a_goal_achieved_without_asking_again(client, world):
    """Setting the status is audited as such, and everyone's agreement stands."""
    GoalAgreement.objects.create(goal=world.goal, user=world.whanau, voice=Voice.WHANAU)
    client.force_login(world.teacher)
    response = client.post(
        reverse("goal_edit", args=[world.goal.pk]),
        _goal_data(world.goal, status=Goal.Status.ACHIEVED),
        follow=True,
    )
    assert "Goal saved." in response.content.decode()
    world.goal.refresh_from_db()
    assert world.goal.status == Goal.Status.ACHIEVED
    assert _goal_changes(world.goal) == ["Status"]
    assert world.goal.agreements.filter(user=world.whanau).exists()


def test_the_edit_page_offers_staff_the_status(client, world):
    """Staff see the goal's status to change, set to where it is now."""
    world.goal.status = Goal.Status.SET_ASIDE
    world.goal.save()
    client.force_login(world.leader)
    response = client.get(reverse("goal_edit", args=[world.goal.pk]))
    assert response.context["form"]["status"].value() == Goal.Status.SET_ASIDE


def test_a_proposer_cannot_set_the_status_by_posting_it(client, world):
    """Whānau editing their own goal can't change its status, even by adding it to the form."""
    goal = factories.GoalFactory(
        student=world.student, proposed_by=world.whanau, proposed_by_voice=Voice.WHANAU
    )
    client.force_login(world.whanau)
    client.post(
        reverse("goal_edit", args=[goal.pk]),
        _goal_data(goal, status=Goal.Status.ACHIEVED, target_date="2026-12-01"),
    )
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACTIVE
    assert goal.target_date == datetime.date(2026, 12, 1)


def test_a_student_cannot_edit_a_goal_the_teacher_proposed(client, world):
    """The student may agree to and comment on the teacher's goal, not rewrite it: a 404."""
    client.force_login(world.student_user)
    url = reverse("goal_edit", args=[world.goal.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _goal_data(world.goal, title="Something easier")).status_code == 404
    world.goal.refresh_from_db()
    assert world.goal.title != "Something easier"


def test_saving_a_goal_unchanged_writes_no_history(client, world):
    """Saving the form as it is changes nothing and adds nothing to the goal's history."""
    client.force_login(world.teacher)
    response = client.post(reverse("goal_edit", args=[world.goal.pk]), _goal_data(world.goal))
    assert response.status_code == 302
    assert _goal_changes(world.goal) == []


def test_changing_dispositions_and_date_is_recorded_without_asking_again(world):
    """Dispositions and a target date are details: recorded, but agreements stand."""
    GoalAgreement.objects.create(goal=world.goal, user=world.whanau, voice=Voice.WHANAU)
    resilient = world.school.dispositions.get(name="Resilient")
    goal = _update(
        world.goal, world.teacher, dispositions=[resilient], target_date=datetime.date(2026, 9, 1)
    )
    assert list(goal.dispositions.all()) == [resilient]
    assert _goal_changes(goal) == ["Target date, Dispositions it builds"]
    assert goal.agreements.filter(user=world.whanau).exists()


def test_rewording_keeps_the_editors_own_agreement(world):
    """The person who rewords a goal has agreed to the new words; the others are asked."""
    GoalAgreement.objects.create(goal=world.goal, user=world.whanau, voice=Voice.WHANAU)
    GoalAgreement.objects.create(goal=world.goal, user=world.student_user, voice=Voice.STUDENT)
    goal = _update(
        world.goal, world.whanau, voice=Voice.WHANAU, success_criteria="She reads every night."
    )
    assert list(goal.agreements.values_list("user", flat=True)) == [world.whanau.pk]
    assert _goal_changes(goal) == ["What success looks like (agreement asked for again)"]


# Next steps -------------------------------------------------------------------------


@pytest.fixture
def steps(world):
    return [
        factories.NextStepFactory(goal=world.goal, text=text, position=i)
        for i, text in enumerate(["Read to Nana", "Library on Saturday", "Choose a new series"])
    ]


def _texts(goal):
    return list(goal.next_steps.values_list("text", flat=True))


def test_a_next_step_needs_words(client, world):
    """A next step with no text is explained and nothing is added."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("next_step_create", args=[world.goal.pk]),
        {"text": "", "where": "home", "taken_by": "whanau"},
        follow=True,
    )
    assert "The next step needs a few words saying what it is." in response.content.decode()
    assert not NextStep.objects.exists()


def test_editing_a_next_step_is_in_the_goals_history(client, world, steps):
    """Changing a step's words and where it happens is saved and named in the history."""
    client.force_login(world.teacher)
    url = reverse("next_step_edit", args=[steps[0].pk])
    assert client.get(url).context["form"]["text"].value() == "Read to Nana"
    response = client.post(
        url, {"form": "step", "text": "Read to Koro", "where": "both", "taken_by": "student"}
    )
    assert response.url == steps[0].get_absolute_url()
    steps[0].refresh_from_db()
    assert (steps[0].text, steps[0].where) == ("Read to Koro", "both")
    assert _goal_changes(world.goal) == ["Next step “Read to Koro”: Next step, Where"]


def test_saving_a_next_step_unchanged_adds_no_history(client, world, steps):
    """Saving a step as it is records nothing."""
    step = steps[0]
    client.force_login(world.teacher)
    client.post(
        reverse("next_step_edit", args=[step.pk]),
        {"form": "step", "text": step.text, "where": step.where, "taken_by": step.taken_by},
    )
    assert _goal_changes(world.goal) == []


def test_a_step_without_words_keeps_its_old_ones(client, world, steps):
    """Emptying a step's text is a field error; the step and the activity form are untouched."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("next_step_edit", args=[steps[0].pk]),
        {"form": "step", "text": "", "where": "home", "taken_by": "whanau"},
    )
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not response.context["activity_form"].is_bound
    steps[0].refresh_from_db()
    assert steps[0].text == "Read to Nana"


def test_a_home_activity_is_added_and_audited(client, world, steps):
    """A home-learning activity is added to the step and named in the goal's history."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("next_step_edit", args=[steps[1].pk]),
        {
            "form": "activity",
            "activity-title": "Library hunt",
            "activity-instructions": "Find three books by the same author.",
        },
        follow=True,
    )
    assert "Home-learning activity added." in response.content.decode()
    activity = HomeActivity.objects.get()
    assert activity.next_step == steps[1]
    assert activity.created_by == world.teacher
    assert _goal_changes(world.goal) == ["Home-learning activity added: Library hunt"]


def test_an_activity_without_instructions_is_explained(client, world, steps):
    """An activity needs its instructions; the step's own form is shown as it was."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("next_step_edit", args=[steps[1].pk]),
        {"form": "activity", "activity-title": "Library hunt", "activity-instructions": ""},
    )
    assert response.status_code == 200
    assert "instructions" in response.context["activity_form"].errors
    assert not response.context["form"].is_bound
    assert not HomeActivity.objects.exists()


def test_whanau_cannot_edit_a_next_step(client, world, steps):
    """Editing steps is the school's part: whānau get a 404 and nothing changes."""
    client.force_login(world.whanau)
    url = reverse("next_step_edit", args=[steps[0].pk])
    assert client.get(url).status_code == 404
    client.post(url, {"form": "step", "text": "Mine now", "where": "home", "taken_by": "whanau"})
    steps[0].refresh_from_db()
    assert steps[0].text == "Read to Nana"


def test_moving_a_step_down_and_past_the_ends(client, world, steps):
    """A step moves down one place; moving the last one further down changes nothing."""
    client.force_login(world.teacher)
    client.post(reverse("next_step_move", args=[steps[0].pk]), {"direction": "down"})
    assert _texts(world.goal) == ["Library on Saturday", "Read to Nana", "Choose a new series"]
    client.post(reverse("next_step_move", args=[steps[2].pk]), {"direction": "down"})
    client.post(reverse("next_step_move", args=[steps[1].pk]), {"direction": "up"})
    client.post(reverse("next_step_move", args=[steps[1].pk]), {"direction": "up"})
    assert _texts(world.goal) == ["Library on Saturday", "Read to Nana", "Choose a new series"]
    positions = list(world.goal.next_steps.values_list("position", flat=True))
    assert positions == [0, 1, 2]


def test_whanau_cannot_reorder_steps(client, world, steps):
    """Reordering is the school's part: whānau get a 404."""
    client.force_login(world.whanau)
    response = client.post(reverse("next_step_move", args=[steps[1].pk]), {"direction": "up"})
    assert response.status_code == 404
    assert _texts(world.goal)[0] == "Read to Nana"


def test_the_student_ticks_a_step_done_then_not_done(client, world, steps):
    """Ticking done and then undoing it is saved each time, and both are in the history."""
    client.force_login(world.student_user)
    url = reverse("next_step_done", args=[steps[0].pk])
    response = client.post(url, {"done": "1"})
    assert response.url == steps[0].get_absolute_url()
    steps[0].refresh_from_db()
    assert steps[0].is_done
    client.post(url, {"done": "0"})
    steps[0].refresh_from_db()
    assert not steps[0].is_done
    assert _goal_changes(world.goal) == [
        "Next step not done yet: Read to Nana",
        "Next step done: Read to Nana",
    ]


def test_another_family_cannot_tick_a_step(client, world, steps):
    """Whānau of another child get a 404 and the step stays as it was."""
    client.force_login(world.other_whanau)
    response = client.post(reverse("next_step_done", args=[steps[0].pk]), {"done": "1"})
    assert response.status_code == 404
    steps[0].refresh_from_db()
    assert not steps[0].is_done
