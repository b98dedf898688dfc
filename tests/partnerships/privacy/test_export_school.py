"""A school that leaves takes all its data: a CSV per kind, its files, nothing of any other
school; and the sweep that expires exports and builds again those a dead worker left."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from learners.models import Evidence
from partnerships.models import PrivacyExport, Voice
from partnerships.privacy import crypto, export_tasks, exports
from partnerships.privacy.hooks import SCHOOL_TABLES
from tests import factories

pytestmark = pytest.mark.django_db


def opened(export) -> zipfile.ZipFile:
    export.refresh_from_db()
    with export.file.open("rb") as stored:
        return zipfile.ZipFile(io.BytesIO(b"".join(crypto.decrypt_chunks(stored))))


def school_export(world) -> PrivacyExport:
    export = exports.export_school(actor=world.leader, school=world.school)
    exports.export_build(export.pk)
    export.refresh_from_db()
    return export


def rows(archive, name) -> list[list[str]]:
    text = archive.read(f"{name}.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_a_csv_per_kind_with_formulas_neutralised_and_the_evidence_files(world):
    world.goal.title = '=HYPERLINK("http://evil.example")'
    world.goal.save()
    evidence = Evidence(
        goal=world.goal, kind=Evidence.Kind.PHOTO, original_name="maths.png", voice=Voice.TEACHER
    )
    evidence.file.save("maths.png", ContentFile(factories.PNG), save=False)
    evidence.save()
    factories.StudentFactory(school=world.other_school, first_name="Elsewhere")
    archive = opened(school_export(world))
    names = set(archive.namelist())
    for kind in (
        "students",
        "whanau",
        "whanau_links",
        "households",
        "staff",
        "classes",
        "goals",
        "goal_comments",
        "evidence",
        "next_steps",
        "inquiry_steps",
        "conversations",
        "bookings",
        "weekly_updates",
        "weekly_update_replies",
        "reports",
        "report_responses",
        "audit_trail",
        "privacy_requests",
    ):
        assert f"{kind}.csv" in names, kind
    students = rows(archive, "students")
    assert students[0][:3] == ["id", "first_name", "last_name"]
    assert {row[1] for row in students[1:]} == {
        world.student.first_name,
        world.classmate.first_name,
        world.other_student.first_name,
    }
    goals = rows(archive, "goals")
    assert goals[1][2] == '\'=HYPERLINK("http://evil.example")'
    assert archive.read(f"files/evidence/{evidence.pk}-maths.png") == factories.PNG
    evidence_rows = rows(archive, "evidence")
    assert evidence_rows[1][-1] == f"files/evidence/{evidence.pk}-maths.png"
    everything = b"".join(archive.read(name) for name in names)
    assert b"Elsewhere" not in everything
    assert world.other_school_student.first_name.encode() not in everything


def test_every_registered_app_contributes_tables():
    assert {entry.name for entry in SCHOOL_TABLES} >= {
        "partnerships.people",
        "learners",
        "conversations",
        "reports",
    }


def test_only_a_leader_of_the_school_exports_it(world):
    for someone in (world.teacher, world.whanau, world.other_school_leader):
        with pytest.raises(PermissionDenied):
            exports.export_school(actor=someone, school=world.school)


def test_while_one_is_queued_asking_again_gives_it_and_once_built_a_new_one(world):
    first = exports.export_school(actor=world.leader, school=world.school)
    assert exports.export_school(actor=world.leader, school=world.school).pk == first.pk
    exports.export_build(first.pk)
    assert exports.export_school(actor=world.leader, school=world.school).pk != first.pk


# The sweep --------------------------------------------------------------------------


def test_the_sweep_deletes_expired_exports_and_builds_again_what_a_dead_worker_left(world):
    expired = school_export(world)
    storage, name = expired.file.storage, expired.file.name
    assert storage.exists(name)
    PrivacyExport.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    long_ago = timezone.now() - exports.STALLED - datetime.timedelta(minutes=1)
    stalled = PrivacyExport.objects.create(
        school=world.school, recipient=world.leader, asked_by=world.leader, created_at=long_ago
    )
    # Asked for 15 minutes ago: it may still be building, well inside its time limit.
    building = timezone.now() - datetime.timedelta(minutes=15)
    recent = PrivacyExport.objects.create(
        school=world.school, recipient=world.leader, asked_by=world.leader, created_at=building
    )
    assert export_tasks.sweep_exports() == {"expired": 1, "restarted": 1}
    expired.refresh_from_db()
    assert expired.status == PrivacyExport.Status.EXPIRED
    assert not expired.file
    assert not storage.exists(name)
    stalled.refresh_from_db()
    assert stalled.status == PrivacyExport.Status.READY  # built again (the worker runs eagerly)
    recent.refresh_from_db()
    assert recent.status == PrivacyExport.Status.QUEUED
    assert export_tasks.sweep_exports() == {"expired": 0, "restarted": 0}


def test_building_an_export_already_ready_or_expired_does_nothing(world):
    export = school_export(world)
    assert export_tasks.build_export(export.pk) is False
    exports.export_expire(export)
    assert export_tasks.build_export(export.pk) is False
    export.refresh_from_db()
    assert export.status == PrivacyExport.Status.EXPIRED


def test_a_failed_build_says_so(world, monkeypatch):
    request_export = PrivacyExport.objects.create(
        school=world.school, recipient=world.leader, asked_by=world.leader
    )

    def broken(export, target):
        raise RuntimeError("disk full")

    monkeypatch.setattr("partnerships.privacy.archive.write_school", broken)
    with pytest.raises(RuntimeError):
        exports.export_build(request_export.pk)
    request_export.refresh_from_db()
    assert request_export.status == PrivacyExport.Status.FAILED
