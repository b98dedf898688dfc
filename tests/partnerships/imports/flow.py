"""Running an import through its services as the pages do, tasks eager, commits run."""

from partnerships.imports import services
from partnerships.models import ImportJob


def upload_and_check(capture, *, school, by, upload, kind="students", mapping=None):
    """Upload and check; the job as the preview finds it."""
    job = services.import_upload(school=school, by=by, upload=upload, kind=kind)
    with capture(execute=True):
        services.import_map(job=job, by=by, mapping=mapping or job.mapping)
    return ImportJob.objects.get(pk=job.pk)


def confirm(capture, job, *, by, invite=True) -> ImportJob:
    with capture(execute=True):
        services.import_confirm(job=job, by=by, invite=invite)
    return ImportJob.objects.get(pk=job.pk)


def run_import(capture, *, school, by, upload, kind="students", invite=True, mapping=None):
    job = upload_and_check(capture, school=school, by=by, upload=upload, kind=kind, mapping=mapping)
    assert job.status == ImportJob.Status.CHECKED, job.preview
    assert job.preview["blocking"] == 0, job.preview["errors"]
    return confirm(capture, job, by=by, invite=invite)
