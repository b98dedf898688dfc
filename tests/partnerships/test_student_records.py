"""A student's record: changing class and supporting teachers moves who may see them, and
each change is audited by name."""

import pytest
from django.urls import reverse

from partnerships import services
from partnerships.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _form_data(student, **overrides):
    """The student form as it arrives when saved without changes."""
    data = {
        "first_name": student.first_name,
        "last_name": student.last_name,
        "preferred_name": student.preferred_name,
        "year_level": student.year_level,
        "classroom": student.classroom_id or "",
        "start_date": student.start_date.isoformat(),
        "assigned_teachers": list(student.assigned_teachers.values_list("pk", flat=True)),
        **{name: getattr(student, name) for name in student.PROFILE_FIELDS},
    }
    if student.is_priority_learner:
        data["is_priority_learner"] = "on"
    return data | overrides


def _changes(student):
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.CHANGED, object_type="partnerships.student", student=student
        ).values_list("summary", flat=True)
    )


def _sees(client, person, student) -> bool:
    client.force_login(person)
    return client.get(reverse("student_detail", args=[student.pk])).status_code == 200


def test_a_mentor_assigned_to_a_student_can_then_see_them(client, world):
    """Adding a teacher outside the class lets them see the student, and it is audited."""
    assert not _sees(client, world.other_teacher, world.student)
    client.force_login(world.leader)
    response = client.post(
        reverse("student_edit", args=[world.student.pk]),
        _form_data(world.student, assigned_teachers=[world.other_teacher.pk]),
    )
    assert response.url == reverse("student_detail", args=[world.student.pk])
    assert _changes(world.student) == ["Also supported by"]
    assert _sees(client, world.other_teacher, world.student)


def test_taking_a_mentor_off_a_student_ends_their_access(client, world):
    """Once no longer assigned, the mentor gets a 404 for the student."""
    world.student.assigned_teachers.add(world.other_teacher)
    services.student_update(student=world.student, by=world.leader, data={"assigned_teachers": []})
    assert not _sees(client, world.other_teacher, world.student)
    assert _changes(world.student) == ["Also supported by"]


def test_moving_a_student_to_another_class_moves_who_teaches_them(client, world):
    """After a class change the new class's teacher sees the student and the old one doesn't."""
    new_class = world.other_student.classroom
    client.force_login(world.leader)
    client.post(
        reverse("student_edit", args=[world.student.pk]),
        _form_data(world.student, classroom=new_class.pk, is_priority_learner="on"),
    )
    assert _changes(world.student) == ["Class, Priority learner"]
    assert _sees(client, world.other_teacher, world.student)
    assert not _sees(client, world.teacher, world.student)


def test_a_teacher_of_another_school_cannot_be_assigned(client, world):
    """A forged staff id from another school is a field error and nobody is assigned."""
    client.force_login(world.leader)
    response = client.post(
        reverse("student_edit", args=[world.student.pk]),
        _form_data(world.student, assigned_teachers=[world.other_school_leader.pk]),
    )
    assert response.status_code == 200
    assert "assigned_teachers" in response.context["form"].errors
    assert not world.student.assigned_teachers.exists()


def test_saving_a_record_unchanged_is_not_audited(client, world):
    """Saving the form as it is writes no change to the audit trail."""
    client.force_login(world.teacher)
    response = client.post(
        reverse("student_edit", args=[world.student.pk]), _form_data(world.student)
    )
    assert response.status_code == 302
    assert _changes(world.student) == []


def test_the_edit_page_is_filled_in_with_the_record(client, world):
    """The edit page holds the student's profile as it is, ready to change."""
    world.student.aspirations = "To be a marine biologist"
    world.student.save()
    client.force_login(world.teacher)
    response = client.get(reverse("student_edit", args=[world.student.pk]))
    assert "To be a marine biologist" in response.content.decode()


@pytest.mark.parametrize("person", ["whanau", "student_user", "other_teacher"])
def test_only_the_students_teachers_and_leaders_edit_the_record(client, world, person):
    """Whānau, the student and another class's teacher get a 404 and change nothing."""
    client.force_login(getattr(world, person))
    url = reverse("student_edit", args=[world.student.pk])
    assert client.get(url).status_code == 404
    client.post(url, _form_data(world.student, strengths="Rewritten"))
    world.student.refresh_from_db()
    assert world.student.strengths == ""


def test_the_service_refuses_fields_it_may_not_change(world):
    """Changing the school or the sign-in through the service is refused outright."""
    with pytest.raises(TypeError, match="school"):
        services.student_update(
            student=world.student, by=world.leader, data={"school": world.other_school}
        )
    world.student.refresh_from_db()
    assert world.student.school == world.school


def test_a_teacher_cannot_read_the_records_history(client, world):
    """Who viewed and changed a record is for leaders: a teacher gets a 404."""
    client.force_login(world.teacher)
    assert client.get(reverse("student_history", args=[world.student.pk])).status_code == 404


def test_the_history_shows_what_changed(client, world):
    """The leader's history of the record names the parts that changed and who changed them."""
    services.student_update(
        student=world.student, by=world.teacher, data={"needs": "Glasses for reading"}
    )
    client.force_login(world.leader)
    page = client.get(reverse("student_history", args=[world.student.pk])).content.decode()
    assert "Needs" in page
    assert world.teacher.name in page


def test_a_class_list_counts_only_whanau_with_access(client, world):
    """The class page counts each student's whānau who have access, not the “no access” ones."""
    factories.WhanauLinkFactory(student=world.classmate)
    client.force_login(world.teacher)
    response = client.get(reverse("class_detail", args=[world.classroom.pk]))
    counts = {s.pk: s.whanau_count for s in response.context["students"]}
    assert counts == {world.student.pk: 1, world.classmate.pk: 1}
