"""Leavers and the year rollover: each a write in one transaction, for a school's leaders.

A leaver keeps their record, read-only, for the retention period (``refuse_if_left``): they
leave their class, their sign-in card stops working, and the lists of current students and
the weekly email leave them out (``students_managed_by``, ``ready_to_send``).

A year rollover moves the school's year on once (a conditional UPDATE of ``School.year``: a
second tab or a double submit finds it done), moves each class's students up a year level
into next year's class, marks those at the top year level as leavers, archives the classes
left empty and runs each app's year end (``hooks.YEAR_END``). Teachers stay on their classes:
which class a teacher takes next year is the leader's call, made on the class's page.
"""

import dataclasses
import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Least
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerships import audit
from partnerships.access import require_leader
from partnerships.models import (
    AuditEvent,
    Classroom,
    Invitation,
    School,
    SignInCard,
    Student,
    User,
)
from partnerships.year.hooks import year_end_apply, year_end_preview

TOP_YEAR_LEVEL = 13


class AlreadyRolledOverError(ValidationError):
    """The school's year has moved on since the page was shown: it was rolled over already."""


# Leavers -----------------------------------------------------------------------------


def _close_ways_in(student_ids) -> None:
    """A leaver's card stops working and invitations to their whānau not yet accepted are
    withdrawn: nobody new comes to a record kept only to read."""
    SignInCard.objects.active().filter(student_id__in=student_ids).update(revoked_at=timezone.now())
    Invitation.objects.filter(student_id__in=student_ids, accepted_at__isnull=True).delete()


def student_leave(*, student: Student, by: User, left_on: datetime.date) -> bool:
    """Mark a student as having left on ``left_on``. False if they had left already."""
    require_leader(by, student.school_id, _("Only the school’s leaders do this."))
    if left_on > timezone.localdate():
        raise ValidationError(_("The leaving date can’t be in the future."))
    if left_on < student.start_date:
        raise ValidationError(
            _("The leaving date is before they started (%(date)s).")
            % {"date": formats.date_format(student.start_date)}
        )
    with transaction.atomic():
        student = (
            Student.objects.select_for_update(of=("self",))
            .select_related("classroom")
            .get(pk=student.pk)
        )
        if student.left_on is not None:
            return False
        summary = _leaver_summary(student, left_on)  # names their class, before they leave it
        # Retention counts from the day they left, but shows them for its grace days after
        # this moment first: a long-past leaving date is not a removal tonight.
        student.left_on, student.left_marked_at, student.classroom = left_on, timezone.now(), None
        student.save(update_fields=["left_on", "left_marked_at", "classroom", "updated_at"])
        _close_ways_in([student.pk])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=student,
            student=student,
            summary=summary,
        )
    return True


def student_return(*, student: Student, by: User) -> bool:
    """Undo a leaving marked by mistake: the student is current again, in no class until a
    leader or teacher puts them in one, with no sign-in card until one is issued. False if
    they had not left."""
    require_leader(by, student.school_id, _("Only the school’s leaders do this."))
    with transaction.atomic():
        student = Student.objects.select_for_update().get(pk=student.pk)
        if student.left_on is None:
            return False
        student.left_on = student.left_marked_at = None
        student.save(update_fields=["left_on", "left_marked_at", "updated_at"])
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=student,
            student=student,
            summary=_("Back at the school: their leaving was undone"),
        )
    return True


# The year rollover: the plan and what it will do -------------------------------------------


@dataclass(frozen=True)
class ClassPlan:
    """Where one class's students go: an existing class (its id), or a new class by name;
    neither means they stay in the same class."""

    to_classroom_id: int | None = None
    new_name: str = ""


@dataclass(frozen=True)
class Plan:
    step: int = 1  # year levels up
    top_year: int | None = None  # students at it or above leave; None: the highest in use
    classes: dict[int, ClassPlan] = field(default_factory=dict)  # by class id; else the same

    def signature(self) -> str:
        """The choices in short, the same however they were put: a confirm must be of the
        choices last previewed, not of some changed since."""
        moves = sorted(
            (pk, move.to_classroom_id or pk, " ".join(move.new_name.split()).casefold())
            for pk, move in self.classes.items()
        )
        changes = [(pk, to, name) for pk, to, name in moves if to != pk or name]
        text = repr((self.step, self.top_year, changes))
        return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass
class ClassMove:
    """One current class in the preview: how many move up, and where to; how many leave."""

    classroom: Classroom
    moving: int
    leaving: int
    target: Classroom | None  # None: a new class called ``new_name``
    new_name: str = ""

    @property
    def target_name(self) -> str:
        return self.target.name if self.target is not None else self.new_name

    @property
    def stays(self) -> bool:
        return self.target is not None and self.target.pk == self.classroom.pk


@dataclass
class Preview:
    """What a rollover of ``school`` with a plan will do. Nothing is written to make it."""

    school: School
    plan: Plan  # as previewed, with its top year level filled in
    moves: list[ClassMove]
    unclassed: int  # students in no class, who move up a year level all the same
    leavers: list[Student]
    archived: list[Classroom]
    new_classes: dict[str, int]  # name → year level
    year_end: list[str]  # each app's lines (``hooks.YEAR_END``)
    errors: dict[int, str] = field(default_factory=dict)  # by class id: a new name to change

    @property
    def step(self) -> int:
        return self.plan.step

    @property
    def top_year(self) -> int:
        return self.plan.top_year

    @property
    def moving(self) -> int:
        return sum(move.moving for move in self.moves) + self.unclassed


def school_classes(school: School) -> list[Classroom]:
    """The school's classes, archived ones too (a new class may not take their names)."""
    return list(Classroom.objects.filter(school=school).order_by("year_level", "name", "pk"))


def _target(move_plan: ClassPlan, classroom: Classroom, by_id: dict, by_name: dict, errors: dict):
    """The class a class's students go to, or ``None`` for a new one; a name to change goes
    in ``errors``."""
    name = " ".join(move_plan.new_name.split())
    if name:
        existing = by_name.get(name.casefold())
        if existing is None:
            return None, name
        if existing.archived_on is not None:
            errors[classroom.pk] = _(
                "There is an archived class called “%(name)s”: please choose another name."
            ) % {"name": existing.name}
            return classroom, ""
        return existing, ""
    return by_id.get(move_plan.to_classroom_id, classroom), ""


def rollover_preview(
    *, school: School, plan: Plan, classes: list[Classroom] | None = None, hooks: bool = True
) -> Preview:
    """What the rollover would do, in three queries (two when given the classes), and each
    app's year end preview's."""
    classes = school_classes(school) if classes is None else classes
    current = [classroom for classroom in classes if classroom.archived_on is None]
    by_id = {classroom.pk: classroom for classroom in current}
    by_name = {classroom.name.casefold(): classroom for classroom in classes}
    counts = defaultdict(dict)
    for classroom_id, year_level, n in (
        Student.objects.current()
        .filter(school=school)
        .values_list("classroom_id", "year_level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[classroom_id][year_level] = n
    in_use = [level for levels in counts.values() for level in levels]
    top = plan.top_year if plan.top_year is not None else max(in_use, default=TOP_YEAR_LEVEL)
    moves, errors, new_classes, spelled = [], {}, {}, {}
    for classroom in current:
        levels = counts.get(classroom.pk, {})
        moving = sum(n for level, n in levels.items() if level < top)
        leaving = sum(n for level, n in levels.items() if level >= top)
        move_plan = plan.classes.get(classroom.pk, ClassPlan())
        target, new_name = _target(move_plan, classroom, by_id, by_name, errors)
        if target is None:
            # One new class for a name however it is typed: the first spelling names it.
            new_name = spelled.setdefault(new_name.casefold(), new_name)
            if moving:
                level = min(classroom.year_level + plan.step, TOP_YEAR_LEVEL)
                new_classes.setdefault(new_name, level)
        moves.append(ClassMove(classroom, moving, leaving, target, new_name))
    receiving = {move.target.pk for move in moves if move.moving and move.target is not None}
    archived = [
        move.classroom
        for move in moves
        if (move.moving or move.leaving) and move.classroom.pk not in receiving
    ]
    leavers = list(
        Student.objects.current()
        .filter(school=school, year_level__gte=top)
        .select_related("classroom")
        .order_by("classroom__name", "last_name", "first_name", "pk")
    )
    return Preview(
        school=school,
        plan=dataclasses.replace(plan, top_year=top),
        moves=moves,
        unclassed=sum(n for level, n in counts.get(None, {}).items() if level < top),
        leavers=leavers,
        archived=archived,
        new_classes=new_classes,
        year_end=year_end_preview(school) if hooks else [],
        errors=errors,
    )


# The year rollover: doing it ---------------------------------------------------------------


def year_rollover(*, school: School, by: User, from_year: int, plan: Plan) -> Preview:
    """Roll the school's year ``from_year`` over into the next, as ``rollover_preview`` says.

    ``AlreadyRolledOverError`` if the school is no longer in ``from_year`` (nothing written);
    ``ValidationError`` if a new class's name must change.
    """
    require_leader(by, school.pk, _("Only the school’s leaders do this."))
    with transaction.atomic():
        # First, and conditional: the row's lock makes a second rollover wait, then find the
        # year moved on and write nothing.
        if not School.objects.filter(pk=school.pk, year=from_year).update(year=from_year + 1):
            raise AlreadyRolledOverError(
                _("The school year has already been rolled over: it is now %(year)s.")
                % {"year": School.objects.values_list("year", flat=True).get(pk=school.pk)}
            )
        preview = rollover_preview(school=school, plan=plan, hooks=False)
        if preview.errors:
            raise ValidationError(list(preview.errors.values()))
        _apply(preview, by)
        preview.year_end = year_end_apply(school, by)
        audit.record(
            actor=by,
            action=AuditEvent.Action.CHANGED,
            obj=school,
            summary=rollover_summary(preview, from_year),
        )
    school.year = from_year + 1
    return preview


def _apply(preview: Preview, by: User) -> None:
    today, now = timezone.localdate(), timezone.now()
    current = Student.objects.current().filter(school=preview.school)
    # Who is in which class, read before anyone moves: a class's students may move into a
    # class whose own students move on.
    staying = defaultdict(list)
    for pk, classroom_id in current.filter(year_level__lt=preview.top_year).values_list(
        "pk", "classroom_id"
    ):
        staying[classroom_id].append(pk)
    leaver_ids = [student.pk for student in preview.leavers]
    current.filter(pk__in=leaver_ids).update(
        left_on=today, left_marked_at=now, classroom=None, updated_at=now
    )
    _close_ways_in(leaver_ids)
    audit.record_many(
        actor=by,
        action=AuditEvent.Action.CHANGED,
        rows=[(student, student, _leaver_summary(student, today)) for student in preview.leavers],
    )
    up = Least(F("year_level") + preview.step, Value(TOP_YEAR_LEVEL))
    current.filter(year_level__lt=preview.top_year).update(year_level=up, updated_at=now)
    created = {
        name: Classroom.objects.create(school=preview.school, name=name, year_level=level)
        for name, level in preview.new_classes.items()
    }
    # A class whose students stay in it moves up with them; the others' students go to their
    # class for next year: one update per class they go to, not per class they come from.
    moving = [move for move in preview.moves if move.moving]
    Classroom.objects.filter(pk__in=[move.classroom.pk for move in moving if move.stays]).update(
        year_level=up
    )
    going_to = defaultdict(list)
    for move in moving:
        if not move.stays:
            going_to[move.target or created[move.new_name]] += staying[move.classroom.pk]
    for target, student_ids in going_to.items():
        Student.objects.filter(pk__in=student_ids).update(classroom=target)
    Classroom.objects.filter(pk__in=[c.pk for c in preview.archived]).update(archived_on=today)


def _leaver_summary(student: Student, left_on: datetime.date) -> str:
    summary = _("Left the school on %(date)s") % {"date": formats.date_format(left_on)}
    if student.classroom:
        summary += " " + _("(was in %(class)s)") % {"class": student.classroom.name}
    return summary


def rollover_summary(preview: Preview, from_year: int) -> str:
    """What a rollover did, in a sentence: for the leader, and the school's record history."""
    return " ".join(
        [
            _("School year %(from)s rolled over into %(to)s:")
            % {"from": from_year, "to": from_year + 1},
            ngettext("%(n)s student moved up,", "%(n)s students moved up,", preview.moving)
            % {"n": preview.moving},
            ngettext("%(n)s left,", "%(n)s left,", len(preview.leavers))
            % {"n": len(preview.leavers)},
            ngettext("%(n)s class archived.", "%(n)s classes archived.", len(preview.archived))
            % {"n": len(preview.archived)},
        ]
    )
