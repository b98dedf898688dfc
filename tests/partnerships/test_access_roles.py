"""The access rules at their edges: signed out, switched off, a teacher who left, and one person
with several roles at once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from conversations import access as conversation_access
from conversations.models import Booking, TimeRequest
from conversations.weekly import access as weekly_access
from conversations.weekly.models import WeeklyUpdate
from learners import access as learner_access
from learners import services as learner_services
from partnerships import access, invitations, services
from partnerships.models import Notice, Staff, Student, Voice
from partnerships.roles import roles_of
from tests import factories

pytestmark = pytest.mark.django_db

SCOPES = [
    access.students_managed_by,
    access.students_visible_to,
    access.students_led_by,
    access.classes_visible_to,
    access.staff_visible_to,
    access.whanau_links_managed_by,
    access.whanau_members_visible_to,
    access.invitations_managed_by,
    access.audit_events_visible_to,
    learner_access.goals_visible_to,
    learner_access.goals_editable_by,
    learner_access.comments_visible_to,
    conversation_access.conversations_visible_to,
    conversation_access.rounds_managed_by,
    conversation_access.bookings_visible_to,
    conversation_access.time_requests_visible_to,
    weekly_access.updates_visible_to,
]
WHANAU_SCOPES = [
    access.own_whanau_links,
    conversation_access.slots_bookable_by,
    conversation_access.own_bookings,
]


@pytest.fixture
def school_life(world):
    """Something of every kind in the school, so an empty answer means something."""
    round_ = factories.RoundFactory(school=world.school)
    slot = factories.SlotFactory(round=round_, host=world.teacher)
    Booking.objects.create(slot=slot, student=world.student, whanau=world.link.whanau)
    TimeRequest.objects.create(
        round=round_, student=world.student, whanau=world.link.whanau, message="Evenings?"
    )
    factories.ConversationFactory(student=world.student)
    factories.GoalCommentFactory(goal=world.goal, author=world.whanau)
    WeeklyUpdate.objects.create(
        student=world.student,
        week=world.school.week_of(timezone.now()),
        learned="Tides",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
        approved_by=world.teacher,
        queued_at=timezone.now(),
    )
    invitations.invitation_create_whanau(
        student=world.student,
        email="new@example.org",
        name="New",
        relationship="parent",
        language="en",
        by=world.leader,
    )
    services.student_update(student=world.student, by=world.leader, data={"needs": "Glasses"})
    return world


@pytest.mark.parametrize("scope", SCOPES, ids=lambda scope: scope.__name__)
def test_a_leader_sees_the_schools_records(school_life, scope):
    """The school's leader sees something in every scope (so the tests below mean something)."""
    assert scope(school_life.leader).exists()


@pytest.mark.parametrize("scope", WHANAU_SCOPES, ids=lambda scope: scope.__name__)
def test_whanau_see_their_own_links_times_and_bookings(school_life, scope):
    """A whānau member with access has links, bookable times and bookings of their own."""
    assert scope(school_life.whanau).exists()


@pytest.mark.parametrize(
    "scope",
    list(SCOPES + WHANAU_SCOPES),
    ids=lambda scope: scope.__name__,
)
def test_someone_signed_out_sees_nothing(school_life, scope):
    """Every scope is empty for someone who is not signed in."""
    assert not scope(AnonymousUser()).exists()


@pytest.mark.parametrize("scope", SCOPES + WHANAU_SCOPES, ids=lambda scope: scope.__name__)
def test_a_switched_off_account_sees_nothing(school_life, scope):
    """An account that has been switched off sees nothing, whatever roles it still holds."""
    for person in (school_life.leader, school_life.whanau):
        person.is_active = False
        person.save()
        assert not scope(person).exists()


def test_a_teacher_who_left_the_school_loses_their_class(client, world):
    """Off the staff but still listed on the class, a teacher sees none of its students."""
    Staff.objects.filter(user=world.teacher).delete()
    assert not access.students_visible_to(world.teacher).exists()
    assert access.relation_to(world.teacher, world.student) == access.Relation(None, False)
    client.force_login(world.teacher)
    assert client.get(reverse("student_detail", args=[world.student.pk])).status_code == 404
    assert client.get(reverse("inbox")).status_code == 404


def test_a_teacher_who_left_is_no_longer_bookable_or_told_of_comments(world):
    """Families can't book a departed teacher's times, and their comments don't go to them."""
    slot = factories.SlotFactory(
        round=factories.RoundFactory(school=world.school), host=world.teacher
    )
    Staff.objects.filter(user=world.teacher).delete()
    assert not access.teachers_of(Student.objects.filter(pk=world.student.pk)).exists()
    assert slot not in conversation_access.slots_bookable_by(world.whanau)
    learner_services.comment_post(
        goal=world.goal, by=world.whanau, voice=Voice.WHANAU, body="Kia ora"
    )
    assert not Notice.objects.filter(user=world.teacher).exists()


def test_a_teacher_whose_own_child_is_at_the_school(client, world):
    """A teacher who is also a parent sees their class as staff and their child as whānau."""
    factories.WhanauLinkFactory(
        student=world.other_student,
        whanau=factories.WhanauMemberFactory(school=world.school, user=world.teacher),
    )
    own_child = access.relation_to(world.teacher, world.other_student)
    assert (own_child.voice, own_child.can_manage) == (Voice.WHANAU, False)
    pupil = access.relation_to(world.teacher, world.student)
    assert (pupil.voice, pupil.can_manage) == (Voice.TEACHER, True)
    roles = roles_of(world.teacher)
    assert roles.is_teacher
    assert roles.is_whanau
    assert not roles.is_leader
    client.force_login(world.teacher)
    assert client.get(reverse("student_detail", args=[world.other_student.pk])).status_code == 200
    assert client.get(reverse("student_edit", args=[world.other_student.pk])).status_code == 404
    assert client.get(reverse("my_bookings")).status_code == 200


def test_a_leader_with_a_child_at_the_school_speaks_as_whanau_but_still_manages(world):
    """A principal's comment on their own child's goal is whānau voice; they still manage it."""
    factories.WhanauLinkFactory(
        student=world.student,
        whanau=factories.WhanauMemberFactory(school=world.school, user=world.leader),
    )
    relation = access.relation_to(world.leader, world.student)
    assert (relation.voice, relation.can_manage) == (Voice.WHANAU, True)
    assert access.relation_to(world.leader, world.classmate).voice == Voice.LEADER


def test_another_schools_leader_has_no_relation(world):
    """A leader of another school stands in no relation to this school's students."""
    relation = access.relation_to(world.other_school_leader, world.student)
    assert relation == access.Relation(None, False)
    assert not relation.can_see


def test_signed_out_roles_are_empty(world):
    """Someone signed out wears no hats and has no school."""
    roles = roles_of(AnonymousUser())
    assert not roles.is_staff
    assert not roles.is_whanau
    assert not roles.is_student
    assert roles.staff_school is None
    assert roles.led_school is None
    assert access.relation_to(AnonymousUser(), world.student) == access.Relation(None, False)


def test_a_leader_of_two_schools_works_in_the_first(world):
    """A leader of two schools has both, and their pages are about the first one."""
    factories.LeaderFactory(school=world.other_school, user=world.leader)
    roles = roles_of(world.leader)
    assert roles.led_school_ids == {world.school.pk, world.other_school.pk}
    assert roles.led_school == world.school
    assert roles.staff_school == world.school


def test_whanau_and_students_see_times_in_their_schools_zone(world):
    """Whānau and students without a staff role get their child's school's time zone."""
    world.school.timezone = "Pacific/Chatham"
    world.school.save()
    assert roles_of(world.whanau).timezone == "Pacific/Chatham"
    student_roles = roles_of(world.student_user)
    assert student_roles.timezone == "Pacific/Chatham"
    assert student_roles.student_id == world.student.pk
    assert roles_of(world.teacher).staff_school is not None
    assert roles_of(world.teacher).led_school is None
