"""The world retention is tested on: a school of leavers, evidence files, audit rows, privacy
requests, exports and sent emails of many ages, on a clock stopped at a night in March."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile

from conversations.weekly.models import WeeklyUpdate
from learners.models import Evidence, GoalComment
from partnerships.models import (
    AuditEvent,
    OutboxEmail,
    PrivacyExport,
    PrivacyPolicy,
    PrivacyRequest,
    School,
    Student,
    Voice,
    WhanauMember,
)
from partnerships.privacy import retention_tasks
from tests import factories
from tests.factories import PNG

NZ = datetime.timezone(datetime.timedelta(hours=13))  # Auckland in summer
# 2am on 1 March 2026 in Auckland: the night run's time.
NIGHT = datetime.datetime(2026, 3, 1, 2, 30, tzinfo=NZ)
TODAY = datetime.date(2026, 3, 1)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=NZ)


def on_disk(media: Path, field) -> bool:
    return bool(field.name) and (media / field.name).exists()


def evidence(student, *, added: datetime.date, note: str = "", name: str = "work.png"):
    goal = factories.GoalFactory(student=student)
    row = Evidence.objects.create(
        goal=goal,
        kind=Evidence.Kind.PHOTO,
        note=note,
        voice=Voice.TEACHER,
        original_name=name,
        content_type="image/png",
        file=ContentFile(PNG, name=name),
    )
    Evidence.objects.filter(pk=row.pk).update(created_at=at(added))
    row.refresh_from_db()
    return row


def update(student, *, week: datetime.date):
    row = WeeklyUpdate.objects.create(
        student=student,
        week=week,
        learned="I learned to count in te reo.",
        photo=ContentFile(PNG, name="update.png"),
        photo_type="image/png",
    )
    WeeklyUpdate.objects.filter(pk=row.pk).update(created_at=at(week))
    row.refresh_from_db()
    return row


def audit_row(school, *, on: datetime.date, summary: str = "Looked"):
    return AuditEvent.objects.create(
        school=school,
        action="viewed",
        object_type="partnerships.school",
        summary=summary,
        at=at(on),
    )


def request(school, requester, *, closed: datetime.date | None, student=None):
    return PrivacyRequest.objects.create(
        school=school,
        kind=PrivacyRequest.Kind.ACCESS,
        status=PrivacyRequest.Status.SENT if closed else PrivacyRequest.Status.OPEN,
        requester=requester,
        student=student,
        received_at=at(closed or datetime.date(2020, 1, 1)),
        due_on=closed or datetime.date(2020, 2, 1),
        closed_at=at(closed) if closed else None,
    )


def export(school, recipient, *, created: datetime.date, status=PrivacyExport.Status.EXPIRED, **f):
    return PrivacyExport.objects.create(
        school=school,
        recipient=recipient,
        status=status,
        created_at=at(created),
        file=ContentFile(b"PK zip", name="export.zip"),
        **f,
    )


def email(school, *, sent: datetime.date | None, key: str):
    return OutboxEmail.objects.create(
        key=key,
        kind="test",
        school=school,
        status=OutboxEmail.Status.SENT if sent else OutboxEmail.Status.QUEUED,
        sent_at=at(sent) if sent else None,
        created_at=at(sent or datetime.date(2020, 1, 1)),
    )


@dataclass
class Scene:
    school: School
    other_school: School
    leaver: Student  # left 1 Feb 2024: due 1 Feb 2026
    edge: Student  # left 1 Mar 2024: due today exactly
    soon: Student  # left 10 Mar 2024: due in 9 days
    enrolled: Student
    other_leaver: Student  # another school's, long gone
    leaver_evidence: Evidence
    leaver_update: WeeklyUpdate
    leaver_export: PrivacyExport
    only_whanau: WhanauMember  # linked to the leaver alone: goes
    shared_whanau: WhanauMember  # linked to the leaver and to a current student: stays
    soon_whanau: WhanauMember  # linked to the leaver and to a leaver not yet due: stays
    teacher_whanau: WhanauMember  # linked to the leaver alone, and on the staff: account stays
    old_note: Evidence
    old_bare: Evidence
    new_evidence: Evidence
    other_evidence: Evidence
    old_update: WeeklyUpdate
    new_update: WeeklyUpdate
    old_audit: AuditEvent
    new_audit: AuditEvent
    old_request: PrivacyRequest
    new_request: PrivacyRequest
    open_request: PrivacyRequest
    old_export: PrivacyExport
    new_export: PrivacyExport
    old_email: OutboxEmail
    new_email: OutboxEmail
    queued_email: OutboxEmail


def build(policy_changed: datetime.date = datetime.date(2025, 1, 1)) -> Scene:
    school = factories.SchoolFactory(name="Kōwhai School")
    PrivacyPolicy.objects.create(school=school, records_years=2, evidence_years=1, audit_years=3)
    PrivacyPolicy.objects.filter(school=school).update(periods_changed_at=at(policy_changed))
    leader = factories.LeaderFactory(school=school).user
    other_school = factories.SchoolFactory(name="Other School")
    # The other school has kept no policy: nothing of it goes for 14 days, and then by defaults.
    leaver_user = factories.UserFactory(email=None, password=None, name="Aroha Leaver")
    leaver = factories.StudentFactory(
        school=school,
        first_name="Aroha",
        last_name="Leaver",
        user=leaver_user,
        left_on=datetime.date(2024, 2, 1),
        classroom=None,
    )
    edge = factories.StudentFactory(
        school=school,
        first_name="Tama",
        last_name="Edge",
        left_on=datetime.date(2024, 3, 1),
        classroom=None,
    )
    soon = factories.StudentFactory(
        school=school,
        first_name="Mere",
        last_name="Soon",
        left_on=datetime.date(2024, 3, 10),
        classroom=None,
    )
    enrolled = factories.StudentFactory(school=school, first_name="Hemi", last_name="Stays")
    other_leaver = factories.StudentFactory(
        school=other_school,
        first_name="Other",
        last_name="Leaver",
        left_on=datetime.date(2010, 1, 1),
        classroom=None,
    )
    only = factories.WhanauLinkFactory(student=leaver).whanau
    shared = factories.WhanauLinkFactory(student=leaver).whanau
    factories.WhanauLinkFactory(student=enrolled, whanau=shared)
    soon_whanau = factories.WhanauLinkFactory(student=leaver).whanau
    factories.WhanauLinkFactory(student=soon, whanau=soon_whanau)
    teacher_whanau = factories.WhanauLinkFactory(student=leaver).whanau
    factories.StaffFactory(school=other_school, user=teacher_whanau.user)
    leaver_evidence = evidence(leaver, added=datetime.date(2025, 12, 1), name="aroha.png")
    GoalComment.objects.create(
        goal=leaver_evidence.goal,
        author=only.user,
        voice="whanau",
        body="We read it together at home.",
    )
    # Answered: what it was about goes with the student (an open one would hold them).
    leaver_request = request(school, only.user, closed=datetime.date(2025, 12, 1), student=leaver)
    return Scene(
        school=School.objects.get(pk=school.pk),  # its policy as stored, not as created
        other_school=other_school,
        leaver=leaver,
        edge=edge,
        soon=soon,
        enrolled=enrolled,
        other_leaver=other_leaver,
        leaver_evidence=leaver_evidence,
        leaver_update=update(leaver, week=datetime.date(2025, 11, 3)),
        leaver_export=export(
            school,
            only.user,
            created=datetime.date(2025, 12, 1),
            status=PrivacyExport.Status.READY,
            request=leaver_request,
        ),
        only_whanau=only,
        shared_whanau=shared,
        soon_whanau=soon_whanau,
        teacher_whanau=teacher_whanau,
        old_note=evidence(enrolled, added=datetime.date(2025, 2, 1), note="Counting to 100"),
        old_bare=evidence(enrolled, added=datetime.date(2025, 1, 15)),
        new_evidence=evidence(enrolled, added=datetime.date(2025, 6, 1), note="Kapa haka"),
        other_evidence=evidence(other_leaver, added=datetime.date(2011, 1, 1)),
        old_update=update(enrolled, week=datetime.date(2025, 2, 3)),
        new_update=update(enrolled, week=datetime.date(2025, 9, 1)),
        old_audit=audit_row(school, on=datetime.date(2022, 12, 1)),
        new_audit=audit_row(school, on=datetime.date(2023, 6, 1)),
        old_request=request(school, leader, closed=datetime.date(2023, 12, 1)),
        new_request=request(school, leader, closed=datetime.date(2025, 1, 1)),
        open_request=request(school, leader, closed=None),
        old_export=export(school, leader, created=datetime.date(2023, 12, 1)),
        new_export=export(school, leader, created=datetime.date(2025, 6, 1)),
        old_email=email(school, sent=datetime.date(2022, 6, 1), key="old"),
        new_email=email(school, sent=datetime.date(2024, 6, 1), key="new"),
        queued_email=email(school, sent=None, key="queued"),
    )


def exists(obj) -> bool:
    return type(obj).objects.filter(pk=obj.pk).exists()


def run(capture) -> None:
    with capture(execute=True):
        retention_tasks.apply_retention()
