"""The import itself: what it writes, that a second import of the same file writes nothing,
that a later export updates in place, no-contact, invitations, and resuming after a failure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.imports import applying, services
from partnerships.imports.values import describe
from partnerships.models import (
    AuditEvent,
    Classroom,
    ImportJob,
    Invitation,
    OutboxEmail,
    Student,
    WhanauLink,
    WhanauMember,
)
from tests import factories
from tests.partnerships.imports import files, flow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sample_class_is_new(world):
    """The test world's classes are named from a sequence, “Room 7” in some runs: the
    sample's class must be one the school does not have yet."""
    Classroom.objects.filter(school=world.school, name="Room 7").update(name="Room 7 (world)")


def sample_fixed() -> str:
    """The sample with its one row error fixed, as a leader would."""
    text = files.SAMPLE.read_text(encoding="utf-8-sig")
    return text.replace("aroha.ngata@example,", "aroha.ngata@example.com,")


def school_state(school) -> dict:
    """Everything an import writes for a school, comparable across schools (the records the
    test world made, without NSNs, aside)."""
    imported = Student.objects.filter(school=school).exclude(nsn="")
    return {
        "students": sorted(
            imported.values_list("nsn", "school_ref", "first_name", "year_level", "classroom__name")
        ),
        "whanau": sorted(
            WhanauMember.objects.filter(links__student__in=imported)
            .distinct()
            .values_list("name", "email", "phone", "preferred_language")
        ),
        "links": sorted(
            WhanauLink.objects.filter(student__in=imported).values_list(
                "student__nsn", "whanau__name", "relationship", "has_access"
            )
        ),
        "invitations": sorted(
            Invitation.objects.filter(school=school).values_list("email", "student__nsn")
        ),
        "emails": OutboxEmail.objects.filter(school=school, kind="invitation").count(),
        "classes": sorted(
            Classroom.objects.filter(students__in=imported)
            .distinct()
            .values_list("name", flat=True)
        ),
    }


def test_the_sample_reports_its_one_row_error_then_imports_once_fixed(
    world, django_capture_on_commit_callbacks
):
    """The shipped sample: one blocking error (an incomplete email on row 17); fixed, the class
    of 30, their whānau and invitations are written, and the import is audited."""
    capture = django_capture_on_commit_callbacks
    grace = factories.StaffFactory(school=world.school, user__email="grace.liu@kowhai.example")
    job = flow.upload_and_check(
        capture, school=world.school, by=world.leader, upload=files.sample_upload()
    )
    [error] = [e for e in job.preview["errors"] if e["blocking"]]
    assert (error["row"], error["column"], error["value"]) == (
        17,
        "Caregiver 1 Email",
        "aroha.ngata@example",
    )
    assert "not a complete email address" in describe(error)

    job = flow.run_import(
        capture, school=world.school, by=world.leader, upload=files.csv_upload(sample_fixed())
    )
    assert job.status == ImportJob.Status.DONE
    assert job.progress_done == job.progress_total == 30
    assert (job.headers, job.rows) == ([], [])  # the file's rows are not kept
    room = Classroom.objects.get(school=world.school, name="Room 7")
    assert room.year_level == 5
    assert list(room.teachers.all()) == [grace.user]
    assert room.students.count() == 30
    state = school_state(world.school)
    no_contact = [link for link in state["links"] if not link[3]]
    assert len(no_contact) == 2
    # Every caregiver with an email and access is invited, once each.
    assert len(state["invitations"]) == state["emails"] == 48
    assert job.result["counts"]["students"]["new"] == 30
    assert AuditEvent.objects.filter(
        school=world.school, object_type="partnerships.importjob", object_id=job.pk
    ).exists()
    assert (
        AuditEvent.objects.filter(
            school=world.school,
            action=AuditEvent.Action.CREATED,
            object_type="partnerships.student",
        ).count()
        == 30
    )


def test_importing_the_same_file_again_writes_nothing(world, django_capture_on_commit_callbacks):
    """The second import of the same file: all unchanged, and not one record, audit row or
    email is written (only the import's own progress)."""
    capture = django_capture_on_commit_callbacks
    upload = files.csv_upload(sample_fixed())
    flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    before = school_state(world.school)
    audits = AuditEvent.objects.count()
    again = flow.upload_and_check(
        capture, school=world.school, by=world.leader, upload=files.csv_upload(sample_fixed())
    )
    counts = again.preview["counts"]
    assert counts["students"] == {"new": 0, "changed": 0, "unchanged": 30}
    assert counts["whanau"]["new"] == counts["whanau"]["changed"] == 0
    assert counts["links"] == {"new": 0, "changed": 0}
    assert counts["invitations"] == 0
    assert again.preview["changes"] == []
    with CaptureQueriesContext(connection) as queries:
        done = flow.confirm(capture, again, by=world.leader)
    assert done.status == ImportJob.Status.DONE
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
        and "partnerships_importjob" not in q["sql"].split("SET")[0]
    ]
    assert writes == []
    assert school_state(world.school) == before
    assert AuditEvent.objects.count() == audits


def test_a_later_export_updates_in_place(world, django_capture_on_commit_callbacks):
    """A student moved up a year with a new phone for their mum: the same records change,
    none are added, and the student's history says what changed."""
    capture = django_capture_on_commit_callbacks
    rows = [files.student_row(1), files.student_row(2)]
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, rows))
    flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    later = [
        files.student_row(1, **{"Year Level": "6", "Room": "Rimu"}),
        files.student_row(2, **{"Caregiver 1 Phone": "027 555 9999"}),
    ]
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, later))
    job = flow.upload_and_check(capture, school=world.school, by=world.leader, upload=upload)
    counts = job.preview["counts"]
    assert counts["students"] == {"new": 0, "changed": 1, "unchanged": 1}
    assert counts["whanau"] == {"new": 0, "changed": 1, "unchanged": 1}
    details = {
        change["name"]: [describe(d) for d in change["details"]]
        for change in job.preview["changes"]
    }
    assert details["Tama1 Ngata"] == ["Year level: 5 → 6", "Class: Kauri → Rimu"]
    assert details["Mere Ngata 2"] == ["phone: 021 555 0101 → 027 555 9999"]
    flow.confirm(capture, job, by=world.leader)
    student = Student.objects.get(school=world.school, nsn="1000000001")
    assert (student.year_level, student.classroom.name) == (6, "Rimu")
    assert Student.objects.filter(school=world.school, last_name="Ngata").count() == 2
    assert WhanauMember.objects.get(email="mere2@example.com").phone == "027 555 9999"
    event = AuditEvent.objects.filter(student=student, action=AuditEvent.Action.CHANGED).get()
    assert "Year level" in event.summary
    assert "Class" in event.summary


def test_no_contact_in_the_file_is_honoured(world, django_capture_on_commit_callbacks):
    """A caregiver marked no contact is linked without access or weekly updates, and is not
    invited."""
    row = files.student_row(1, **{"Caregiver 1 No Contact": "Yes"})
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [row]))
    flow.run_import(
        capture := django_capture_on_commit_callbacks,
        school=world.school,
        by=world.leader,
        upload=upload,
    )
    link = WhanauLink.objects.get(whanau__email="mere1@example.com")
    assert (link.has_access, link.receives_weekly_update) == (False, False)
    assert not Invitation.objects.filter(email="mere1@example.com").exists()
    assert capture  # the import ran its tasks on commit


def test_an_import_never_gives_access_back(world, django_capture_on_commit_callbacks):
    """Access taken away by hand (a custody order) stays away when a file without the flag is
    imported, and the preview says why on that row."""
    capture = django_capture_on_commit_callbacks
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    WhanauLink.objects.filter(whanau__email="mere1@example.com").update(
        has_access=False, receives_weekly_update=False
    )
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    job = flow.upload_and_check(capture, school=world.school, by=world.leader, upload=upload)
    [note] = [e for e in job.preview["errors"] if not e["blocking"]]
    assert note["row"] == 2
    assert "never gives access back" in describe(note)
    flow.confirm(capture, job, by=world.leader)
    link = WhanauLink.objects.get(whanau__email="mere1@example.com")
    assert (link.has_access, link.receives_weekly_update) == (False, False)


def test_no_contact_takes_access_away_from_an_existing_link(
    world, django_capture_on_commit_callbacks
):
    """A later file marking a linked caregiver no contact takes their access away."""
    capture = django_capture_on_commit_callbacks
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    row = files.student_row(1, **{"Caregiver 1 No Contact": "Y"})
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [row]))
    job = flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    assert job.result["counts"]["links"]["changed"] == 1
    link = WhanauLink.objects.get(whanau__email="mere1@example.com")
    assert (link.has_access, link.receives_weekly_update) == (False, False)


def test_invitations_go_once_per_person(world, django_capture_on_commit_callbacks):
    """A caregiver of two children gets one invitation; a later file adding a third child
    sends none while it is pending; someone who joined is never invited."""
    capture = django_capture_on_commit_callbacks
    joined = factories.WhanauMemberFactory(school=world.school, email="joined@example.com")
    shared = {"Caregiver 1 Email": "aroha@example.com", "Caregiver 1 Name": "Aroha Ngata"}
    rows = [files.student_row(1, **shared), files.student_row(2, **shared)]
    rows.append(files.student_row(3, **{"Caregiver 1 Email": "joined@example.com"}))
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, rows))
    flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    assert Invitation.objects.filter(email="aroha@example.com").count() == 1
    assert not Invitation.objects.filter(email="joined@example.com").exists()
    assert WhanauLink.objects.filter(whanau=joined).count() == 1  # linked, not invited
    more = [*rows, files.student_row(4, **shared)]
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, more))
    job = flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    assert job.result["counts"]["links"]["new"] == 1
    assert Invitation.objects.filter(email="aroha@example.com").count() == 1
    assert OutboxEmail.objects.filter(kind="invitation", school=world.school).count() == 1


def test_without_invite_nobody_is_invited(world, django_capture_on_commit_callbacks):
    """Confirming without inviting writes the links and sends nothing."""
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    flow.run_import(
        django_capture_on_commit_callbacks,
        school=world.school,
        by=world.leader,
        upload=upload,
        invite=False,
    )
    assert WhanauLink.objects.filter(whanau__email="mere1@example.com").exists()
    assert not Invitation.objects.filter(school=world.school).exists()
    assert not OutboxEmail.objects.filter(school=world.school).exists()


def test_a_failure_part_way_then_resume_gives_the_same_result_as_one_run(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    """An import that fails in its second part keeps its first part whole and says so; resumed,
    it ends exactly as a clean run in another school does."""
    capture = django_capture_on_commit_callbacks
    monkeypatch.setattr(applying, "CHUNK", 10)
    text = sample_fixed()
    clean_school = factories.SchoolFactory()
    clean_leader = factories.LeaderFactory(school=clean_school).user
    factories.StaffFactory(school=clean_school, user__email="grace.liu@kowhai.example")
    factories.StaffFactory(school=world.school, user__email="grace.liu.2@kowhai.example")
    flow.run_import(capture, school=clean_school, by=clean_leader, upload=files.csv_upload(text))

    real_write, calls = applying._write, []

    def failing_write(plan, job, actor):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_write(plan, job, actor)

    monkeypatch.setattr(applying, "_write", failing_write)
    job = flow.run_import(
        capture, school=world.school, by=world.leader, upload=files.csv_upload(text)
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.progress_done == 10
    assert "resume" in applying.failure_text(job)
    assert Student.objects.filter(school=world.school, classroom__name="Room 7").count() == 10

    monkeypatch.setattr(applying, "_write", real_write)
    with capture(execute=True):
        services.import_resume(job=job, by=world.leader)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.progress_done == 30
    assert school_state(world.school)["students"] == school_state(clean_school)["students"]
    for part in ("whanau", "links", "classes"):
        assert school_state(world.school)[part] == school_state(clean_school)[part]
    assert len(school_state(world.school)["invitations"]) == 48
    assert job.result["counts"]["students"]["new"] == 30


def test_a_second_confirm_starts_nothing_more(world, django_capture_on_commit_callbacks):
    """Confirming twice (a double click, two tabs): the import runs once."""
    capture = django_capture_on_commit_callbacks
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    job = flow.upload_and_check(capture, school=world.school, by=world.leader, upload=upload)
    stale = ImportJob.objects.get(pk=job.pk)
    with capture(execute=True):
        assert services.import_confirm(job=job, by=world.leader, invite=True) is True
        assert services.import_confirm(job=stale, by=world.leader, invite=True) is False
    assert Invitation.objects.filter(email="mere1@example.com").count() == 1
    assert AuditEvent.objects.filter(object_type="partnerships.importjob").count() == 1


def test_a_second_worker_on_the_same_import_writes_nothing_twice(
    world, django_capture_on_commit_callbacks
):
    """The task run again after the import finished (a retry, the sweep) changes nothing."""
    capture = django_capture_on_commit_callbacks
    upload = files.csv_upload(sample_fixed())
    job = flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    before = school_state(world.school)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    assert applying.apply_job(job.pk) is True
    assert school_state(world.school) == before


def test_a_caregivers_file_links_whanau_and_the_childs_history_says_so(
    world, django_capture_on_commit_callbacks
):
    """A caregivers file adds a koro to a student already at the school: linked with his
    relationship and language, invited, and the student's history names him."""
    world.student.nsn = "1000000042"
    world.student.save()
    headers = ["Student NSN", "Caregiver Name", "Email", "Relationship", "Language"]
    rows = [["1000000042", "Rangi Ngata", "rangi@example.com", "Koro", "te reo"]]
    upload = files.csv_upload(files.csv_text(headers, rows))
    flow.run_import(
        django_capture_on_commit_callbacks,
        school=world.school,
        by=world.leader,
        upload=upload,
        kind="caregivers",
    )
    link = WhanauLink.objects.get(student=world.student, whanau__email="rangi@example.com")
    assert link.relationship == WhanauLink.Relationship.GRANDPARENT
    assert link.whanau.preferred_language == "mi"
    assert Invitation.objects.get(email="rangi@example.com").student == world.student
    event = AuditEvent.objects.get(student=world.student, action=AuditEvent.Action.CHANGED)
    assert "Rangi Ngata" in event.summary


def test_an_archived_class_is_used_again(world, django_capture_on_commit_callbacks):
    """Students imported into an archived class's name are put in it, and it is current
    again."""
    room = factories.ClassroomFactory(school=world.school, name="Kauri", archived_on="2026-01-20")
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    flow.run_import(
        django_capture_on_commit_callbacks, school=world.school, by=world.leader, upload=upload
    )
    room.refresh_from_db()
    assert room.archived_on is None
    assert list(room.students.values_list("nsn", flat=True)) == ["1000000001"]


def test_a_caregiver_known_by_phone_given_an_email_later_is_the_same_person(
    world, django_capture_on_commit_callbacks
):
    """First imported with a name and phone only, then with an email: one whānau member, whose
    email is filled in."""
    capture = django_capture_on_commit_callbacks
    row = files.student_row(1, **{"Caregiver 1 Email": ""})
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [row]))
    flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    job = flow.run_import(capture, school=world.school, by=world.leader, upload=upload)
    assert job.result["counts"]["whanau"] == {"new": 0, "changed": 1, "unchanged": 0}
    [member] = WhanauMember.objects.filter(school=world.school, name="Mere Ngata 1")
    assert member.email == "mere1@example.com"


def test_a_member_who_joined_keeps_the_name_and_language_they_chose(
    world, django_capture_on_commit_callbacks
):
    """Someone who signed up keeps their own name, language and (empty) phone when a file
    says otherwise."""
    member = factories.WhanauMemberFactory(
        school=world.school, email="mere1@example.com", name="Mere", preferred_language="mi"
    )
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    flow.run_import(
        django_capture_on_commit_callbacks, school=world.school, by=world.leader, upload=upload
    )
    member.refresh_from_db()
    assert (member.name, member.preferred_language, member.phone) == ("Mere", "mi", "")
    assert WhanauLink.objects.filter(whanau=member).count() == 1
    assert not Invitation.objects.filter(email="mere1@example.com").exists()
