"""Goals written together: proposing, agreeing, next steps, activities and evidence."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learners.models import Evidence, Goal, GoalAgreement, LearningArea, NextStep
from partnerships.models import AuditEvent, Voice
from tests import factories
from tests.factories import PNG

pytestmark = pytest.mark.django_db


def _goal_data(world, **overrides):
    area = LearningArea.objects.get(school=world.school, name="Mathematics and statistics")
    return {
        "title": "Know my times tables to 10",
        "success_criteria": "I can answer them at dinner without counting on my fingers.",
        "learning_area": area.pk,
        "dispositions": [world.school.dispositions.first().pk],
        "target_date": "2026-12-10",
    } | overrides


def test_new_school_has_default_areas_and_dispositions(world):
    """A school starts with the NZ curriculum learning areas and three dispositions."""
    areas = set(world.school.learning_areas.values_list("name", flat=True))
    assert {"English", "Mathematics and statistics", "Te reo Māori"} <= areas
    assert list(world.school.dispositions.values_list("name", flat=True)) == [
        "Resilient",
        "Resourceful",
        "Responsive",
    ]


def test_whanau_propose_a_goal_with_provenance(client, world):
    """A goal proposed by whānau says so, and shows the student and teacher have not agreed yet."""
    client.force_login(world.whanau)
    response = client.post(reverse("goal_create", args=[world.student.pk]), _goal_data(world))
    goal = Goal.objects.get(title="Know my times tables to 10")
    assert response.url == reverse("goal_detail", args=[goal.pk])
    assert goal.proposed_by == world.whanau
    assert goal.proposed_by_voice == Voice.WHANAU
    page = client.get(response.url).content.decode()
    assert "Whānau agreed" in page
    assert "Student: not yet agreed" in page
    assert "Teacher: not yet agreed" in page


def test_student_agrees_once(client, world):
    """Agreeing marks the student's agreement; agreeing again changes nothing."""
    client.force_login(world.student_user)
    url = reverse("goal_agree", args=[world.goal.pk])
    client.post(url)
    client.post(url)
    assert GoalAgreement.objects.filter(goal=world.goal, voice=Voice.STUDENT).count() == 1
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert "Student agreed" in page
    assert "I agree to this goal" not in page


def test_changing_the_wording_asks_everyone_again(client, world):
    """When a teacher rewords a goal, earlier agreements are cleared; the history says so."""
    GoalAgreement.objects.create(goal=world.goal, user=world.whanau, voice=Voice.WHANAU)
    client.force_login(world.teacher)
    data = _goal_data(world, title="Read chapter books to my whānau", status="active")
    client.post(reverse("goal_edit", args=[world.goal.pk]), data)
    world.goal.refresh_from_db()
    assert world.goal.title == "Read chapter books to my whānau"
    assert list(world.goal.agreements.values_list("voice", flat=True)) == [Voice.TEACHER]
    history = client.get(reverse("goal_history", args=[world.goal.pk])).content.decode()
    assert "agreement asked for again" in history


def test_learning_area_of_another_school_is_refused(client, world):
    """A forged learning-area id from another school is a field error; nothing is saved."""
    foreign = LearningArea.objects.filter(school=world.other_school).first()
    client.force_login(world.whanau)
    response = client.post(
        reverse("goal_create", args=[world.student.pk]), _goal_data(world, learning_area=foreign.pk)
    )
    assert "learning_area" in response.context["form"].errors
    assert not Goal.objects.filter(title="Know my times tables to 10").exists()


def test_whanau_edit_the_goals_they_proposed(client, world):
    """The proposer may edit their own goal, but not the status (that is the school's)."""
    goal = factories.GoalFactory(
        student=world.student, proposed_by=world.whanau, proposed_by_voice=Voice.WHANAU
    )
    client.force_login(world.whanau)
    response = client.get(reverse("goal_edit", args=[goal.pk]))
    assert response.status_code == 200
    assert "status" not in response.context["form"].fields


def test_goal_list_puts_active_goals_first(client, world):
    """Active goals come first, achieved after, set aside last."""
    factories.GoalFactory(student=world.student, title="Old achieved", status="achieved")
    factories.GoalFactory(student=world.student, title="Set aside one", status="set_aside")
    factories.GoalFactory(student=world.student, title="New active")
    client.force_login(world.whanau)
    response = client.get(reverse("goal_list", args=[world.student.pk]))
    titles = [goal.title for goal in response.context["goals"]]
    assert titles[-2:] == ["Old achieved", "Set aside one"]
    assert set(titles[:2]) == {"New active", world.goal.title}


def test_next_steps_are_added_ordered_and_ticked(client, world):
    """A teacher adds steps and reorders them; whānau tick a home step done in place."""
    client.force_login(world.teacher)
    url = reverse("next_step_create", args=[world.goal.pk])
    client.post(url, {"text": "Practise the 7s", "where": "home", "taken_by": "whanau"})
    client.post(url, {"text": "Play times-table snap", "where": "both", "taken_by": "student"})
    second = NextStep.objects.get(text="Play times-table snap")
    client.post(reverse("next_step_move", args=[second.pk]), {"direction": "up"})
    assert list(world.goal.next_steps.values_list("text", flat=True)) == [
        "Play times-table snap",
        "Practise the 7s",
    ]
    client.force_login(world.whanau)
    response = client.post(
        reverse("next_step_done", args=[second.pk]), {"done": "1"}, headers={"HX-Request": "true"}
    )
    assert 'id="step-' in response.content.decode()
    assert "<html" not in response.content.decode()
    second.refresh_from_db()
    assert second.is_done


def test_whanau_cannot_add_next_steps(client, world):
    """Adding a next step is the school's part: a whānau post is a 404 and adds nothing."""
    client.force_login(world.whanau)
    response = client.post(
        reverse("next_step_create", args=[world.goal.pk]),
        {"text": "x", "where": "home", "taken_by": "whanau"},
    )
    assert response.status_code == 404
    assert not NextStep.objects.exists()


def test_home_activity_shows_on_the_goal(client, world):
    """An activity for home is shown under its next step for the family."""
    step = factories.NextStepFactory(goal=world.goal)
    client.force_login(world.teacher)
    client.post(
        reverse("next_step_edit", args=[step.pk]),
        {"form": "activity", "activity-title": "Snap", "activity-instructions": "Deal the cards."},
    )
    client.force_login(world.whanau)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert "Snap" in page
    assert "Deal the cards." in page


def test_photo_evidence_is_served_only_through_the_access_rules(client, world):
    """A photo added by whānau is served to the teacher, never to another family."""
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("kai.png", PNG, content_type="image/png")
    client.post(
        reverse("evidence_add", args=[world.goal.pk]), {"note": "Baking at home", "file": upload}
    )
    evidence = Evidence.objects.get()
    assert evidence.kind == Evidence.Kind.PHOTO
    assert evidence.voice == Voice.WHANAU
    assert "kai" not in evidence.file.name  # stored under a random name
    client.force_login(world.teacher)
    response = client.get(reverse("evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(world.other_whanau)
    assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 404


def test_wrong_file_type_is_refused(client, world):
    """A file that is not really a photo or PDF is refused, whatever its name says."""
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("photo.jpg", b"#!/bin/sh\necho hi\n", content_type="image/jpeg")
    response = client.post(
        reverse("evidence_add", args=[world.goal.pk]), {"file": upload}, follow=True
    )
    assert "Only photos" in response.content.decode()
    assert not Evidence.objects.exists()


def test_too_big_file_is_refused(client, world, settings):
    """A file over the limit is refused with its size and the limit."""
    settings.EVIDENCE_MAX_BYTES = 50
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("big.png", PNG + b"\0" * 100, content_type="image/png")
    response = client.post(
        reverse("evidence_add", args=[world.goal.pk]), {"file": upload}, follow=True
    )
    assert "the limit is" in response.content.decode()
    assert not Evidence.objects.exists()


def test_empty_evidence_is_refused(client, world):
    """Neither a note nor a file: a clear message, nothing saved."""
    client.force_login(world.student_user)
    response = client.post(reverse("evidence_add", args=[world.goal.pk]), {}, follow=True)
    assert "Add a note, a photo or a PDF." in response.content.decode()
    assert not Evidence.objects.exists()


def test_goal_views_are_audited(client, world):
    """Opening a goal is recorded in the student's audit trail."""
    client.force_login(world.whanau)
    client.get(reverse("goal_detail", args=[world.goal.pk]))
    assert AuditEvent.objects.filter(
        actor=world.whanau, object_type="learners.goal", action=AuditEvent.Action.VIEWED
    ).exists()


def test_photo_location_data_is_removed(client, world):
    """A photo's EXIF data (such as where it was taken) is stripped before it is kept."""
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make; GPS lives in the same block
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    client.post(reverse("evidence_add", args=[world.goal.pk]), {"file": upload})
    stored = Evidence.objects.get().file.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"PhoneMaker" not in stored


def test_broken_photo_is_refused(client, world):
    """A file that starts like a photo but isn't one gets a clear message."""
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("p.png", PNG[:20] + b"broken", content_type="image/png")
    response = client.post(
        reverse("evidence_add", args=[world.goal.pk]), {"file": upload}, follow=True
    )
    assert "couldn’t read that photo" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_refused_file_keeps_the_note_that_was_typed(client, world):
    """After a refused file, the page shows the error and the note as it was typed."""
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")
    response = client.post(
        reverse("evidence_add", args=[world.goal.pk]),
        {"note": "She baked scones and measured everything herself.", "file": upload},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Only photos" in content
    assert "She baked scones and measured everything herself." in content
