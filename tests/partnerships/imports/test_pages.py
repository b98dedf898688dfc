"""The import pages with the real engine (tasks run at once): a leader uploads the shipped
sample, chooses its columns, reads the preview, fixes the row it reports, imports, and
imports the same file again to no change."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.imports.fields import FIELDS
from partnerships.models import (
    AuditEvent,
    Classroom,
    ImportJob,
    Invitation,
    Student,
    WhanauLink,
    WhanauMember,
)
from tests.access.rows_imports import import_job, row_error

SAMPLE = Path(settings.BASE_DIR) / "static" / "samples" / "mahi-tahi-sample-room-7.csv"
BAD_EMAIL = b"aroha.ngata@example,"  # the sample's one row error
Status = ImportJob.Status


def sample(*, fixed: bool = False, name: str = "room-7.csv") -> SimpleUploadedFile:
    data = SAMPLE.read_bytes()
    assert data.count(BAD_EMAIL) == 1
    if fixed:
        data = data.replace(BAD_EMAIL, b"aroha.ngata@example.com,")
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def leader(client, world):
    # The world's classes are named from a sequence, "Room 7" in some runs: the sample's
    # class must be one the school does not have yet.
    Classroom.objects.filter(school=world.school, name="Room 7").update(name="Room 7 (world)")
    client.force_login(world.leader)
    return client


def _upload(client, upload, kind="students") -> ImportJob:
    response = client.post(reverse("import_start"), {"kind": kind, "file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response.url == reverse("import_map", args=[job.pk])
    return job


def _chosen(job: ImportJob) -> dict:
    """The columns as the form shows them chosen: what a leader who changes nothing sends."""
    kind = job.options["kind"]
    return {field.name: job.mapping.get(field.name, "") for field in FIELDS[kind]}


def _map(client, capture, job, **extra) -> ImportJob:
    with capture(execute=True):
        response = client.post(reverse("import_map", args=[job.pk]), _chosen(job) | extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("import_preview", args=[job.pk])
    job.refresh_from_db()
    return job


def _confirm(client, capture, job, **data):
    with capture(execute=True):
        response = client.post(reverse("import_confirm", args=[job.pk]), data)
    assert response.url == reverse("import_preview", args=[job.pk])
    job.refresh_from_db()
    return response


def _preview(client, job) -> str:
    response = client.get(reverse("import_preview", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _records() -> tuple:
    return (
        Student.objects.count(),
        WhanauMember.objects.count(),
        WhanauLink.objects.count(),
        Classroom.objects.count(),
        Invitation.objects.count(),
        AuditEvent.objects.exclude(action=AuditEvent.Action.VIEWED).count(),
    )


def test_the_sample_imports_after_its_one_error_is_fixed(
    leader, world, django_capture_on_commit_callbacks
):
    """The sample's bad email blocks the import; the fixed file imports 30 students of Room 7."""
    capture = django_capture_on_commit_callbacks
    page = leader.get(reverse("import_start")).content.decode()
    assert "samples/mahi-tahi-sample-room-7" in page
    assert "10.0\xa0MB" in page or "10.0 MB" in page  # the size limit

    job = _upload(leader, sample())
    page = leader.get(reverse("import_map", args=[job.pk])).content.decode()
    assert "Legal First Name" in page
    assert "Aroha" in page  # the column's first values, to see what it holds
    assert "Caregiver 2" in page  # the caregivers' groups
    job = _map(leader, capture, job)
    assert job.status == Status.CHECKED
    before = _records()

    page = _preview(leader, job)
    assert "aroha.ngata@example" in page
    assert "Must be fixed" in page
    assert "Fix these rows in your file and upload it again." in page
    assert re.search(r'<button[^>]*type="submit"[^>]*disabled', page)  # Import now
    response = _confirm(leader, capture, job, invite="on")
    assert job.status == Status.CHECKED
    assert _records() == before  # nothing written
    assert "cannot be imported" in _preview(leader, job)

    fixed = _upload(leader, sample(fixed=True))
    assert fixed.mapping == job.mapping  # the columns remembered from the last file
    fixed = _map(leader, capture, fixed)
    page = _preview(leader, fixed)
    assert fixed.preview["blocking"] == 0
    assert "Must be fixed" not in page
    assert fixed.preview["counts"]["students"]["new"] == 30
    response = _confirm(leader, capture, fixed, invite="on")
    assert fixed.status == Status.DONE
    page = leader.get(response.url).content.decode()
    assert "Imported" in page
    assert "The import has started." in page
    room = Classroom.objects.get(school=world.school, name="Room 7")
    assert reverse("class_detail", args=[room.pk]) in page
    assert Student.objects.filter(school=world.school, classroom=room).count() == 30
    assert Invitation.objects.filter(school=world.school, student__classroom=room).exists()
    page = leader.get(reverse("import_start")).content.decode()
    assert "Students: 30 new, 0 changed." in page  # the recent imports


def test_the_same_file_again_changes_nothing(leader, world, django_capture_on_commit_callbacks):
    """Imported twice, the second preview leaves every record as it is, and so does its import."""
    capture = django_capture_on_commit_callbacks
    first = _map(leader, capture, _upload(leader, sample(fixed=True)))
    _confirm(leader, capture, first, invite="on")
    before = _records()

    again = _map(leader, capture, _upload(leader, sample(fixed=True)))
    counts = again.preview["counts"]
    assert counts["students"] == {"new": 0, "changed": 0, "unchanged": 30}
    assert counts["whanau"]["new"] == counts["whanau"]["changed"] == 0
    assert counts["invitations"] == 0
    assert "importing it changes nothing" in _preview(leader, again)
    assert "importing it changes nothing" not in _preview(leader, first)
    _confirm(leader, capture, again, invite="on")
    assert again.status == Status.DONE
    assert _records() == before


@pytest.mark.parametrize(
    ("upload", "said"),
    [
        (
            SimpleUploadedFile("big.csv", b"NSN\n" + b"1" * (50 * 1024 * 1024), "text/csv"),
            "and an import takes files up to 10.0",
        ),
        (SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "image/png"), ""),
        (SimpleUploadedFile("empty.csv", b"", "text/csv"), "empty"),
    ],
    ids=["50 MB", "a photo", "empty"],
)
def test_a_file_refused_says_why_and_keeps_nothing(leader, world, upload, said):
    """A file too large, not a table, or empty: the form says why, and no import is kept."""
    response = leader.post(reverse("import_start"), {"kind": "students", "file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    assert said in " ".join(errors)
    assert not ImportJob.objects.exists()


def test_a_missing_column_is_said_beside_its_field(leader, world):
    """A needed detail left out, or one column chosen twice, is said on the field; the
    columns are not kept."""
    job = _upload(leader, sample())
    url = reverse("import_map", args=[job.pk])
    response = leader.post(url, _chosen(job) | {"last_name": ""})
    assert response.context["form"].errors["last_name"]
    response = leader.post(url, _chosen(job) | {"preferred_name": "Legal First Name"})
    assert "chosen for" in " ".join(response.context["form"].errors["preferred_name"])
    response = leader.post(url, _chosen(job) | {"nsn": "", "school_ref": ""})
    assert "NSN" in " ".join(response.context["form"].errors["nsn"])
    job.refresh_from_db()
    assert job.status == Status.MAPPING


def test_saved_columns_fill_the_form_and_name_what_this_file_lacks(
    leader, world, django_capture_on_commit_callbacks
):
    """Columns saved under a name are offered for the next file; one it lacks is named."""
    job = _map(
        leader,
        django_capture_on_commit_callbacks,
        _upload(leader, sample()),
        preset_name="KAMAR export",
    )
    preset = world.school.import_presets.get(name="KAMAR export")
    assert preset.mapping == job.mapping
    preset.mapping = preset.mapping | {"date_of_birth": "Birthday"}
    preset.save()

    other = _upload(leader, sample(fixed=True))
    page = leader.get(reverse("import_map", args=[other.pk]), {"preset": preset.pk})
    content = page.content.decode()
    assert "The columns saved as “KAMAR export” are chosen below" in content
    assert "“Birthday”" in content
    assert page.context["form"]["date_of_birth"].value() == ""
    assert page.context["form"]["nsn"].value() == "NSN"


def test_another_schools_saved_columns_are_not_offered(leader, world):
    """A preset of another school, asked for by its number, fills nothing in."""
    job = _upload(leader, sample())
    theirs = world.other_school.import_presets.create(name="Theirs", mapping={"nsn": "Student"})
    page = leader.get(reverse("import_map", args=[job.pk]), {"preset": theirs.pk})
    assert page.status_code == 200
    assert "Theirs" not in page.content.decode()


def test_a_leader_deletes_saved_columns(leader, world):
    """Deleting saved columns forgets them; another school's are not found."""
    preset = world.school.import_presets.create(name="KAMAR export", mapping={})
    response = leader.post(reverse("import_preset_delete", args=[preset.pk]))
    assert response.url == reverse("import_start")
    assert not world.school.import_presets.exists()
    theirs = world.other_school.import_presets.create(name="Theirs", mapping={})
    assert leader.post(reverse("import_preset_delete", args=[theirs.pk])).status_code == 404
    assert world.other_school.import_presets.exists()


def test_the_progress_asks_again_until_it_is_done(leader, world):
    """While checking or importing, the page shows how far it is and htmx asks each second;
    once done, it reloads the page to show what came of it."""
    job = _upload(leader, sample())
    ImportJob.objects.filter(pk=job.pk).update(status=Status.CHECKING, progress_total=1500)
    url = reverse("import_preview", args=[job.pk])
    assert "Checking 1,500 rows…" in leader.get(url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.IMPORTING, progress_done=12, progress_total=1500
    )
    page = leader.get(url).content.decode()
    assert "12 of 1,500 rows" in page
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page
    fragment = leader.get(url, headers={"HX-Request": "true"})
    assert "12 of 1,500 rows" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=Status.DONE)
    done = leader.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_a_second_confirm_starts_nothing_more(leader, world, django_capture_on_commit_callbacks):
    """Confirm pressed again (or in a second tab) says the import has already started."""
    capture = django_capture_on_commit_callbacks
    job = _map(leader, capture, _upload(leader, sample(fixed=True)))
    _confirm(leader, capture, job, invite="on")
    before = _records()
    response = _confirm(leader, capture, job, invite="on")
    page = leader.get(response.url).content.decode()
    assert "This import has already started." in page
    assert _records() == before


def test_columns_cannot_change_once_importing(leader, world):
    """The columns page of an import under way sends the leader to its progress."""
    job = _upload(leader, sample())
    ImportJob.objects.filter(pk=job.pk).update(status=Status.IMPORTING)
    response = leader.get(reverse("import_map", args=[job.pk]))
    assert response.url == reverse("import_preview", args=[job.pk])


def test_without_invitations_no_whanau_is_invited(
    leader, world, django_capture_on_commit_callbacks
):
    """With the invitation box unticked, the import links whānau and invites none."""
    capture = django_capture_on_commit_callbacks
    job = _map(leader, capture, _upload(leader, sample(fixed=True)))
    _confirm(leader, capture, job)
    assert job.status == Status.DONE
    assert WhanauLink.objects.filter(student__classroom__name="Room 7").exists()
    assert not Invitation.objects.filter(student__classroom__name="Room 7").exists()


def test_discarding_lets_the_file_go(leader, world, django_capture_on_commit_callbacks):
    """A discarded import keeps none of the file's rows and changes nothing."""
    job = _map(leader, django_capture_on_commit_callbacks, _upload(leader, sample()))
    before = _records()
    response = leader.post(reverse("import_discard", args=[job.pk]))
    assert response.url == reverse("import_start")
    job.refresh_from_db()
    assert job.status == Status.DISCARDED
    assert job.rows == []
    assert "This import was discarded" in _preview(leader, job)
    assert _records() == before


def test_a_stopped_import_resumes_to_the_end(leader, world, django_capture_on_commit_callbacks):
    """An import that stopped says so plainly; Resume finishes it."""
    capture = django_capture_on_commit_callbacks
    job = _map(leader, capture, _upload(leader, sample(fixed=True)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED,
        options=job.options | {"invite": True},
        failure="The import stopped part-way.",
    )
    page = _preview(leader, job)
    assert "The import stopped" in page
    assert "Resume the import" in page
    with capture(execute=True):
        response = leader.post(reverse("import_resume", args=[job.pk]))
    assert response.url == reverse("import_preview", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert Student.objects.filter(school=world.school, classroom__name="Room 7").count() == 30


def test_rows_that_block_come_first(leader, world):
    """The preview lists the errors that stop the import before the warnings, each marked."""
    job = import_job(world.school, world.leader, Status.CHECKED)
    job.preview |= {
        "errors": [
            row_error(2, blocking=False, value="warned@example"),
            row_error(9, value="blocked@example"),
        ],
        "error_count": 2,
        "blocking": 1,
    }
    job.save()
    page = _preview(leader, job)
    assert page.index("blocked@example") < page.index("warned@example")
    assert page.count("Must be fixed") == 1
    assert "1 row must be fixed before the file can be imported." in page


@pytest.mark.parametrize("number", ["²", "١٢", "99999999999999999999999"])
def test_a_saved_column_set_asked_for_by_an_odd_number_fills_nothing_in(leader, world, number):
    """A preset number that is no plain number (a superscript, other digits, far too big)
    shows the page with nothing filled in, not an error."""
    job = _upload(leader, sample())
    page = leader.get(reverse("import_map", args=[job.pk]), {"preset": number})
    assert page.status_code == 200
