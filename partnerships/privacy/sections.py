"""What the ground floor holds about a person, and a school's people, for exports.

A person's export holds their account, their whānau record(s) at the school (details,
preferences, needs, their household's name, their own links to tamariki), their staff record,
and the profile of the student it is about. Never another whānau member's record, not even
of the same child's other household: each person asks for their own.
"""

from django.utils.translation import gettext as _

from partnerships.models import (
    AuditEvent,
    Classroom,
    Household,
    PrivacyRequest,
    Staff,
    Student,
    WhanauLink,
    WhanauMember,
)
from partnerships.privacy import export_mail  # noqa: F401  (the export-ready email's kind)
from partnerships.privacy.hooks import PERSON_SECTIONS, SCHOOL_TABLES, Section, Subject, Table
from partnerships.privacy.rows import child_of, csv_rows, fields, label, shown
from partnerships.privacy.statements import statement_rows

WHANAU_FIELDS = (
    "name",
    "email",
    "phone",
    "preferred_language",
    "preferred_contact",
    "preferred_meeting_times",
    "needs_childcare",
    "needs_interpreter",
    "interpreter_language",
    "accessibility_needs",
)
STUDENT_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "year_level",
    "start_date",
    "date_of_birth",
    "nsn",
    "left_on",
    "media_consent",
    *Student.PROFILE_FIELDS,
)


@PERSON_SECTIONS.register("partnerships.people", order=10)
def person_sections(subject: Subject):
    user = subject.user
    yield Section(
        _("Your account"),
        [fields(user, ("name", "email", "preferred_language", "date_joined"))],
    )
    members = list(
        WhanauMember.objects.filter(school=subject.school, user=user).select_related("household")
    )
    if members:
        rows = []
        for member in members:
            row = fields(member, WHANAU_FIELDS)
            household = member.household
            row[_("Household")] = str(household.name) if household and household.name else ""
            row.update(statement_rows(member.correction_statements))
            rows.append(row)
        yield Section(_("Your details as whānau"), rows)
        links = WhanauLink.objects.filter(whanau__in=members).select_related("student")
        yield Section(
            _("Your tamariki at the school"),
            [
                {
                    # "No access / no contact": the person is told nothing about the child.
                    _("Student"): link.student.full_name
                    if link.has_access
                    else _("Not shown: no contact through the school"),
                    label(WhanauLink, "relationship"): link.get_relationship_display(),
                    label(WhanauLink, "has_access"): shown(link.has_access),
                    label(WhanauLink, "receives_weekly_update"): shown(link.receives_weekly_update),
                }
                for link in links
            ],
        )
    staff = Staff.everyone.filter(school=subject.school, user=user).first()
    if staff is not None:
        classes = Classroom.objects.filter(school=subject.school, teachers=user)
        row = fields(staff, ("role", "title", "joined_at", "left_at"))
        row[_("Classes")] = ", ".join(classroom.name for classroom in classes)
        yield Section(_("Your staff record"), [row])
    student = child_of(subject)
    if student is not None:
        row = fields(student, STUDENT_FIELDS)
        row[_("Class")] = student.classroom.name if student.classroom_id else ""
        yield Section(_("About %(name)s") % {"name": student.full_name}, [row])


# A school's tables -------------------------------------------------------------------


@SCHOOL_TABLES.register("partnerships.people", order=10)
def school_tables(school):
    student_columns = [
        "id",
        "first_name",
        "last_name",
        "preferred_name",
        "year_level",
        "classroom__name",
        "start_date",
        "date_of_birth",
        "nsn",
        "school_ref",
        "left_on",
        "is_priority_learner",
        "media_consent",
        *Student.PROFILE_FIELDS,
    ]
    yield Table(
        "students",
        student_columns,
        csv_rows(
            Student.objects.filter(school=school).select_related("classroom"), student_columns
        ),
    )
    whanau_columns = ["id", "household_id", "user__email", *WHANAU_FIELDS, "correction_statements"]
    yield Table(
        "whanau",
        whanau_columns,
        csv_rows(WhanauMember.objects.filter(school=school).select_related("user"), whanau_columns),
    )
    link_columns = [
        "id",
        "whanau_id",
        "student_id",
        "relationship",
        "has_access",
        "receives_weekly_update",
    ]
    yield Table(
        "whanau_links",
        link_columns,
        csv_rows(WhanauLink.objects.filter(student__school=school), link_columns),
    )
    household_columns = ["id", "name", "created_at"]
    yield Table(
        "households",
        household_columns,
        csv_rows(Household.objects.filter(school=school), household_columns),
    )
    staff_columns = ["id", "user__name", "user__email", "role", "title", "joined_at", "left_at"]
    yield Table(
        "staff",
        staff_columns,
        csv_rows(Staff.everyone.filter(school=school).select_related("user"), staff_columns),
    )
    class_columns = ["id", "name", "year_level", "archived_on", "teachers"]
    classes = Classroom.objects.filter(school=school)
    yield Table(
        "classes",
        class_columns,
        (
            [
                classroom.pk,
                classroom.name,
                classroom.year_level,
                classroom.archived_on and classroom.archived_on.isoformat(),
                "; ".join(user.name for user in classroom.teachers.all()),
            ]
            for classroom in classes.prefetch_related("teachers")
        ),
    )
    # The record of who viewed and changed what, and the privacy requests: the school must be
    # able to show both after it leaves.
    audit_columns = [
        "id",
        "at",
        "actor__name",
        "student_id",
        "action",
        "object_type",
        "object_id",
        "summary",
    ]
    yield Table(
        "audit_trail",
        audit_columns,
        csv_rows(AuditEvent.objects.filter(school=school).select_related("actor"), audit_columns),
    )
    request_columns = [
        "id",
        "kind",
        "status",
        "requester__name",
        "student_id",
        "received_at",
        "due_on",
        "include_student",
        "details",
        "response",
        "statement",
        "closed_at",
    ]
    yield Table(
        "privacy_requests",
        request_columns,
        csv_rows(
            PrivacyRequest.objects.filter(school=school).select_related("requester"),
            request_columns,
        ),
    )
