"""Student profiles: who sees them, who may change them, and the audit trail of both."""

import pytest
from django.urls import reverse

from partnerships.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _profile_data(student, **overrides):
    return {
        "first_name": student.first_name,
        "last_name": student.last_name,
        "preferred_name": "",
        "year_level": student.year_level,
        "classroom": student.classroom_id,
        "start_date": "2026-02-02",
        "strengths": "Loves building with blocks",
        "interests": "Rugby league, drawing",
        "languages": "English, te reo Māori",
    } | overrides


def test_teacher_updates_the_learner_profile(client, world):
    """Saving the profile shows it on the student's page and records what changed."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("student_edit", args=[world.student.pk]), _profile_data(world.student)
    )
    assert response.status_code == 302
    page = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert "Loves building with blocks" in page
    event = AuditEvent.objects.get(student=world.student, action=AuditEvent.Action.CHANGED)
    assert event.actor == world.teacher
    assert "strengths" in event.summary.lower()


def test_class_from_another_school_is_refused(client, world):
    """A forged class id from another school is a field error and nothing is saved."""
    foreign = factories.ClassroomFactory(school=world.other_school)
    client.force_login(world.leader)
    response = client.post(
        reverse("student_edit", args=[world.student.pk]),
        _profile_data(world.student, classroom=foreign.pk),
    )
    assert response.status_code == 200
    assert "classroom" in response.context["form"].errors
    world.student.refresh_from_db()
    assert world.student.classroom == world.classroom
    assert world.student.strengths == ""


def test_empty_name_is_a_field_error(client, world):
    """Required fields are explained and nothing changes."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("student_edit", args=[world.student.pk]),
        _profile_data(world.student, first_name=""),
    )
    assert "first_name" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CHANGED).exists()


def test_viewing_a_student_is_audited_and_leaders_see_it(client, world):
    """Each view of the record is written down; the leader's history page lists it."""
    client.force_login(world.whanau)
    client.get(reverse("student_detail", args=[world.student.pk]))
    client.force_login(world.leader)
    content = client.get(reverse("student_history", args=[world.student.pk])).content.decode()
    assert world.whanau.name in content
    assert "Viewed" in content


def test_whanau_sees_profile_but_not_other_whanau(client, world):
    """Whānau see their child's profile, never the names of the child's other whānau."""
    client.force_login(world.whanau)
    content = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert world.student.last_name in content
    no_access_member = world.no_access_whanau.whanau_memberships.get()
    assert no_access_member.name not in content
    assert "Edit profile" not in content


def test_teacher_sees_no_access_flag(client, world):
    """Staff see plainly which whānau have no access / no contact."""
    client.force_login(world.teacher)
    content = client.get(reverse("student_detail", args=[world.student.pk])).content.decode()
    assert "No access / no contact" in content


def test_class_page_lists_only_that_class(client, world):
    """The class list shows its own students and none from another class."""
    client.force_login(world.teacher)
    content = client.get(reverse("class_detail", args=[world.classroom.pk])).content.decode()
    assert world.classmate.last_name in content
    assert world.other_student.last_name not in content


def test_student_search_finds_by_name(client, world):
    """The student list filters by name, and htmx gets just the results."""
    client.force_login(world.leader)
    url = reverse("school_students")
    response = client.get(url, {"q": world.other_student.last_name})
    assert world.other_student.last_name in response.content.decode()
    response = client.get(url, {"q": world.other_student.last_name}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content


def test_teacher_student_list_is_their_students_only(client, world):
    """A teacher's student list holds only the students they teach."""
    client.force_login(world.teacher)
    content = client.get(reverse("school_students")).content.decode()
    assert world.classmate.last_name in content
    assert world.other_student.last_name not in content
