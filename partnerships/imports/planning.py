"""The plan: a file's rows against what the school has, as what an import would create and
change, with the details a preview shows: its students and classes here, their whānau in
``whanau``. The rules of who is who are in ``checking``."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from partnerships.imports.fields import FIELD_BY_NAME, STUDENTS
from partnerships.imports.rows import RowIn
from partnerships.imports.snapshot import Snapshot
from partnerships.imports.values import CHANGED, msg, row_error
from partnerships.imports.whanau import WhanauPlanning
from partnerships.models import Classroom, Student

SHOWN_CHANGES = 500
STUDENT_VALUES = (
    "nsn",
    "school_ref",
    "first_name",
    "last_name",
    "preferred_name",
    "year_level",
    "date_of_birth",
    "start_date",
)


@dataclass
class Plan:
    new_classes: dict = field(default_factory=dict)  # casefolded name → unsaved Classroom
    reopened: list = field(default_factory=list)  # archived classes back in use
    new_teachers: set = field(default_factory=set)  # (class name casefolded, user id)
    new_students: list = field(default_factory=list)  # (row, Student, class key)
    changed_students: list = field(default_factory=list)  # (row, Student, field names)
    new_members: dict = field(default_factory=dict)  # key → unsaved WhanauMember
    changed_members: dict = field(default_factory=dict)  # pk → (WhanauMember, field names)
    new_links: list = field(default_factory=list)  # (student key, member key, WhanauLink)
    changed_links: list = field(default_factory=list)  # (WhanauLink, field names)
    invitations: list = field(default_factory=list)  # (student key, member key, relationship)
    students: dict = field(default_factory=dict)  # student key → Student (saved or not)
    members: dict = field(default_factory=dict)  # caregiver key → WhanauMember (saved or not)
    counts: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    def change(self, row: int, kind: str, name: str, action: str, details: list) -> None:
        if len(self.changes) < SHOWN_CHANGES:
            self.changes.append(
                {"row": row, "kind": kind, "name": name, "action": action, "details": details}
            )


class _Planner(WhanauPlanning):
    def __init__(self, *, school, kind, rows, snap, targets, mapping, today):
        self.school, self.kind, self.rows, self.snap = school, kind, rows, snap
        self.targets, self.mapping, self.today = targets, mapping, today
        self.plan = Plan(rows=rows)
        self.seen_members: set = set()
        self.linked: set = set()
        self.left_out: set = set()  # numbers of the rows about a student who has left
        self.counts = {
            "students": {"new": 0, "changed": 0, "unchanged": 0},
            "classes": {"new": 0, "changed": 0},
            "whanau": {"new": 0, "changed": 0, "unchanged": 0},
            "links": {"new": 0, "changed": 0},
            "invitations": 0,
            "rows": len(rows),
        }

    def header(self, name: str) -> str:
        return self.mapping.get(name, "")

    # Students ------------------------------------------------------------------

    def find(self, row: RowIn) -> Student | None:
        wanted = row.student
        snap = self.snap
        found = snap.by_nsn.get(wanted.nsn) if wanted.nsn else None
        ref_field = "school_ref" if self.kind == STUDENTS else "student_ref"
        if wanted.school_ref:
            by_ref = snap.by_ref.get(wanted.school_ref)
            if found is None and by_ref is not None and wanted.nsn and by_ref.nsn:
                row_error(
                    row,
                    self.header(ref_field),
                    wanted.school_ref,
                    msg(
                        gettext_noop(
                            "This school id is %(name)s’s, whose NSN is %(nsn)s, not this "
                            "row’s: check which is right."
                        ),
                        name=by_ref.full_name,
                        nsn=by_ref.nsn,
                    ),
                )
                return None
            if found is None:
                found = by_ref
            elif by_ref is not None and by_ref.pk != found.pk and self.kind == STUDENTS:
                row_error(
                    row,
                    self.header(ref_field),
                    wanted.school_ref,
                    msg(
                        gettext_noop("This school id is already %(name)s’s: check which is right."),
                        name=by_ref.full_name,
                    ),
                )
                return None
        return found

    def left(self, row: RowIn, student: Student | None) -> bool:
        """Whether the row is about a student who has left. Their record is kept to read, so
        the row is left out whole (no class, whānau or invitation) and says so, once; the rest
        of the file goes on."""
        if student is None or student.left_on is None:
            return False
        if row.number not in self.left_out:
            self.left_out.add(row.number)
            if self.kind == STUDENTS:
                column, value = self.header("first_name"), row.student.name
            else:
                column = self.header("student_nsn" if row.student.nsn else "student_ref")
                value = row.student.nsn or row.student.school_ref
            row_error(
                row,
                column,
                value,
                msg(
                    gettext_noop(
                        "%(name)s left the school on %(date)s: their record is kept to read "
                        "and this row is left out; if they have come back, a leader undoes "
                        "their leaving on their page first."
                    ),
                    name=student.full_name,
                    date=student.left_on.isoformat(),
                ),
                blocking=False,
            )
        return True

    def student(self, row: RowIn) -> tuple | None:
        """The row's student: (key, Student), planning its creation or changes."""
        wanted = row.student
        existing = self.find(row)
        if row.blocked or self.left(row, existing):
            return None
        class_key = wanted.classroom.casefold()
        classroom = self.snap.classes.get(class_key) if class_key else None
        if existing is None:
            student = Student(
                school=self.school,
                first_name=wanted.first_name,
                last_name=wanted.last_name,
                preferred_name=wanted.preferred_name,
                year_level=wanted.year_level,
                nsn=wanted.nsn,
                school_ref=wanted.school_ref,
                date_of_birth=wanted.date_of_birth,
                start_date=wanted.start_date or self.today,
                classroom=classroom,
            )
            self.plan.new_students.append((row, student, class_key))
            self.counts["students"]["new"] += 1
            where = wanted.classroom or msg(gettext_noop("no class"))
            self.plan.change(
                row.number,
                "student",
                wanted.name,
                "new",
                [
                    msg(
                        gettext_noop("Year %(year)s, %(classroom)s"),
                        year=wanted.year_level,
                        classroom=where,
                    )
                ],
            )
            return wanted.key, student
        details, changed = [], []
        for name in STUDENT_VALUES:
            new = getattr(wanted, name)
            old = getattr(existing, name)
            if new in ("", None) or new == old:
                continue
            details.append(
                msg(
                    CHANGED,
                    field=msg(FIELD_BY_NAME[STUDENTS][name].label_id),
                    old=str(old or "–"),
                    new=str(new),
                )
            )
            setattr(existing, name, new)
            changed.append(name)
        if class_key and (classroom is None or classroom.pk != existing.classroom_id):
            old = self.snap.class_names.get(existing.classroom_id, "–")
            details.append(
                msg(CHANGED, field=msg(gettext_noop("Class")), old=old, new=wanted.classroom)
            )
            existing.classroom = classroom
            changed.append("classroom")
        if changed:
            self.plan.changed_students.append((row, existing, changed))
            self.counts["students"]["changed"] += 1
            self.plan.change(row.number, "student", existing.full_name, "changed", details)
        else:
            self.counts["students"]["unchanged"] += 1
        return wanted.key, existing

    def child(self, row: RowIn) -> tuple | None:
        """A caregivers file's student: one of this school's (the row left out if they have
        left), or a row error that says the same whether the number is another school's or
        nobody's."""
        found = self.find(row)
        if found is None and not row.blocked:
            column = "student_nsn" if row.student.nsn else "student_ref"
            row_error(
                row,
                self.header(column),
                row.student.nsn or row.student.school_ref,
                msg(
                    gettext_noop(
                        "No student at this school has this number. Import the students "
                        "first, or check the number."
                    )
                ),
            )
        if found is None or row.blocked or self.left(row, found):
            return None
        return row.student.key, found

    # Classes -------------------------------------------------------------------

    def classes(self) -> None:
        plan, snap = self.plan, self.snap
        warned = set()  # once for each teacher and class, not on every row
        details: dict[str, list] = {}  # class key → its change's details, once a class
        for row in self.rows:
            wanted = row.student
            if row.blocked or not wanted.classroom or row.number in self.left_out:
                continue
            class_key = wanted.classroom.casefold()
            classroom = snap.classes.get(class_key) or plan.new_classes.get(class_key)
            if classroom is None:
                classroom = Classroom(
                    school=self.school, name=wanted.classroom, year_level=wanted.year_level
                )
                plan.new_classes[class_key] = classroom
                self.counts["classes"]["new"] += 1
                details[class_key] = []
                plan.change(row.number, "class", classroom.name, "new", details[class_key])
            found = []
            if classroom.pk and classroom.archived_on and classroom not in plan.reopened:
                plan.reopened.append(classroom)
                found.append(msg(gettext_noop("Back in use (it was archived).")))
            has = snap.teachers.get(classroom.pk, set())
            for email in wanted.teacher_emails:
                user_id = snap.staff.get(email)
                if user_id is None and (class_key, email) not in warned:
                    warned.add((class_key, email))
                    row_error(
                        row,
                        self.header("teacher_emails"),
                        email,
                        msg(
                            gettext_noop(
                                "%(email)s is not on the school’s staff: invite them first, "
                                "then import again to add them to %(classroom)s."
                            ),
                            email=email,
                            classroom=wanted.classroom,
                        ),
                        blocking=False,
                    )
                elif (
                    user_id is not None
                    and user_id not in has
                    and (class_key, user_id) not in plan.new_teachers
                ):
                    plan.new_teachers.add((class_key, user_id))
                    found.append(msg(gettext_noop("Teacher added: %(email)s"), email=email))
            if found and class_key not in details:
                self.counts["classes"]["changed"] += 1
                details[class_key] = []
                plan.change(row.number, "class", classroom.name, "changed", details[class_key])
            details.get(class_key, []).extend(found)

    def run(self) -> Plan:
        if self.kind == STUDENTS:
            for row in self.rows:
                # A clash of ids stops the row, and a leaver's is left out, before its class
                # is planned.
                self.left(row, self.find(row))
            self.classes()
        for row in self.rows:
            if row.blocked:
                continue
            found = self.student(row) if self.kind == STUDENTS else self.child(row)
            if found is None or row.blocked:
                continue
            self.plan.students[found[0]] = found[1]
            for caregiver in row.caregivers:
                self.link(row, caregiver, *found)
        self.plan.counts = self.counts
        return self.plan


def make_plan(*, school, kind, rows, snap: Snapshot, targets, mapping, today) -> Plan:
    return _Planner(
        school=school,
        kind=kind,
        rows=rows,
        snap=snap,
        targets=targets,
        mapping=mapping,
        today=today,
    ).run()
