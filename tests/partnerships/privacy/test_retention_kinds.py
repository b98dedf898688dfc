"""More of what retention removes, on a fast-forwarded clock: imports a year after they were
uploaded (their rows hold names, emails and birthdays), emails that failed or were not sent
(each holds an address) like the sent ones, and households nobody lives in once their whānau
have gone. Emails still waiting to go, and anything of another school, stay."""

import datetime

import pytest
from django.utils import timezone

from partnerships.models import (
    AuditEvent,
    Household,
    ImportJob,
    OutboxEmail,
    PrivacyPolicy,
    School,
)
from partnerships.privacy import retention, retention_tasks
from tests import factories
from tests.partnerships.privacy.retention_world import NIGHT, TODAY, at, exists

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(time_machine):
    time_machine.move_to(NIGHT, tick=False)
    school = factories.SchoolFactory(name="Kōwhai School")
    PrivacyPolicy.objects.create(school=school, records_years=2, audit_years=3)
    PrivacyPolicy.objects.filter(school=school).update(
        periods_changed_at=at(datetime.date(2020, 1, 1))
    )
    return School.objects.get(pk=school.pk)  # its policy as stored, not as created


def run(capture) -> str:
    with capture(execute=True):
        retention_tasks.apply_retention()
    entry = AuditEvent.objects.filter(action="deleted", student=None).order_by("pk").last()
    return entry.summary if entry else ""


def import_job(school, *, uploaded: datetime.date, **fields) -> ImportJob:
    job = factories.ImportJobFactory(school=school, **fields)
    ImportJob.objects.filter(pk=job.pk).update(created_at=at(uploaded))
    return job


def email(school, status: str, *, written: datetime.date, key: str) -> OutboxEmail:
    return OutboxEmail.objects.create(
        key=key,
        kind="test",
        school=school,
        status=status,
        to="aroha@example.org",
        created_at=at(written),
        sent_at=at(written) if status == OutboxEmail.Status.SENT else None,
    )


def test_imports_go_a_year_after_they_were_uploaded(school, django_capture_on_commit_callbacks):
    old = import_job(school, uploaded=datetime.date(2025, 2, 1), status=ImportJob.Status.DONE)
    edge = import_job(school, uploaded=datetime.date(2025, 3, 1))  # a year today: goes
    soon = import_job(school, uploaded=datetime.date(2025, 3, 20))
    new = import_job(school, uploaded=datetime.date(2025, 12, 1))
    other = import_job(factories.SchoolFactory(), uploaded=datetime.date(2019, 1, 1))

    preview = retention.retention_preview(school, today=TODAY)
    assert [(str(due.what), due.count) for due in preview.tonight] == [("imported files", 2)]
    assert [(due.on, str(due.what), due.count) for due in preview.coming] == [
        (datetime.date(2026, 3, 20), "imported files", 1)
    ]

    assert "imported files (2)" in run(django_capture_on_commit_callbacks)
    assert not exists(old)
    assert not exists(edge)
    assert exists(soon)
    assert exists(new)
    assert exists(other)  # its school has only now got a policy: its 14 days start


def test_failed_and_unsent_emails_go_like_sent_ones(school, django_capture_on_commit_callbacks):
    long_ago, lately = datetime.date(2022, 6, 1), datetime.date(2024, 6, 1)
    gone = [
        email(school, OutboxEmail.Status.SENT, written=long_ago, key="sent"),
        email(school, OutboxEmail.Status.FAILED, written=long_ago, key="failed"),
        email(school, OutboxEmail.Status.SKIPPED, written=long_ago, key="skipped"),
    ]
    kept = [
        email(school, OutboxEmail.Status.QUEUED, written=long_ago, key="queued"),
        email(school, OutboxEmail.Status.FAILED, written=lately, key="failed lately"),
        email(school, OutboxEmail.Status.SKIPPED, written=lately, key="skipped lately"),
    ]
    preview = retention.retention_preview(school, today=TODAY)
    assert [(str(due.what), due.count) for due in preview.tonight] == [
        ("emails sent or not sent", 3)
    ]
    assert "emails sent or not sent (3)" in run(django_capture_on_commit_callbacks)
    assert [row.key for row in gone if exists(row)] == []
    assert [row.key for row in kept if not exists(row)] == []


def test_a_household_goes_once_nobody_lives_in_it(school, django_capture_on_commit_callbacks):
    leaver = factories.StudentFactory(
        school=school, classroom=None, left_on=datetime.date(2023, 1, 1)
    )
    staying = factories.StudentFactory(school=school)
    emptied = Household.objects.create(school=school, name="Mum’s house")
    shared = Household.objects.create(school=school, name="Nan’s house")
    for household in (emptied, emptied, shared):
        member = factories.WhanauLinkFactory(student=leaver).whanau
        member.household = household
        member.save(update_fields=["household"])
    nan = factories.WhanauLinkFactory(student=staying).whanau
    nan.household = shared
    nan.save(update_fields=["household"])
    untouched = Household.objects.create(school=school, name="Not yet filled in")

    summary = run(django_capture_on_commit_callbacks)
    assert "whānau members (3)" in summary
    assert "households (1)" in summary
    assert not exists(emptied)
    assert exists(shared)
    assert list(shared.members.all()) == [nan]
    assert exists(untouched)  # nobody's whānau went from it: not this run's to remove
    assert AuditEvent.objects.filter(at=timezone.now(), action="deleted").count() == 1
