"""Who may run an import's steps, the steps' rules, the sweep, and a broker that is down."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partnerships.imports import services, tasks
from partnerships.models import ImportJob, ImportPreset, Student
from tests import factories
from tests.partnerships.imports import files, flow

pytestmark = pytest.mark.django_db


def _upload():
    return files.csv_upload(files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)]))


def _checked(world, capture) -> ImportJob:
    return flow.upload_and_check(capture, school=world.school, by=world.leader, upload=_upload())


@pytest.mark.parametrize("who", ["teacher", "other_school_leader", "whanau"])
def test_only_the_schools_leaders_run_any_step(world, django_capture_on_commit_callbacks, who):
    """A teacher, a whānau member or another school's leader is refused every step, and
    nothing changes."""
    person = getattr(world, who)
    job = _checked(world, django_capture_on_commit_callbacks)
    steps = [
        lambda: services.import_upload(
            school=world.school, by=person, upload=_upload(), kind="students"
        ),
        lambda: services.import_map(job=job, by=person, mapping=job.mapping),
        lambda: services.import_confirm(job=job, by=person, invite=True),
        lambda: services.import_discard(job=job, by=person),
        lambda: services.import_resume(job=job, by=person),
    ]
    for step in steps:
        with pytest.raises(PermissionDenied):
            step()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert ImportJob.objects.filter(school=world.school).count() == 1
    assert not Student.objects.filter(school=world.school, nsn="1000000001").exists()


def test_columns_can_be_kept_as_a_named_preset(world, django_capture_on_commit_callbacks):
    """Choosing columns with a preset name keeps them under that name; again, it is updated."""
    job = services.import_upload(
        school=world.school, by=world.leader, upload=_upload(), kind="students"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.import_map(job=job, by=world.leader, mapping=job.mapping, preset_name="KAMAR")
        services.import_map(
            job=job,
            by=world.leader,
            mapping={**job.mapping, "preferred_name": ""},
            preset_name="KAMAR",
        )
    preset = ImportPreset.objects.get(school=world.school)
    assert (preset.name, preset.mapping) == ("KAMAR", job.mapping)


def test_a_file_is_not_confirmed_before_its_check(world):
    """Confirming a file whose check has not finished says to wait for the preview."""
    job = services.import_upload(
        school=world.school, by=world.leader, upload=_upload(), kind="students"
    )
    with pytest.raises(ValidationError) as refused:
        services.import_confirm(job=job, by=world.leader, invite=True)
    assert "wait for the preview" in refused.value.messages[0]


def test_discarding_lets_go_of_the_files_rows(world, django_capture_on_commit_callbacks):
    """A discarded import keeps none of the file's rows and cannot be confirmed."""
    job = _checked(world, django_capture_on_commit_callbacks)
    services.import_discard(job=job, by=world.leader)
    job.refresh_from_db()
    assert (job.status, job.headers, job.rows) == (ImportJob.Status.DISCARDED, [], [])
    with pytest.raises(ValidationError):
        services.import_confirm(job=job, by=world.leader, invite=True)
    with pytest.raises(ValidationError):
        services.import_map(job=job, by=world.leader, mapping={"nsn": "NSN"})


def test_a_finished_import_cannot_be_discarded_or_resumed(
    world, django_capture_on_commit_callbacks
):
    """Once done, an import is neither discarded nor resumed."""
    job = flow.run_import(
        django_capture_on_commit_callbacks, school=world.school, by=world.leader, upload=_upload()
    )
    with pytest.raises(ValidationError):
        services.import_discard(job=job, by=world.leader)
    with pytest.raises(ValidationError):
        services.import_resume(job=job, by=world.leader)


def test_the_sweep_restarts_a_dead_workers_import(world, django_capture_on_commit_callbacks):
    """An import nobody moved for five minutes is started again by the sweep and finishes."""
    job = _checked(world, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.IMPORTING,
        options={**job.options, "invite": False, "confirmed_by": world.leader.pk},
        updated_at=timezone.now() - datetime.timedelta(minutes=6),
    )
    assert tasks.import_sweep()["restarted"] == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Student.objects.filter(school=world.school, nsn="1000000001").exists()


def test_the_sweep_leaves_a_moving_import_alone(world, django_capture_on_commit_callbacks):
    """An import moved a minute ago is left to its worker."""
    job = _checked(world, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    assert services.imports_sweep()["restarted"] == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING


def test_the_sweep_rechecks_a_stalled_check(world):
    """A check whose worker died is run again by the sweep."""
    job = services.import_upload(
        school=world.school, by=world.leader, upload=_upload(), kind="students"
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKING,
        updated_at=timezone.now() - datetime.timedelta(minutes=6),
    )
    services.imports_sweep()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED


def test_the_sweep_lets_go_of_abandoned_and_finished_files(world):
    """A file left for a week is discarded, and a finished import's rows are emptied: no copy
    of the children's details is kept."""
    old = timezone.now() - datetime.timedelta(days=8)
    abandoned = factories.ImportJobFactory(school=world.school)
    finished = factories.ImportJobFactory(school=world.school, status=ImportJob.Status.DONE)
    recent = factories.ImportJobFactory(school=world.school)
    ImportJob.objects.filter(pk__in=[abandoned.pk, finished.pk]).update(updated_at=old)
    result = services.imports_sweep()
    assert (result["abandoned"], result["emptied"]) == (1, 1)
    abandoned.refresh_from_db()
    finished.refresh_from_db()
    recent.refresh_from_db()
    assert (abandoned.status, abandoned.rows) == (ImportJob.Status.DISCARDED, [])
    assert (finished.status, finished.rows, finished.headers) == (ImportJob.Status.DONE, [], [])
    assert recent.rows
    assert recent.status == ImportJob.Status.MAPPING


def test_a_broker_that_is_down_does_not_break_the_step(
    world, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """Choosing columns while the broker is down succeeds; the job waits for the sweep."""

    def down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(tasks.import_check, "delay", down)
    job = services.import_upload(
        school=world.school, by=world.leader, upload=_upload(), kind="students"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.import_map(job=job, by=world.leader, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKING
    assert "sweep" in caplog.text


def test_a_stopped_check_is_resumed_as_a_check(world, django_capture_on_commit_callbacks):
    """A check that failed, resumed, runs the check again (nothing was confirmed)."""
    job = services.import_upload(
        school=world.school, by=world.leader, upload=_upload(), kind="students"
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.import_resume(job=job, by=world.leader)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
