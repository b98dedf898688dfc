"""Whānau and leavers in an import: a no-contact flag is never lost, a leaver's record is left
alone, someone who joined keeps their own details, and what an import changes about a whānau
member is on each of their children's records."""

import datetime

import pytest
import time_machine

from partnerships.imports.values import describe
from partnerships.models import (
    AuditEvent,
    Classroom,
    ImportJob,
    Invitation,
    Student,
    WhanauLink,
    WhanauMember,
)
from tests import factories
from tests.partnerships.imports import files, flow

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)
SECOND = ["Caregiver 2 Name", "Caregiver 2 Email", "Caregiver 2 No Contact"]
CAREGIVER_HEADERS = ["Student NSN", "Caregiver Name", "Email", "No Contact"]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def upload(rows, headers=files.STUDENT_HEADERS):
    return files.csv_upload(files.csv_text(headers, rows))


def notes(job) -> list[str]:
    return [describe(error) for error in job.preview["errors"] if not error["blocking"]]


def test_a_no_contact_caregiver_sharing_an_email_on_the_same_row_keeps_no_contact(
    world, django_capture_on_commit_callbacks
):
    """Two caregivers of one child share an email and the second is marked no contact: the
    email gets no access and no invitation, and the preview says why."""
    row = [*files.student_row(1), "Hemi Ngata", "mere1@example.com", "Yes"]
    job = flow.run_import(
        django_capture_on_commit_callbacks,
        school=world.school,
        by=world.leader,
        upload=upload([row], [*files.STUDENT_HEADERS, *SECOND]),
    )
    assert job.status == ImportJob.Status.DONE
    link = WhanauLink.objects.get(whanau__email="mere1@example.com")
    assert (link.has_access, link.receives_weekly_update) == (False, False)
    assert not Invitation.objects.filter(email="mere1@example.com").exists()
    job.refresh_from_db()
    assert WhanauMember.objects.filter(school=world.school, email="mere1@example.com").count() == 1


def test_the_preview_says_why_no_contact_wins_for_a_shared_email(
    world, django_capture_on_commit_callbacks
):
    """The preview names the row that marks the shared email no contact, and shows no
    invitation for it."""
    row = [*files.student_row(1), "Hemi Ngata", "mere1@example.com", "Yes"]
    job = flow.upload_and_check(
        django_capture_on_commit_callbacks,
        school=world.school,
        by=world.leader,
        upload=upload([row], [*files.STUDENT_HEADERS, *SECOND]),
    )
    assert job.preview["blocking"] == 0
    assert job.preview["counts"]["invitations"] == 0
    assert any("marked no contact for this student on row 2" in note for note in notes(job))


def test_no_contact_on_a_later_row_for_the_same_child_is_not_lost(
    world, django_capture_on_commit_callbacks
):
    """A caregivers file lists the same person for one child twice, the second time no
    contact: they get no access and no invitation."""
    world.student.nsn = "1000000042"
    world.student.save()
    rows = [
        ["1000000042", "Rangi Ngata", "rangi@example.com", ""],
        ["1000000042", "Rangi Ngata", "rangi@example.com", "Yes"],
    ]
    flow.run_import(
        django_capture_on_commit_callbacks,
        school=world.school,
        by=world.leader,
        upload=upload(rows, CAREGIVER_HEADERS),
        kind="caregivers",
    )
    link = WhanauLink.objects.get(student=world.student, whanau__email="rangi@example.com")
    assert (link.has_access, link.receives_weekly_update) == (False, False)
    assert not Invitation.objects.filter(email="rangi@example.com").exists()


def _leaver(world) -> Student:
    student = world.student
    student.nsn, student.left_on, student.classroom = (
        "1000000001",
        datetime.date(2026, 11, 20),
        None,
    )
    student.save()
    return student


LEFT = (
    "left the school on 2026-11-20: their record is kept to read and this row is left out; if "
    "they have come back, a leader undoes their leaving on their page first"
)


def test_a_leaver_in_a_students_file_is_left_alone(world, django_capture_on_commit_callbacks):
    """A student who has left is not put back in a class, given whānau or invited: their row
    is left out with a note, and the rest of the file imports."""
    leaver = _leaver(world)
    before = (leaver.first_name, leaver.year_level, leaver.classroom_id)
    rows = [files.student_row(1, Room="Tōtara"), files.student_row(2)]
    capture = django_capture_on_commit_callbacks
    job = flow.upload_and_check(capture, school=world.school, by=world.leader, upload=upload(rows))
    assert job.preview["blocking"] == 0
    [note] = [error for error in job.preview["errors"] if not error["blocking"]]
    assert note["row"] == 2
    assert f"{leaver.full_name} {LEFT}" in describe(note)
    assert job.preview["counts"]["students"] == {"new": 1, "changed": 0, "unchanged": 0}
    flow.confirm(capture, job, by=world.leader)
    leaver.refresh_from_db()
    assert (leaver.first_name, leaver.year_level, leaver.classroom_id) == before
    assert not WhanauMember.objects.filter(email="mere1@example.com").exists()
    assert not Invitation.objects.filter(email="mere1@example.com").exists()
    assert not Classroom.objects.filter(school=world.school, name="Tōtara").exists()
    assert not AuditEvent.objects.filter(student=leaver).exists()
    assert Student.objects.filter(school=world.school, nsn="1000000002").exists()


def test_a_caregivers_file_row_for_a_leaver_is_left_out(world, django_capture_on_commit_callbacks):
    """A caregiver listed for a student who has left is not linked or invited; the preview
    says why on their row."""
    leaver = _leaver(world)
    rows = [["1000000001", "Rangi Ngata", "rangi@example.com", ""]]
    capture = django_capture_on_commit_callbacks
    job = flow.upload_and_check(
        capture,
        school=world.school,
        by=world.leader,
        upload=upload(rows, CAREGIVER_HEADERS),
        kind="caregivers",
    )
    assert job.preview["blocking"] == 0
    assert any(LEFT in note for note in notes(job))
    flow.confirm(capture, job, by=world.leader)
    assert not WhanauLink.objects.filter(student=leaver, whanau__email="rangi@example.com").exists()
    assert not Invitation.objects.filter(email="rangi@example.com").exists()


def test_a_member_who_joined_keeps_the_phone_they_chose(world, django_capture_on_commit_callbacks):
    """Someone who signed up and gave their own phone keeps it when a file has another."""
    member = factories.WhanauMemberFactory(
        school=world.school, email="mere1@example.com", phone="027 111 2222"
    )
    capture = django_capture_on_commit_callbacks
    job = flow.upload_and_check(
        capture, school=world.school, by=world.leader, upload=upload([files.student_row(1)])
    )
    assert job.preview["counts"]["whanau"]["changed"] == 0
    flow.confirm(capture, job, by=world.leader)
    member.refresh_from_db()
    assert member.phone == "027 111 2222"


def test_whanau_changes_are_on_each_childs_record_and_in_the_imports_summary(
    world, django_capture_on_commit_callbacks
):
    """A mum of two whose phone the file changes: both children's records say so, and the
    import's own entry counts the whānau changed."""
    capture = django_capture_on_commit_callbacks
    mum = {"Caregiver 1 Email": "aroha@example.com", "Caregiver 1 Name": "Aroha Ngata"}
    rows = [files.student_row(1, **mum), files.student_row(2, **mum)]
    flow.run_import(capture, school=world.school, by=world.leader, upload=upload(rows))
    mum["Caregiver 1 Phone"] = "027 555 9999"
    rows = [files.student_row(1, **mum), files.student_row(2, **mum)]
    job = flow.run_import(capture, school=world.school, by=world.leader, upload=upload(rows))
    for nsn in ("1000000001", "1000000002"):
        [event] = AuditEvent.objects.filter(
            student__nsn=nsn, action=AuditEvent.Action.CHANGED, summary__contains="Aroha Ngata"
        )
        assert "Phone" in event.summary
    summary = AuditEvent.objects.get(object_type="partnerships.importjob", object_id=job.pk).summary
    assert "1 whānau changed" in summary
