"""Who may see what: the core relation between a person and a student, and the people scopes.

This is the one definition of how a user relates to a student. Each app's own
``access.py`` builds its scopes (goals, conversations, weekly updates…) on
``students_visible_to`` and ``students_managed_by``; every view, form, download
and task asks those functions for its objects, and nothing filters by role
itself. Each returns a queryset (one SQL query, with the rules as subqueries),
so callers can filter, order and paginate it. A page for one role only says so
with a decorator from ``partnerships.roles``: ``staff_only``, ``leader_only``,
``whanau_only``, ``student_only``.

- leader: everything in their own school.
- teacher: students in the classes they teach and students assigned to them,
  and those students' whānau.
- whānau member: only the students they are linked to *with access*.
- student: themselves.
- anyone else: nothing. Views turn "nothing" into a 404, never a 403.

A person may hold several of these at once (a teacher whose own child is at
the school): what they see is the union.
"""

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from partnerships.compiled import Among, ids_query
from partnerships.models import (
    AuditEvent,
    Classroom,
    ImportJob,
    ImportPreset,
    Invitation,
    Staff,
    Student,
    User,
    Voice,
    WhanauLink,
    WhanauMember,
)


def signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def led_school_ids(user) -> QuerySet:
    return Staff.objects.filter(user=user, role=Staff.Role.LEADER).values("school_id")


def leads(user, school_id: int) -> bool:
    """Whether ``user`` is a leader of the school."""
    return signed_in(user) and led_school_ids(user).filter(school_id=school_id).exists()


def require_leader(user, school_id: int, message: str | None = None) -> None:
    """A write only the school's leaders make: anyone else is refused (PermissionDenied),
    with ``message`` where a page shows it."""
    if not leads(user, school_id):
        raise PermissionDenied(message or _("Only the school’s leaders change this."))


def staff_school_ids(user) -> QuerySet:
    return Staff.objects.filter(user=user).values("school_id")


def _compiled_once(rules: Callable[..., list[QuerySet]]):
    """The ids the rules give a person (one id query per rule), as one query compiled once
    (``ids_query``). Each rule is one arm of a UNION ALL, so each is answered from its own
    index (the person's school, classes, links or own record) rather than by testing every
    row of every school against an OR of the rules."""

    def union(stand_in: tuple[int]) -> QuerySet:
        first, *rest = (arm.order_by() for arm in rules(User(pk=stand_in[0])))
        return first.union(*rest, all=True) if rest else first

    @functools.wraps(rules)
    def among(user) -> Lookup:
        """A filter: the row's key is one of the ids."""
        return Among(F("pk"), ids_query(rules.__name__, union, [user.pk]))

    return among


def _taught_class_ids(user) -> QuerySet:
    return Classroom.teachers.through.objects.filter(user=user).values("classroom_id")


def _led_students(user, students: QuerySet | None = None) -> QuerySet:
    students = Student.objects.all() if students is None else students
    return students.filter(school_id__in=led_school_ids(user)).values("pk")


def _taught_students(user) -> list[QuerySet]:
    """Students a teacher teaches, while they are still on that school's staff and the
    student at the school: their classes' students and those assigned to them."""
    on_staff = staff_school_ids(user)
    return [
        Student.objects.current()
        .filter(classroom_id__in=_taught_class_ids(user), school_id__in=on_staff)
        .values("pk"),
        Student.assigned_teachers.through.objects.filter(
            user=user, student__school_id__in=on_staff, student__left_on__isnull=True
        ).values("student_id"),
    ]


@_compiled_once
def _managed_student_ids(user) -> list[QuerySet]:
    """A leaver's record is read-only: nobody manages it, so no list of the students someone
    looks after (a class, the week's updates, who has not booked) has them in it."""
    return [_led_students(user, Student.objects.current()), *_taught_students(user)]


@_compiled_once
def _visible_student_ids(user) -> list[QuerySet]:
    linked = WhanauLink.objects.with_access().filter(whanau__user=user).values("student_id")
    own = Student.objects.filter(user=user).values("pk")
    return [_led_students(user), *_taught_students(user), linked, own]


@_compiled_once
def _visible_class_ids(user) -> list[QuerySet]:
    return [
        Classroom.objects.filter(school_id__in=led_school_ids(user)).values("pk"),
        # A class archived at a year rollover is no longer taught: its teachers' pages
        # leave it out (its leaders still find it, with what was written in it).
        Classroom.objects.current()
        .filter(pk__in=_taught_class_ids(user), school_id__in=staff_school_ids(user))
        .values("pk"),
    ]


def students_managed_by(user) -> QuerySet[Student]:
    """Students whose record this person may change: their leaders and teachers. Never a
    leaver (``Student.left_on``): their leaders and whānau still read it, nobody changes it."""
    if not signed_in(user):
        return Student.objects.none()
    return Student.objects.filter(_managed_student_ids(user))


def students_visible_to(user) -> QuerySet[Student]:
    """Students this person may see at all."""
    if not signed_in(user):
        return Student.objects.none()
    return Student.objects.filter(_visible_student_ids(user))


def students_led_by(user) -> QuerySet[Student]:
    """Students of the schools this person leads: whose record's history they may read."""
    if not signed_in(user):
        return Student.objects.none()
    return Student.objects.filter(school_id__in=led_school_ids(user))


class StudentLeftError(PermissionDenied):
    """A write to the record of a student who has left: the page says why (403)."""


def refuse_if_left(student: Student) -> None:
    """A leaver's record is kept to read for the retention period, and nothing is added to
    it. Each service that writes to a student's record (a goal, next step, comment, evidence,
    conversation, update, booking) asks here first: their whānau, they and their school's
    leaders still reach their pages, to read them."""
    if student.left_on is not None:
        raise StudentLeftError(
            _(
                "%(name)s left the school on %(date)s. Their record is kept for you to read, "
                "and nothing more can be added to it."
            )
            % {"name": student.display_name, "date": formats.date_format(student.left_on)}
        )


def classes_visible_to(user) -> QuerySet[Classroom]:
    """Classes a leader's school runs (archived ones too), or a teacher teaches now."""
    if not signed_in(user):
        return Classroom.objects.none()
    return Classroom.objects.filter(_visible_class_ids(user))


def staff_visible_to(user) -> QuerySet[Staff]:
    """Staff lists are for leaders."""
    if not signed_in(user):
        return Staff.objects.none()
    return Staff.objects.filter(school_id__in=led_school_ids(user))


def whanau_links_managed_by(user) -> QuerySet[WhanauLink]:
    """The whānau of the students a leader or teacher manages, with their details."""
    return WhanauLink.objects.filter(student__in=students_managed_by(user))


def whanau_members_visible_to(user) -> QuerySet[WhanauMember]:
    """Whānau a leader or teacher may contact. A whānau member sees only themselves."""
    if not signed_in(user):
        return WhanauMember.objects.none()
    managed_links = WhanauLink.objects.filter(
        whanau=OuterRef("pk"), student__in=students_managed_by(user)
    )
    return WhanauMember.objects.filter(
        Q(school_id__in=led_school_ids(user)) | Q(Exists(managed_links)) | Q(user=user)
    )


def invitations_managed_by(user) -> QuerySet[Invitation]:
    """Invitations a person may send again: to the whānau of students they manage, and to
    the staff of schools they lead."""
    if not signed_in(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        Q(student__in=students_managed_by(user))
        | Q(kind=Invitation.Kind.STAFF, school_id__in=led_school_ids(user))
    )


def own_whanau_links(user) -> QuerySet[WhanauLink]:
    """A whānau member's own links to their tamariki, where they have access."""
    if not signed_in(user):
        return WhanauLink.objects.none()
    return WhanauLink.objects.with_access().filter(whanau__user=user)


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """The audit trail is for leaders of the school."""
    if not signed_in(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(school_id__in=led_school_ids(user))


def imports_led_by(user) -> QuerySet[ImportJob]:
    """A school's imports, and the column sets it saved for them, are its leaders'."""
    return ImportJob.objects.filter(school_id__in=led_school_ids(user))


def import_presets_led_by(user) -> QuerySet[ImportPreset]:
    return ImportPreset.objects.filter(school_id__in=led_school_ids(user))


def teachers_of(students: QuerySet) -> QuerySet[User]:
    """The class and assigned teachers of these students, while on their school's staff.

    Each rule a subquery on its own small table: joined in one query, teachers × their
    school's students × classes made a school of 1,500 take seconds. The two rules are arms
    of a UNION ALL, as an OR of them tested every user of every school.
    """
    by_class = Classroom.teachers.through.objects.filter(
        classroom_id__in=students.values("classroom_id")
    ).values("user_id")
    assigned = Student.assigned_teachers.through.objects.filter(
        student_id__in=students.values("pk")
    ).values("user_id")
    on_staff = Staff.objects.filter(user=OuterRef("pk"), school_id__in=students.values("school_id"))
    return User.objects.filter(Exists(on_staff), pk__in=by_class.union(assigned, all=True))


def teacher_ids_by_student(student_ids) -> dict[int, set[int]]:
    """Each student's class and assigned teachers (ids), while on their school's staff (the
    rule of ``teachers_of``), in two queries for any number."""
    teachers = {student_id: set() for student_id in student_ids}
    by_class = Classroom.teachers.through.objects.filter(
        classroom__students__in=student_ids,
        user__staff_memberships__school_id=F("classroom__school_id"),
        user__staff_memberships__left_at__isnull=True,
    ).values_list("classroom__students", "user_id")
    assigned = Student.assigned_teachers.through.objects.filter(
        student_id__in=student_ids,
        user__staff_memberships__school_id=F("student__school_id"),
        user__staff_memberships__left_at__isnull=True,
    ).values_list("student_id", "user_id")
    for student_id, user_id in itertools.chain(by_class, assigned):
        teachers[student_id].add(user_id)
    return teachers


@dataclass(frozen=True)
class Relation:
    """How one person stands to one student: whose voice they speak with, may they manage, and
    do they read the staff's side of the record (hidden comments, staff-only notes). The last
    two differ only for a leaver: nobody manages their record, their school's leaders still
    read all of it."""

    voice: str | None
    can_manage: bool
    reads_as_staff: bool = False

    @property
    def can_see(self) -> bool:
        return self.voice is not None


def relation_to(user, student: Student) -> Relation:
    """One query. A teacher who is also the child's whānau speaks as whānau."""
    if not signed_in(user):
        return Relation(None, False)
    is_whanau, can_manage, is_led = (
        Student.objects.filter(pk=student.pk)
        .annotate(
            is_whanau=Exists(
                WhanauLink.objects.with_access().filter(student=OuterRef("pk"), whanau__user=user)
            ),
            can_manage=Exists(students_managed_by(user).filter(pk=OuterRef("pk"))),
            is_led=Exists(led_school_ids(user).filter(school_id=OuterRef("school_id"))),
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
    return Relation(voice, can_manage, reads_as_staff=can_manage or is_led)
