"""In a real browser, phone-sized: a leader uploads the shipped sample, sees the row it must
fix, uploads the fixed file, confirms, and watches the import go."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from partnerships.imports import applying, services
from partnerships.models import ImportJob, Student
from tests.browser.signing import sign_in_with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(settings.BASE_DIR) / "static" / "samples" / "mahi-tahi-sample-room-7.csv"
SHOTS = Path("/tmp")  # noqa: S108 - screenshots to look at, outside the working tree


def _upload(page, path: Path) -> None:
    page.get_by_label("Your file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and choose columns").click()
    page.get_by_role("heading", name="2. Which column holds what").wait_for()
    page.screenshot(path=SHOTS / "h2-map.png", full_page=True)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="3. Check before importing").wait_for()


def test_a_leader_imports_the_sample_class(page, live_server, world, monkeypatch, tmp_path):
    """The error row blocks the import; the fixed file imports, its progress shown, then what
    it did."""
    held = []
    checking_now = services.enqueue

    def enqueue(task_name, job_id):
        # The check runs at once; the import waits for the test to move it, as a worker would.
        if task_name == "import_apply":
            held.append(job_id)
        else:
            checking_now(task_name, job_id)

    monkeypatch.setattr(services, "enqueue", enqueue)
    fixed = tmp_path / "room-7-fixed.csv"
    fixed.write_bytes(
        SAMPLE.read_bytes().replace(b"aroha.ngata@example,", b"aroha.ngata@example.com,")
    )

    sign_in_with_password(page, live_server.url, world.leader.email)
    page.goto(live_server.url + "/students/")
    page.get_by_role("link", name="Import students").click()
    page.get_by_role("heading", name="Import students and whānau").wait_for()
    page.screenshot(path=SHOTS / "h2-start.png", full_page=True)
    _upload(page, SAMPLE)
    errors = page.get_by_role("region", name=re.compile("thing to look at|things to look at"))
    errors.get_by_role("row", name=re.compile("aroha.ngata@example")).wait_for()
    assert page.get_by_role("button", name="Import now").is_disabled()
    page.get_by_text("Fix these rows in your file and upload it again.").wait_for()
    page.screenshot(path=SHOTS / "h2-preview-error.png", full_page=True)

    page.get_by_role("link", name="Upload a corrected file").click()
    _upload(page, fixed)
    assert page.get_by_role("button", name="Import now").is_enabled()
    page.screenshot(path=SHOTS / "h2-preview-ready.png", full_page=True)
    page.get_by_role("button", name="Import now").click()
    page.get_by_text("0 of 30 rows").wait_for()
    page.screenshot(path=SHOTS / "h2-progress.png", full_page=True)

    (job_id,) = held
    applying.apply_job(job_id)
    page.get_by_role("heading", name="Imported").wait_for()  # htmx asked, then reloaded
    page.screenshot(path=SHOTS / "h2-done.png", full_page=True)
    page.get_by_role("link", name="Room 7").click()
    page.get_by_role("heading", name=re.compile("Room 7")).wait_for()
    assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.DONE
    assert Student.objects.filter(classroom__name="Room 7").count() == 30
