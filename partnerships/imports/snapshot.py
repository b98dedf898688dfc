"""What a school already has that an import's rows may touch, read once into dictionaries;
and who each caregiver is, as the file first gives them."""

from dataclasses import dataclass, field

from django.db.models import Q

from partnerships.imports.rows import CaregiverIn, RowIn, person_key
from partnerships.imports.values import phone_digits
from partnerships.models import Classroom, Invitation, Staff, Student, WhanauLink, WhanauMember


@dataclass
class Snapshot:
    """What the school has that the rows may touch: read once, kept in dictionaries."""

    by_nsn: dict = field(default_factory=dict)
    by_ref: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)  # casefolded name → Classroom
    class_names: dict = field(default_factory=dict)  # pk → name
    teachers: dict = field(default_factory=dict)  # class pk → teacher user ids
    staff: dict = field(default_factory=dict)  # email → user id
    by_email: dict = field(default_factory=dict)
    by_phone: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)  # pk → WhanauMember
    links: dict = field(default_factory=dict)  # (member pk, student pk) → WhanauLink
    named: dict = field(default_factory=dict)  # (name, student pk) → WhanauMember
    # Emails with a pending whānau invitation: accepting it links every child the person is
    # whānau of at the school, so one invitation each is enough.
    invited: set = field(default_factory=set)


def load_snapshot(school, rows: list[RowIn]) -> Snapshot:
    snap = Snapshot()
    for classroom in Classroom.objects.filter(school=school):
        snap.classes[classroom.name.casefold()] = classroom
        snap.class_names[classroom.pk] = classroom.name
    for class_id, user_id in Classroom.teachers.through.objects.filter(
        classroom__school=school
    ).values_list("classroom_id", "user_id"):
        snap.teachers.setdefault(class_id, set()).add(user_id)
    for email, user_id in Staff.objects.filter(school=school).values_list("user__email", "user"):
        if email:
            snap.staff[email.lower()] = user_id
    nsns = {row.student.nsn for row in rows if row.student.nsn}
    refs = {row.student.school_ref for row in rows if row.student.school_ref}
    for student in Student.objects.filter(school=school).filter(
        Q(nsn__in=nsns) | Q(school_ref__in=refs)
    ):
        if student.nsn:
            snap.by_nsn[student.nsn] = student
        if student.school_ref:
            snap.by_ref[student.school_ref] = student
    # Those with an account first, so the person who joined is the one found.
    for member in WhanauMember.objects.filter(school=school).order_by("user", "pk"):
        snap.members[member.pk] = member
        if member.email:
            snap.by_email.setdefault(member.email.lower(), member)
        # The file's phones are read the same way, so the same number finds the same person.
        if digits := phone_digits(member.phone):
            snap.by_phone.setdefault((person_key(member.name), digits), member)
    student_ids = {s.pk for s in [*snap.by_nsn.values(), *snap.by_ref.values()]}
    for link in WhanauLink.objects.filter(student_id__in=student_ids):
        snap.links[link.whanau_id, link.student_id] = link
        member = snap.members.get(link.whanau_id)
        if member is not None:
            snap.named.setdefault((person_key(member.name), link.student_id), member)
    emails = {c.email for row in rows for c in row.caregivers if c.email}
    snap.invited = set(
        Invitation.objects.pending()
        .filter(school=school, kind=Invitation.Kind.WHANAU, email__in=emails)
        .values_list("email", flat=True)
    )
    return snap


def targets_of(school, rows: list[RowIn]) -> dict[tuple, CaregiverIn]:
    """Each caregiver as the file first gives them (rows with a problem, and rows about a
    student who has left, aside): the same person on several rows is written once, from the
    same row, whichever part of the file an import is at."""
    left = _leavers_rows(school, rows)
    targets: dict[tuple, CaregiverIn] = {}
    for row in rows:
        if not row.blocked and row.number not in left:
            for caregiver in row.caregivers:
                targets.setdefault(caregiver.key, caregiver)
    return targets


def _leavers_rows(school, rows: list[RowIn]) -> set[int]:
    """The numbers of the rows about a student who has left, found as the plan finds a
    row's student (by NSN, else the school's id): the plan leaves these rows out."""
    nsns = {row.student.nsn for row in rows if row.student.nsn}
    refs = {row.student.school_ref for row in rows if row.student.school_ref}
    if not nsns and not refs:
        return set()
    by_nsn, by_ref = {}, {}
    for nsn, ref, left_on in (
        Student.objects.filter(school=school)
        .filter(Q(nsn__in=nsns) | Q(school_ref__in=refs))
        .values_list("nsn", "school_ref", "left_on")
    ):
        if nsn:
            by_nsn[nsn] = left_on
        if ref:
            by_ref[ref] = left_on
    left = set()
    for row in rows:
        nsn, ref = row.student.nsn, row.student.school_ref
        left_on = by_nsn[nsn] if nsn in by_nsn else by_ref.get(ref)
        if left_on is not None:
            left.add(row.number)
    return left
