"""The import benchmark: a school's export imported twice, timed, the second changing nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from partnerships.models import ImportJob, Invitation, OutboxEmail, School, Student, User


def run(**options) -> str:
    out = io.StringIO()
    call_command("benchmark_import", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_small_run_imports_then_changes_nothing_and_cleans_up():
    """60 students: imported, the same file again all unchanged, within budget; then its
    school, people, invitations and emails are gone."""
    output = run(students=60)
    assert "students {'new': 60, 'changed': 0, 'unchanged': 0}" in output
    assert "students {'new': 0, 'changed': 0, 'unchanged': 60}" in output
    assert "invitations 0" in output
    assert "Within budget" in output
    assert not School.objects.filter(name__startswith="Import benchmark").exists()
    assert not User.objects.filter(email__endswith="@bench.example").exists()
    assert not Student.objects.exists()
    assert not Invitation.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_kept_its_school_stays_and_its_emails_are_not_sent():
    """With --keep the school stays, and its invitations' emails are marked not to send."""
    run(students=5, caregivers_per_student=1, keep=True)
    school = School.objects.get(name__startswith="Import benchmark")
    assert school.students.count() == 5
    emails = OutboxEmail.objects.filter(school=school)
    assert emails.count() == Invitation.objects.filter(school=school).count() == 4  # 1 no contact
    assert not emails.filter(status=OutboxEmail.Status.QUEUED).exists()


@pytest.mark.django_db
def test_it_refuses_a_database_that_is_not_postgresql(monkeypatch):
    """The budget is PostgreSQL's: on SQLite it says so and writes nothing."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        run(students=5)
    assert not School.objects.filter(name__startswith="Import benchmark").exists()


@pytest.mark.django_db
def test_it_refuses_production_settings_without_force(settings):
    """A school of fictional children has no place on a production database."""
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="without --force"):
        run(students=5)
