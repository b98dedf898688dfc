"""The privacy benchmark, run on a small school: its figures, and nothing of it left behind."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from partnerships.models import AuditEvent, OutboxEmail, PrivacyExport, PrivacyRequest, Student
from reports.bench.pages import demo_school
from reports.bench.seeding import seed


def _stored_exports(school) -> list[str]:
    storage = PrivacyExport._meta.get_field("file").storage
    try:
        return storage.listdir(f"exports/{school.pk}")[1]
    except FileNotFoundError:
        return []


def _state(school) -> dict:
    """What a run could leave behind: rows of each kind it writes, leavers, stored exports."""
    return {
        "exports": PrivacyExport.objects.count(),
        "requests": PrivacyRequest.objects.count(),
        "audit": AuditEvent.objects.count(),
        "emails": OutboxEmail.objects.count(),
        "students": Student.objects.filter(school=school).count(),
        "leavers": Student.objects.filter(school=school, left_on__isnull=False).count(),
        "files": _stored_exports(school),
    }


@pytest.mark.django_db
def test_a_small_school_is_measured_and_left_as_it_was():
    """At 30 students every step is timed against its budget (the verdict not asserted: a
    busy machine is no measurement), each export says its size and what it holds, retention
    says what it removed; and afterwards the database and the export storage are as they
    were."""
    seed(1, 30, lambda line: None)
    school = demo_school()
    before = _state(school)
    out = StringIO()
    call_command(
        "benchmark_privacy", "--skip-seed", "--figures-only", stdout=out, stderr=StringIO()
    )
    text = out.getvalue()
    assert "30 students" in text
    for step in ("whole-school export", "a person's export", "retention preview"):
        assert re.search(rf"^{step}\s+\d+\.\d\d\s+\d+s\s+(yes|NO)$", text, re.MULTILINE), text
    assert re.search(r"^retention run\s+\d+\.\d\d\s+60s\s+(yes|NO)$", text, re.MULTILINE), text
    assert re.search(r"zip [\d.,]+ [kM]B .*\n\s+[1-9]\d* CSVs, [\d,]+ files", text), text
    assert "with the child's record" in text
    assert re.search(r"[1-9]\d* students marked as having left", text), text
    assert re.search(r"removed: .*student records [1-9]", text), text
    assert _state(school) == before


@pytest.mark.django_db
def test_the_command_refuses_sqlite(monkeypatch):
    """On SQLite it stops before seeding and says the budget needs PostgreSQL."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match=r"PostgreSQL.*DATABASE_URL"):
        call_command("benchmark_privacy", "--students", "30", stdout=StringIO())
    assert not Student.objects.exists()


@pytest.mark.django_db
def test_a_database_without_its_data_is_named_not_measured():
    """With --skip-seed and no demo school, it says what is missing and how to seed it."""
    with pytest.raises(CommandError, match=r"No Kōwhai Primary School.*without --skip-seed"):
        call_command("benchmark_privacy", "--skip-seed", stdout=StringIO())
