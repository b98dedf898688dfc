"""The plan: a file's rows against what the school has, as what an import would create and
change, with the details a preview shows. The rules of who is who are in ``checking``."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from partnerships.imports.fields import FIELD_BY_NAME, STUDENTS
from partnerships.imports.rows import CaregiverIn, RowIn, person_key
from partnerships.imports.snapshot import Snapshot
from partnerships.imports.values import MEMBER_LABELS, link_label, msg, phone_digits
from partnerships.models import Classroom, Student, WhanauLink, WhanauMember

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
_CHANGED = gettext_noop("%(field)s: %(old)s → %(new)s")


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


def _error(row: RowIn, column: str, value: str, entry: dict, *, blocking: bool = True) -> None:
    row.errors.append(
        {"row": row.number, "column": column, "value": value, **entry, "blocking": blocking}
    )


class _Planner:
    def __init__(self, *, school, kind, rows, snap, targets, mapping, today):
        self.school, self.kind, self.rows, self.snap = school, kind, rows, snap
        self.targets, self.mapping, self.today = targets, mapping, today
        self.plan = Plan(rows=rows)
        self.seen_members: set = set()
        self.linked: set = set()
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
                _error(
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
                _error(
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

    def student(self, row: RowIn) -> tuple | None:
        """The row's student: (key, Student), planning its creation or changes."""
        wanted = row.student
        existing = self.find(row)
        if row.blocked:
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
        if existing.left_on:
            _error(
                row,
                self.header("first_name"),
                wanted.name,
                msg(
                    gettext_noop(
                        "%(name)s left the school on %(date)s: the import updates their record, "
                        "and they stay a leaver."
                    ),
                    name=existing.full_name,
                    date=existing.left_on.isoformat(),
                ),
                blocking=False,
            )
        details, changed = [], []
        for name in STUDENT_VALUES:
            new = getattr(wanted, name)
            old = getattr(existing, name)
            if new in ("", None) or new == old:
                continue
            details.append(
                msg(
                    _CHANGED,
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
                msg(_CHANGED, field=msg(gettext_noop("Class")), old=old, new=wanted.classroom)
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
        """A caregivers file's student: one of this school's, or a row error that says the
        same whether the number is another school's or nobody's."""
        found = self.find(row)
        if found is None and not row.blocked:
            column = "student_nsn" if row.student.nsn else "student_ref"
            _error(
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
        return None if found is None or row.blocked else (row.student.key, found)

    # Classes -------------------------------------------------------------------

    def classes(self) -> None:
        plan, snap = self.plan, self.snap
        warned = set()  # once for each teacher and class, not on every row
        details: dict[str, list] = {}  # class key → its change's details, once a class
        for row in self.rows:
            wanted = row.student
            if row.blocked or not wanted.classroom:
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
                    _error(
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

    # Whānau --------------------------------------------------------------------

    def member(self, caregiver: CaregiverIn, student: Student) -> tuple:
        snap, key = self.snap, caregiver.key
        if key[0] == "email":
            found = snap.by_email.get(key[1])
            # Known by name and phone before the school had their email: the same person.
            digits = phone_digits(caregiver.phone)
            if found is None and digits:
                known = snap.by_phone.get((person_key(caregiver.name), digits))
                found = known if known is not None and not known.email else None
        elif key[0] == "phone":
            found = snap.by_phone.get(key[1:])
        else:
            found = snap.named.get((key[1], student.pk)) if student.pk else None
        if found is None:  # met on an earlier row of this file
            found = self.plan.members.get(key)
        target = self.targets.get(key, caregiver)
        found, action, details = self._member(key, found, target, caregiver)
        self.plan.members[key] = found
        return found, action, details

    def _member(self, key, found, target, caregiver) -> tuple:
        first = key not in self.seen_members and target.row == caregiver.row
        self.seen_members.add(key)
        if found is None:
            found = WhanauMember(
                school=self.school,
                name=target.name,
                email=target.email,
                phone=target.phone,
                preferred_language=target.language or self._first_language(),
                preferred_contact=target.contact or WhanauMember.Contact.EMAIL,
            )
            self.plan.new_members[key] = found
            self.counts["whanau"]["new"] += 1
            return found, "new", []
        if not first or not found.pk:
            return found, "", []
        values = {"phone": target.phone}
        if found.user_id is None:  # one who joined keeps what they chose
            values |= {"name": target.name, "email": target.email}
            values |= {"preferred_language": target.language}
            values |= {"preferred_contact": target.contact}
        changed = [name for name, new in values.items() if new and new != getattr(found, name)]
        details = []
        for name in changed:
            details.append(
                msg(
                    _CHANGED,
                    field=msg(MEMBER_LABELS[name]),
                    old=getattr(found, name) or "–",
                    new=values[name],
                )
            )
            setattr(found, name, values[name])
        if changed:
            self.plan.changed_members[found.pk] = (found, changed)
            self.counts["whanau"]["changed"] += 1
            return found, "changed", details
        self.counts["whanau"]["unchanged"] += 1
        return found, "", []

    def _first_language(self) -> str:
        return (self.school.languages or ["en"])[0]

    def link(self, row: RowIn, caregiver: CaregiverIn, skey: tuple, student: Student) -> None:
        member, action, details = self.member(caregiver, student)
        if (caregiver.key, skey) in self.linked:
            return
        self.linked.add((caregiver.key, skey))
        existing = (
            self.snap.links.get((member.pk, student.pk)) if member.pk and student.pk else None
        )
        relationship = caregiver.relationship or WhanauLink.Relationship.PARENT
        if existing is None:
            link = WhanauLink(
                relationship=relationship,
                has_access=not caregiver.no_contact,
                receives_weekly_update=not caregiver.no_contact,
            )
            self.plan.new_links.append((skey, caregiver.key, link))
            self.counts["links"]["new"] += 1
            details.append(
                msg(
                    gettext_noop("%(relationship)s of %(student)s"),
                    relationship=msg(link_label(relationship)),
                    student=student.full_name,
                )
            )
            if caregiver.no_contact:
                details.append(self._no_contact(student))
            elif member.email and member.user_id is None and member.email not in self.snap.invited:
                self.snap.invited.add(member.email)
                self.plan.invitations.append((skey, caregiver.key, relationship))
                self.counts["invitations"] += 1
        else:
            changed = []
            if caregiver.relationship and caregiver.relationship != existing.relationship:
                details.append(
                    msg(
                        _CHANGED,
                        field=msg(gettext_noop("Relationship")),
                        old=msg(link_label(existing.relationship)),
                        new=msg(link_label(caregiver.relationship)),
                    )
                )
                existing.relationship = caregiver.relationship
                changed.append("relationship")
            if caregiver.no_contact and (existing.has_access or existing.receives_weekly_update):
                existing.has_access = existing.receives_weekly_update = False
                changed += ["has_access", "receives_weekly_update"]
                details.append(self._no_contact(student))
            elif not caregiver.no_contact and not existing.has_access:
                _error(
                    row,
                    self.header(caregiver.column("name")),
                    caregiver.name,
                    msg(
                        gettext_noop(
                            "The school has marked %(name)s no contact for %(student)s. An "
                            "import never gives access back: if that has changed, change it on "
                            "their whānau page."
                        ),
                        name=member.name,
                        student=student.full_name,
                    ),
                    blocking=False,
                )
            if changed:
                self.plan.changed_links.append((existing, changed))
                self.counts["links"]["changed"] += 1
        if details:
            self.plan.change(row.number, "whanau", member.name, action or "changed", details)

    @staticmethod
    def _no_contact(student: Student) -> dict:
        return msg(
            gettext_noop("No contact: sees nothing and is sent nothing about %(student)s."),
            student=student.full_name,
        )

    def run(self) -> Plan:
        if self.kind == STUDENTS:
            for row in self.rows:
                self.find(row)  # a clash of ids stops the row before its class is planned
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
