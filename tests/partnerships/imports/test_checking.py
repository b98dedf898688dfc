"""The check (the preview): each kind of bad input is a row error in plain words, and
nothing is written until a leader confirms."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from partnerships.imports import services
from partnerships.imports.values import describe
from partnerships.models import Classroom, ImportJob, Student, WhanauLink, WhanauMember
from tests import factories
from tests.partnerships.imports import files, flow

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def check(world, capture, rows, *, headers=files.STUDENT_HEADERS, kind="students"):
    upload = files.csv_upload(files.csv_text(headers, rows))
    return flow.upload_and_check(
        capture, school=world.school, by=world.leader, upload=upload, kind=kind
    )


def errors(job, *, blocking=True) -> list[tuple]:
    return [
        (error["row"], error["column"], describe(error))
        for error in job.preview["errors"]
        if error["blocking"] is blocking
    ]


def _nothing_written(world) -> None:
    assert not Student.objects.filter(school=world.school, last_name="Ngata").exists()
    assert not WhanauMember.objects.filter(school=world.school, name__startswith="Mere").exists()
    assert not Classroom.objects.filter(school=world.school, name="Kauri").exists()


def test_a_clean_file_previews_what_it_would_do_and_writes_nothing(
    world, django_capture_on_commit_callbacks
):
    """Two new students, their class and their whānau are counted; nothing is written yet."""
    job = check(
        world, django_capture_on_commit_callbacks, [files.student_row(1), files.student_row(2)]
    )
    assert job.status == ImportJob.Status.CHECKED
    counts = job.preview["counts"]
    assert counts["students"] == {"new": 2, "changed": 0, "unchanged": 0}
    assert counts["classes"]["new"] == 1
    assert counts["whanau"]["new"] == 2
    assert counts["links"]["new"] == 2
    assert counts["invitations"] == 2
    assert job.preview["blocking"] == 0
    kinds = [(change["kind"], change["action"]) for change in job.preview["changes"]]
    assert kinds[:3] == [("class", "new"), ("student", "new"), ("whanau", "new")]
    _nothing_written(world)


def test_a_missing_required_column_is_refused_at_mapping(world, django_capture_on_commit_callbacks):
    """Without a column for the last name, the columns are not accepted and no check runs."""
    headers = [h for h in files.STUDENT_HEADERS if h != "Last Name"]
    row = [
        cell
        for h, cell in zip(files.STUDENT_HEADERS, files.student_row(1), strict=True)
        if h != "Last Name"
    ]
    upload = files.csv_upload(files.csv_text(headers, [row]))
    job = services.import_upload(
        school=world.school, by=world.leader, upload=upload, kind="students"
    )
    with pytest.raises(ValidationError) as refused:
        services.import_map(job=job, by=world.leader, mapping=job.mapping)
    assert "last_name" in refused.value.message_dict
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING


def test_a_column_chosen_twice_or_not_in_the_file_is_refused(world):
    """A heading used for two fields, or one the file does not have, is refused by field."""
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    job = services.import_upload(
        school=world.school, by=world.leader, upload=upload, kind="students"
    )
    mapping = {**job.mapping, "preferred_name": "First Name", "date_of_birth": "Birthday"}
    with pytest.raises(ValidationError) as refused:
        services.import_map(job=job, by=world.leader, mapping=mapping)
    assert set(refused.value.message_dict) == {"first_name", "preferred_name", "date_of_birth"}


def test_duplicate_nsns_mark_both_rows(world, django_capture_on_commit_callbacks):
    """Two rows with one NSN: both are marked, each naming the other's row."""
    rows = [files.student_row(1), files.student_row(2, NSN="1000000001")]
    job = check(world, django_capture_on_commit_callbacks, rows)
    found = errors(job)
    assert (
        2,
        "NSN",
        "The same National Student Number (NSN) is on row 3 too: keep one of them.",
    ) in found
    assert (
        3,
        "NSN",
        "The same National Student Number (NSN) is on row 2 too: keep one of them.",
    ) in found
    assert job.preview["counts"]["students"]["new"] == 0


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"Caregiver 1 Email": "aroha.ngata@example"}, "Caregiver 1 Email", "not a complete email"),
        ({"Date of Birth": "2/12/2026"}, "Date of Birth", "cannot be in the future"),
        ({"Date of Birth": "31/02/2016"}, "Date of Birth", "not a date"),
        ({"NSN": "12345"}, "NSN", "9 or 10 digits"),
        ({"Year Level": "Year 14"}, "Year Level", "0 to 13"),
        ({"First Name": ""}, "First Name", "the cell is empty"),
        ({"Last Name": '=HYPERLINK("http://x","Ngata")'}, "Last Name", "formula"),
        ({"Caregiver 1 Name": "@SUM(1+1)"}, "Caregiver 1 Name", "formula"),
        ({"First Name": "T" * 101}, "First Name", "at most 100"),
        ({"Caregiver 1 No Contact": "maybe"}, "Caregiver 1 No Contact", "Yes or No"),
        ({"NSN": "", "Student ID": ""}, "NSN", "NSN or the school’s own id"),
    ],
    ids=[
        "email",
        "future-birth",
        "not-a-date",
        "nsn-length",
        "year",
        "required",
        "formula",
        "at-formula",
        "too-long",
        "no-contact-unclear",
        "no-id",
    ],
)
def test_a_bad_cell_is_a_blocking_row_error(
    world, django_capture_on_commit_callbacks, values, column, words
):
    """Each bad cell names its row, column and value in plain words, and blocks the import."""
    job = check(
        world,
        django_capture_on_commit_callbacks,
        [files.student_row(1), files.student_row(2, **values)],
    )
    [(row, found_column, text)] = errors(job)
    assert (row, found_column) == (3, column)
    assert words in text
    assert job.preview["counts"]["students"]["new"] == 1
    with pytest.raises(ValidationError):
        services.import_confirm(job=job, by=world.leader, invite=True)
    _nothing_written(world)


def test_a_start_date_far_ahead_is_refused(world, django_capture_on_commit_callbacks):
    """A start date over a year away is a typing mistake, said as one; next term is fine."""
    headers = [*files.STUDENT_HEADERS, "Start Date"]
    rows = [[*files.student_row(1), "1/2/2027"], [*files.student_row(2), "1/2/2029"]]
    job = check(world, django_capture_on_commit_callbacks, rows, headers=headers)
    [(row, column, text)] = errors(job)
    assert (row, column) == (3, "Start Date")
    assert "more than a year away" in text


def test_a_teacher_who_is_not_staff_is_a_warning(world, django_capture_on_commit_callbacks):
    """A teacher's email that is not on the staff: the rows still import, with one warning
    telling the leader to invite them first."""
    rows = [files.student_row(n, **{"Teacher Email": "new.kaiako@example.com"}) for n in (1, 2)]
    job = check(world, django_capture_on_commit_callbacks, rows)
    assert job.preview["blocking"] == 0
    [(_row, column, text)] = errors(job, blocking=False)
    assert column == "Teacher Email"
    assert "invite them first" in text


def test_a_caregiver_for_another_schools_student_is_not_found(
    world, django_capture_on_commit_callbacks
):
    """A caregivers file naming another school's student gets the same words as an NSN that
    is nobody's: another school's students are never revealed."""
    world.other_school_student.nsn = "2000000001"
    world.other_school_student.save()
    headers = ["Student NSN", "Caregiver Name", "Email"]
    rows = [
        ["2000000001", "Mere Ngata", "mere@example.com"],
        ["2999999999", "Hemi Ngata", "hemi@example.com"],
    ]
    job = check(world, django_capture_on_commit_callbacks, rows, headers=headers, kind="caregivers")
    found = errors(job)
    assert [(row, column) for row, column, _text in found] == [
        (2, "Student NSN"),
        (3, "Student NSN"),
    ]
    assert found[0][2] == found[1][2]
    assert world.other_school_student.full_name not in str(job.preview)
    assert not WhanauLink.objects.filter(whanau__email="mere@example.com").exists()


def test_caregivers_file_links_whanau_to_this_schools_students(
    world, django_capture_on_commit_callbacks
):
    """A caregiver row for one of the school's students previews a new whānau link."""
    world.student.nsn = "1000000042"
    world.student.save()
    headers = ["Student NSN", "Caregiver Name", "Email", "Relationship"]
    rows = [["1000000042", "Koro Ngata", "koro@example.com", "Koro"]]
    job = check(world, django_capture_on_commit_callbacks, rows, headers=headers, kind="caregivers")
    assert job.preview["blocking"] == 0
    assert job.preview["counts"]["links"]["new"] == 1
    [change] = job.preview["changes"]
    assert [describe(d) for d in change["details"]] == [f"Grandparent of {world.student.full_name}"]


def test_a_check_overtaken_by_new_columns_does_not_store_its_preview(world, monkeypatch):
    """A check that finishes after the columns were chosen again does not store its preview
    over the newer choice's: that one's own check does."""
    from partnerships.imports import checking

    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))
    job = services.import_upload(
        school=world.school, by=world.leader, upload=upload, kind="students"
    )
    services.import_map(job=job, by=world.leader, mapping=job.mapping)  # its check not run yet
    real = checking.preview_of

    def overtaken(checked):
        preview = real(checked)
        newer = {**checked.mapping, "preferred_name": "Room"}
        ImportJob.objects.filter(pk=checked.pk).update(mapping=newer)
        return preview

    monkeypatch.setattr(checking, "preview_of", overtaken)
    assert checking.check_job(job.pk) is False
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKING
    assert job.preview == {}


def test_the_same_student_matched_by_school_id_with_another_nsn_is_refused(
    world, django_capture_on_commit_callbacks
):
    """A school id that is another NSN's student's stops the row, naming whose it is."""
    factories.StudentFactory(school=world.school, nsn="1000000099", school_ref="S0001")
    job = check(world, django_capture_on_commit_callbacks, [files.student_row(1)])
    [(row, column, text)] = errors(job)
    assert (row, column) == (2, "Student ID")
    assert "1000000099" in text


def test_a_shared_family_email_is_one_person_with_a_warning(
    world, django_capture_on_commit_callbacks
):
    """Two caregivers with one email become one whānau member, and the preview says whose
    record it is and how to invite both."""
    shared = {"Caregiver 1 Email": "whanau@example.com"}
    rows = [
        files.student_row(1, **shared, **{"Caregiver 1 Name": "Mere Ngata"}),
        files.student_row(2, **shared, **{"Caregiver 1 Name": "Hemi Ngata"}),
    ]
    job = check(world, django_capture_on_commit_callbacks, rows)
    assert job.preview["blocking"] == 0
    [(row, column, text)] = errors(job, blocking=False)
    assert (row, column) == (3, "Caregiver 1 Email")
    assert text.startswith("Mere Ngata has this email too (row 2)")
    assert job.preview["counts"]["whanau"]["new"] == 1
    assert job.preview["counts"]["links"]["new"] == 2


def test_a_new_class_lists_its_teachers_once(world, django_capture_on_commit_callbacks):
    """A new class taught by a staff member: one change for the class, its teacher named once
    however many rows name them."""
    teacher = factories.StaffFactory(school=world.school, user__email="kaiako7@example.com")
    rows = [files.student_row(n, **{"Teacher Email": teacher.user.email}) for n in (1, 2, 3)]
    job = check(world, django_capture_on_commit_callbacks, rows)
    [room] = [change for change in job.preview["changes"] if change["kind"] == "class"]
    assert (room["name"], room["action"]) == ("Kauri", "new")
    assert [describe(d) for d in room["details"]] == ["Teacher added: kaiako7@example.com"]


def test_an_archived_class_named_again_is_back_in_use(world, django_capture_on_commit_callbacks):
    """A class archived at the year's end and named in a new export is used again, and the
    preview says so, once."""
    factories.ClassroomFactory(
        school=world.school, name="Kauri", archived_on=datetime.date(2026, 1, 20)
    )
    job = check(
        world, django_capture_on_commit_callbacks, [files.student_row(1), files.student_row(2)]
    )
    [room] = [change for change in job.preview["changes"] if change["kind"] == "class"]
    assert (room["action"], [describe(d) for d in room["details"]]) == (
        "changed",
        ["Back in use (it was archived)."],
    )
    assert job.preview["counts"]["classes"] == {"new": 0, "changed": 1}


def test_without_start_dates_the_preview_says_new_students_start_today(
    world, django_capture_on_commit_callbacks
):
    """A file with no start date column: the preview warns that the transition conversations
    will come due from today."""
    job = check(world, django_capture_on_commit_callbacks, [files.student_row(1)])
    notes = [describe(note) for note in job.preview["notes"]]
    assert any("transition conversation is due in 21 days" in note for note in notes)


def test_a_leaver_in_the_file_stays_a_leaver_with_a_warning(
    world, django_capture_on_commit_callbacks
):
    """A student who left and is in the file again: updated, still a leaver, and the preview
    says so."""
    factories.StudentFactory(
        school=world.school, nsn="1000000001", left_on=datetime.date(2026, 7, 1)
    )
    job = check(world, django_capture_on_commit_callbacks, [files.student_row(1)])
    [(row, _column, text)] = errors(job, blocking=False)
    assert row == 2
    assert "left the school on 2026-07-01" in text


def test_an_unknown_relationship_is_other_whanau_with_a_warning(
    world, django_capture_on_commit_callbacks
):
    """A relationship word we do not know: the row goes in as other whānau, and says so."""
    row = files.student_row(1, **{"Caregiver 1 Relationship": "Neighbour"})
    job = check(world, django_capture_on_commit_callbacks, [row])
    assert job.preview["blocking"] == 0
    [(_row, column, text)] = errors(job, blocking=False)
    assert column == "Caregiver 1 Relationship"
    assert "other whānau" in text
    [whanau] = [change for change in job.preview["changes"] if change["kind"] == "whanau"]
    assert describe(whanau["details"][0]) == "Other whānau of Tama1 Ngata"
