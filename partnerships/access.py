"""Who may see what: the access rules, in one place.

Every view, form, download and task asks these functions for its objects;
nothing else filters by role. Each returns a queryset (one SQL query, with
the rules as subqueries), so callers can filter, order and paginate it.

- leader: everything in their own school.
- teacher: students in the classes they teach and students assigned to them,
  and those students' whānau.
- whānau member: only the students they are linked to *with access*.
- student: themselves.
- anyone else: nothing. Views turn "nothing" into a 404, never a 403.

A person may hold several of these at once (a teacher whose own child is at
the school): what they see is the union.
"""

import itertools
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from conversations.models import (
    Booking,
    ConversationRound,
    LearningConversation,
    Slot,
    TimeRequest,
    WeeklyUpdate,
)
from learners.models import (
    Classroom,
    Evidence,
    Goal,
    GoalComment,
    NextStep,
    Student,
    Voice,
)
from partnerships.models import AuditEvent, School, Staff, User, WhanauLink, WhanauMember


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _led_school_ids(user) -> QuerySet:
    return Staff.objects.filter(user=user, role=Staff.Role.LEADER).values("school_id")


def _staff_school_ids(user) -> QuerySet:
    return Staff.objects.filter(user=user).values("school_id")


def _taught_scope(user) -> Q:
    """Students a teacher teaches, while they are still on that school's staff."""
    taught_classes = Classroom.teachers.through.objects.filter(user=user).values("classroom_id")
    assigned = Student.assigned_teachers.through.objects.filter(user=user).values("student_id")
    return Q(school_id__in=_staff_school_ids(user)) & (
        Q(classroom_id__in=taught_classes) | Q(pk__in=assigned)
    )


def students_managed_by(user) -> QuerySet[Student]:
    """Students whose record this person may change: their leaders and teachers."""
    if not _signed_in(user):
        return Student.objects.none()
    return Student.objects.filter(Q(school_id__in=_led_school_ids(user)) | _taught_scope(user))


def students_visible_to(user) -> QuerySet[Student]:
    """Students this person may see at all."""
    if not _signed_in(user):
        return Student.objects.none()
    linked = WhanauLink.objects.with_access().filter(whanau__user=user).values("student_id")
    return Student.objects.filter(
        Q(school_id__in=_led_school_ids(user))
        | _taught_scope(user)
        | Q(pk__in=linked)
        | Q(user=user)
    )


def classes_visible_to(user) -> QuerySet[Classroom]:
    """Classes a leader's school runs, or a teacher teaches."""
    if not _signed_in(user):
        return Classroom.objects.none()
    return Classroom.objects.filter(
        Q(school_id__in=_led_school_ids(user))
        | Q(school_id__in=_staff_school_ids(user), teachers=user)
    ).distinct()


def staff_visible_to(user) -> QuerySet[Staff]:
    """Staff lists are for leaders."""
    if not _signed_in(user):
        return Staff.objects.none()
    return Staff.objects.filter(school_id__in=_led_school_ids(user))


def whanau_links_managed_by(user) -> QuerySet[WhanauLink]:
    """The whānau of the students a leader or teacher manages, with their details."""
    return WhanauLink.objects.filter(student__in=students_managed_by(user))


def whanau_members_visible_to(user) -> QuerySet[WhanauMember]:
    """Whānau a leader or teacher may contact. A whānau member sees only themselves."""
    if not _signed_in(user):
        return WhanauMember.objects.none()
    managed_links = WhanauLink.objects.filter(
        whanau=OuterRef("pk"), student__in=students_managed_by(user)
    )
    return WhanauMember.objects.filter(
        Q(school_id__in=_led_school_ids(user)) | Q(Exists(managed_links)) | Q(user=user)
    )


def own_whanau_links(user) -> QuerySet[WhanauLink]:
    """A whānau member's own links to their tamariki, where they have access."""
    if not _signed_in(user):
        return WhanauLink.objects.none()
    return WhanauLink.objects.with_access().filter(whanau__user=user)


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """The audit trail is for leaders of the school."""
    if not _signed_in(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(school_id__in=_led_school_ids(user))


def goals_visible_to(user) -> QuerySet[Goal]:
    """Goals of the students this person may see."""
    return Goal.objects.filter(student__in=students_visible_to(user))


def goals_managed_by(user) -> QuerySet[Goal]:
    """Goals a leader or teacher of the student may edit, with their next steps."""
    return Goal.objects.filter(student__in=students_managed_by(user))


def goals_editable_by(user) -> QuerySet[Goal]:
    """Staff edit any goal of their students; students and whānau edit the goals they proposed."""
    return Goal.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(student__in=students_visible_to(user), proposed_by=user)
    )


def next_steps_visible_to(user) -> QuerySet[NextStep]:
    return NextStep.objects.filter(goal__in=goals_visible_to(user))


def next_steps_managed_by(user) -> QuerySet[NextStep]:
    return NextStep.objects.filter(goal__in=goals_managed_by(user))


def evidence_visible_to(user) -> QuerySet[Evidence]:
    return Evidence.objects.filter(goal__in=goals_visible_to(user))


def comments_visible_to(user) -> QuerySet[GoalComment]:
    """Comments on goals they can see; hidden ones only to the student’s leaders and teachers."""
    return GoalComment.objects.filter(
        Q(goal__in=goals_visible_to(user), hidden_at__isnull=True)
        | Q(goal__in=goals_managed_by(user))
    )


def comments_hideable_by(user) -> QuerySet[GoalComment]:
    return GoalComment.objects.filter(goal__in=goals_managed_by(user))


def conversations_visible_to(user) -> QuerySet:
    """Learning conversations of students they may see. Staff-only notes are a template matter:
    ``relation_to(...).can_manage`` decides whether they are shown."""

    return LearningConversation.objects.filter(student__in=students_visible_to(user))


def conversations_managed_by(user) -> QuerySet:

    return LearningConversation.objects.filter(student__in=students_managed_by(user))


def rounds_managed_by(user) -> QuerySet:
    """Any leader or teacher of a school may open a round there and offer times in it."""

    if not _signed_in(user):
        return ConversationRound.objects.none()
    return ConversationRound.objects.filter(school_id__in=_staff_school_ids(user))


def teachers_of(students: QuerySet) -> QuerySet[User]:
    """The class and assigned teachers of these students, while on their school's staff."""
    return User.objects.filter(
        Q(classes_taught__students__in=students) | Q(assigned_students__in=students),
        staff_memberships__school__students__in=students,
    ).distinct()


def teacher_ids_by_student(student_ids) -> dict[int, set[int]]:
    """Each student's class and assigned teachers (ids), in two queries for any number."""
    teachers = {student_id: set() for student_id in student_ids}
    by_class = Classroom.teachers.through.objects.filter(
        classroom__students__in=student_ids
    ).values_list("classroom__students", "user_id")
    assigned = Student.assigned_teachers.through.objects.filter(
        student_id__in=student_ids
    ).values_list("student_id", "user_id")
    for student_id, user_id in itertools.chain(by_class, assigned):
        teachers[student_id].add(user_id)
    return teachers


def slots_bookable_by(user) -> QuerySet:
    """Upcoming times in open rounds, offered by the teachers of this person's tamariki."""

    if not _signed_in(user):
        return Slot.objects.none()
    tamariki = Student.objects.filter(pk__in=own_whanau_links(user).values("student_id"))
    return Slot.objects.upcoming().filter(
        round__is_open=True,
        round__school_id__in=tamariki.values("school_id"),
        host__in=teachers_of(tamariki),
    )


def bookings_visible_to(user) -> QuerySet:
    """Staff see their students' bookings. A whānau member sees only their own: separated
    households each book, and neither sees the other's booking or needs."""

    if not _signed_in(user):
        return Booking.objects.none()
    return Booking.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(whanau__user=user, student__in=own_whanau_links(user).values("student_id"))
    )


def own_bookings(user) -> QuerySet:
    """Bookings this whānau member made, for tamariki they still have access to."""

    if not _signed_in(user):
        return Booking.objects.none()
    return Booking.objects.filter(
        whanau__user=user, student__in=own_whanau_links(user).values("student_id")
    )


def time_requests_visible_to(user) -> QuerySet:

    if not _signed_in(user):
        return TimeRequest.objects.none()
    return TimeRequest.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(whanau__user=user, student__in=own_whanau_links(user).values("student_id"))
    )


def updates_visible_to(user) -> QuerySet[WeeklyUpdate]:
    """Staff see their students' updates, drafts too; a student sees their own; whānau see an
    update once it has gone home (whether or not they take the email)."""
    if not _signed_in(user):
        return WeeklyUpdate.objects.none()
    return WeeklyUpdate.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(student__user=user)
        | Q(queued_at__isnull=False, student__in=own_whanau_links(user).values("student_id"))
    )


def updates_managed_by(user) -> QuerySet[WeeklyUpdate]:
    return WeeklyUpdate.objects.filter(student__in=students_managed_by(user))


@dataclass(frozen=True)
class Relation:
    """How one person stands to one student: whose voice they speak with, and may they manage."""

    voice: str | None
    can_manage: bool

    @property
    def can_see(self) -> bool:
        return self.voice is not None


def relation_to(user, student: Student) -> Relation:
    """One query. A teacher who is also the child's whānau speaks as whānau."""
    if not _signed_in(user):
        return Relation(None, False)
    is_whanau, can_manage, is_led = (
        Student.objects.filter(pk=student.pk)
        .annotate(
            is_whanau=Exists(
                WhanauLink.objects.with_access().filter(student=OuterRef("pk"), whanau__user=user)
            ),
            can_manage=Exists(students_managed_by(user).filter(pk=OuterRef("pk"))),
            is_led=Exists(_led_school_ids(user).filter(school_id=OuterRef("school_id"))),
        )
        .values_list("is_whanau", "can_manage", "is_led")
        .get()
    )
    if student.user_id == user.pk:
        voice = Voice.STUDENT
    elif is_whanau:
        voice = Voice.WHANAU
    elif is_led:
        voice = Voice.LEADER
    elif can_manage:
        voice = Voice.TEACHER
    else:
        voice = None
    return Relation(voice, can_manage)


@dataclass(frozen=True)
class Roles:
    """What hats a signed-in person wears, for navigation and home pages."""

    led_school_ids: frozenset[int] = frozenset()
    staff_school_ids: frozenset[int] = frozenset()
    is_whanau: bool = False
    student_id: int | None = None
    schools: dict[int, School] = field(default_factory=dict)
    timezone: str | None = None  # their school's, for showing times

    @property
    def is_leader(self) -> bool:
        return bool(self.led_school_ids)

    @property
    def is_teacher(self) -> bool:
        return bool(self.staff_school_ids - self.led_school_ids)

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_school_ids)

    @property
    def is_student(self) -> bool:
        return self.student_id is not None

    @property
    def staff_school(self) -> School | None:
        """The school a staff member's pages are about (the first, if they work in several)."""
        for school_id in sorted(self.staff_school_ids):
            return self.schools[school_id]
        return None

    @property
    def led_school(self) -> School | None:
        """The school a leader's pages are about (the first, if they lead several)."""
        for school_id in sorted(self.led_school_ids):
            return self.schools[school_id]
        return None


def roles_of(user) -> Roles:
    """Two queries, whatever the person's number of memberships."""
    if not _signed_in(user):
        return Roles()
    memberships = list(Staff.objects.filter(user=user).select_related("school"))
    own_links = WhanauLink.objects.with_access().filter(whanau__user=OuterRef("pk"))
    is_whanau, student_id, student_zone, whanau_zone = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_whanau=Exists(own_links),
            whanau_zone=Subquery(own_links.values("student__school__timezone")[:1]),
        )
        .values_list("is_whanau", "student__pk", "student__school__timezone", "whanau_zone")
        .get()
    )
    staff_zones = [m.school.timezone for m in sorted(memberships, key=lambda m: m.school_id)]
    return Roles(
        led_school_ids=frozenset(m.school_id for m in memberships if m.role == Staff.Role.LEADER),
        staff_school_ids=frozenset(m.school_id for m in memberships),
        is_whanau=is_whanau,
        student_id=student_id,
        schools={m.school_id: m.school for m in memberships},
        timezone=next(iter(staff_zones), None) or student_zone or whanau_zone,
    )


def request_roles(request) -> Roles:
    """``roles_of`` for the signed-in person, worked out once per request."""
    if not hasattr(request, "_mahi_tahi_roles"):
        request._mahi_tahi_roles = roles_of(request.user)
    return request._mahi_tahi_roles
