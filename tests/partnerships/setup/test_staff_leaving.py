"""Staff who leave: off the school's classes and students, unable to sign in if they hold no
other role, what they wrote still theirs; and restored when they come back."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from learners.models import Goal
from partnerships import access
from partnerships.models import AuditEvent, Staff, User
from partnerships.roles import roles_of
from partnerships.setup import services
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _staff(user, school) -> Staff:
    return Staff.everyone.get(user=user, school=school)


def test_a_leaver_is_off_classes_and_students_and_cannot_sign_in(world):
    """The teacher who leaves is off their class and assigned students, and is deactivated."""
    world.other_school_student.assigned_teachers.add(world.teacher)  # left alone: not ours
    world.classmate.assigned_teachers.add(world.teacher)
    assert services.staff_leave(staff=_staff(world.teacher, world.school), by=world.leader)
    assert not world.classroom.teachers.filter(pk=world.teacher.pk).exists()
    assert not world.classmate.assigned_teachers.exists()
    assert world.other_school_student.assigned_teachers.filter(pk=world.teacher.pk).exists()
    assert not User.objects.get(pk=world.teacher.pk).is_active
    assert _staff(world.teacher, world.school).left_at is not None
    assert not Staff.objects.filter(user=world.teacher).exists()
    assert not access.students_visible_to(User.objects.get(pk=world.teacher.pk)).exists()
    event = AuditEvent.objects.get(object_type="partnerships.staff", actor=world.leader)
    assert "left the staff" in event.summary
    assert "can no longer sign in" in event.summary


def test_what_a_leaver_wrote_stays_in_their_name(client, world):
    """The goal the teacher proposed and their comment still show their name to whānau."""
    factories.GoalCommentFactory(goal=world.goal, author=world.teacher, voice="teacher")
    services.staff_leave(staff=_staff(world.teacher, world.school), by=world.leader)
    assert Goal.objects.get(pk=world.goal.pk).proposed_by_id == world.teacher.pk
    client.force_login(world.whanau)
    page = client.get(reverse("goal_detail", args=[world.goal.pk])).content.decode()
    assert world.teacher.name in page


def test_a_leaver_cannot_sign_in_with_their_password(client, world):
    """After leaving, the right password no longer signs them in."""
    services.staff_leave(staff=_staff(world.teacher, world.school), by=world.leader)
    client.post(reverse("account_login"), {"login": world.teacher.email, "password": PASSWORD})
    assert client.get(reverse("school_students")).status_code == 302  # to sign in


def test_a_leavers_open_session_stops_working(client, world):
    """The session the teacher had open is signed out on their next request."""
    client.force_login(world.teacher)
    assert client.get(reverse("school_students")).status_code == 200
    services.staff_leave(staff=_staff(world.teacher, world.school), by=world.leader)
    response = client.get(reverse("school_students"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_teacher_at_two_schools_who_leaves_one_still_signs_in_to_the_other(client, world):
    """They sign in as before and see only the other school's students."""
    factories.StaffFactory(school=world.other_school, user=world.teacher)
    factories.ClassroomFactory(school=world.other_school, teachers=[world.teacher])
    services.staff_leave(staff=_staff(world.teacher, world.school), by=world.leader)
    assert User.objects.get(pk=world.teacher.pk).is_active
    response = client.post(
        reverse("account_login"), {"login": world.teacher.email, "password": PASSWORD}, follow=True
    )
    assert response.context["user"] == world.teacher
    visible = access.students_visible_to(world.teacher)
    assert not visible.filter(school=world.school).exists()
    roles = roles_of(world.teacher)
    assert roles.staff_school == world.other_school
    students = client.get(reverse("school_students")).content.decode()
    assert world.student.last_name not in students


def test_a_leaver_who_is_also_whanau_keeps_signing_in(world):
    """A teacher whose own child is at the school leaves the staff but still sees their child."""
    factories.WhanauLinkFactory(
        student=world.classmate,
        whanau=factories.WhanauMemberFactory(school=world.school, user=world.teacher),
    )
    services.staff_leave(staff=_staff(world.teacher, world.school), by=world.leader)
    teacher = User.objects.get(pk=world.teacher.pk)
    assert teacher.is_active
    assert list(access.students_visible_to(teacher)) == [world.classmate]


def test_the_last_leader_cannot_be_removed(world):
    """A school always keeps a leader: removing its only one is refused, plainly."""
    with pytest.raises(ValidationError) as refused:
        services.staff_leave(staff=_staff(world.leader, world.school), by=world.leader)
    assert "only leader" in refused.value.messages[0]
    assert _staff(world.leader, world.school).left_at is None
    assert User.objects.get(pk=world.leader.pk).is_active


def test_a_leader_may_leave_while_another_leads(world):
    """With a second leader, the first may leave."""
    second = factories.LeaderFactory(school=world.school).user
    assert services.staff_leave(staff=_staff(world.leader, world.school), by=second)
    assert not access.leads(world.leader, world.school.pk)


def test_leaving_twice_changes_nothing_more(world):
    """A second "has left" finds them gone already and writes nothing."""
    staff = _staff(world.teacher, world.school)
    assert services.staff_leave(staff=staff, by=world.leader)
    assert not services.staff_leave(staff=staff, by=world.leader)
    assert AuditEvent.objects.filter(object_type="partnerships.staff").count() == 1


def test_only_the_schools_leader_removes_staff(world):
    """A teacher or another school's leader cannot take someone off the staff."""
    staff = _staff(world.other_teacher, world.school)
    for person in (world.teacher, world.other_school_leader):
        with pytest.raises(PermissionDenied):
            services.staff_leave(staff=staff, by=person)
    assert _staff(world.other_teacher, world.school).left_at is None


def test_restore_lets_them_sign_in_again_without_their_classes(world):
    """Restored, they are on the staff and active again; their class is not given back."""
    staff = _staff(world.teacher, world.school)
    services.staff_leave(staff=staff, by=world.leader)
    assert services.staff_restore(staff=_staff(world.teacher, world.school), by=world.leader)
    assert User.objects.get(pk=world.teacher.pk).is_active
    assert Staff.objects.filter(user=world.teacher, school=world.school).exists()
    assert not world.classroom.teachers.filter(pk=world.teacher.pk).exists()
    assert not services.staff_restore(staff=staff, by=world.leader)  # already back


def test_the_staff_page_lists_former_staff_with_restore(client, world):
    """The leader marks a teacher as left, sees them under "Former staff", and restores them."""
    staff = _staff(world.other_teacher, world.school)
    client.force_login(world.leader)
    response = client.post(reverse("staff_leave", args=[staff.pk]), follow=True)
    content = response.content.decode()
    assert "has left the staff" in content
    assert "Former staff" in content
    assert reverse("staff_restore", args=[staff.pk]) in content
    response = client.post(reverse("staff_restore", args=[staff.pk]), follow=True)
    assert "not given back" in response.content.decode()
    assert _staff(world.other_teacher, world.school).left_at is None


def test_the_staff_page_explains_the_last_leader_refusal(client, world):
    """Removing yourself as the only leader is a clear message, and you stay."""
    client.force_login(world.leader)
    staff = _staff(world.leader, world.school)
    response = client.post(reverse("staff_leave", args=[staff.pk]), follow=True)
    assert "only leader" in response.content.decode()
    assert _staff(world.leader, world.school).left_at is None


def test_another_schools_staff_are_no_page(client, world):
    """Another school's leader, given our teacher's id, gets a 404 and changes nothing."""
    staff = _staff(world.teacher, world.school)
    client.force_login(world.other_school_leader)
    assert client.post(reverse("staff_leave", args=[staff.pk])).status_code == 404
    services.staff_leave(staff=staff, by=world.leader)
    assert client.post(reverse("staff_restore", args=[staff.pk])).status_code == 404
    assert _staff(world.teacher, world.school).left_at is not None


def test_has_left_clicked_twice_says_so_the_second_time(client, world):
    """A double click on "Has left" leaves them once, and the second click says they had left."""
    staff = _staff(world.other_teacher, world.school)
    client.force_login(world.leader)
    client.post(reverse("staff_leave", args=[staff.pk]))
    second = client.post(reverse("staff_leave", args=[staff.pk]), follow=True)
    assert "had already left" in second.content.decode()
    assert AuditEvent.objects.filter(object_type="partnerships.staff").count() == 1
    client.post(reverse("staff_restore", args=[staff.pk]))
    again = client.post(reverse("staff_restore", args=[staff.pk]), follow=True)
    assert "on the staff already" in again.content.decode()
    assert AuditEvent.objects.filter(object_type="partnerships.staff").count() == 2


def test_a_leaver_cannot_be_assigned_to_a_student(client, world):
    """The student form no longer offers a teacher who left, and refuses their forged id."""
    services.staff_leave(staff=_staff(world.other_teacher, world.school), by=world.leader)
    client.force_login(world.leader)
    url = reverse("student_edit", args=[world.student.pk])
    field = client.get(url).context["form"].fields["assigned_teachers"]
    assert world.other_teacher not in field.queryset
    assert world.teacher in field.queryset


def test_a_leavers_free_times_are_withdrawn_and_booked_ones_named(client, world):
    """Times a leaver offered that nobody booked go, so no family books someone who is gone;
    a family's booking with them stays, and the leader is told to move or cancel it."""
    from conversations.models import Booking, Slot

    conversation_round = factories.RoundFactory(school=world.school, is_open=True)
    _free, booked = factories.SlotFactory.create_batch(
        2, round=conversation_round, host=world.teacher
    )
    Booking.objects.create(slot=booked, student=world.student, whanau=world.link.whanau)
    past = factories.SlotFactory(
        round=conversation_round,
        host=world.teacher,
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(world.leader)
    staff = _staff(world.teacher, world.school)
    response = client.post(reverse("staff_leave", args=[staff.pk]), follow=True)
    page = response.content.decode()
    assert "1 conversation time they offered was withdrawn." in page
    assert "1 family has a conversation booked with them" in page
    assert set(Slot.objects.filter(host=world.teacher)) == {booked, past}
