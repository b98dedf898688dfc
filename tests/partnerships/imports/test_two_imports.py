"""Two imports of one school at the same moment: their parts take turns, so a caregiver new
to the school in both files is added once."""

import threading

import pytest
from django.db import connections

from partnerships.imports import applying, checking, services
from partnerships.models import ImportJob, WhanauLink, WhanauMember
from tests.partnerships.imports import files

WAIT = 2  # seconds the first import holds its part open for the second to slip in


def confirmed(world, rows) -> ImportJob:
    """A job checked and confirmed, its import not started."""
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, rows))
    job = services.import_upload(
        school=world.school, by=world.leader, upload=upload, kind="students"
    )
    services.import_map(job=job, by=world.leader, mapping=job.mapping)
    checking.check_job(job.pk)
    job.refresh_from_db()
    assert job.preview["blocking"] == 0, job.preview["errors"]
    assert services.import_confirm(job=job, by=world.leader, invite=False)
    return job


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_add_a_shared_new_caregiver_once(world, monkeypatch):
    """Two files naming the same new mum, confirmed together: one whānau member, linked to
    both children."""
    monkeypatch.setattr(services, "enqueue", lambda *args: None)  # the test runs each import
    mum = {"Caregiver 1 Email": "aroha@example.com", "Caregiver 1 Name": "Aroha Ngata"}
    first = confirmed(world, [files.student_row(1, **mum)])
    second = confirmed(world, [files.student_row(2, **mum)])

    first_writing, second_done = threading.Event(), threading.Event()
    real_write = applying._write

    def write(plan, job, actor):
        if job.pk == first.pk:
            # The first import has read the school and not yet written: the second tries now.
            first_writing.set()
            second_done.wait(timeout=WAIT)
        return real_write(plan, job, actor)

    monkeypatch.setattr(applying, "_write", write)
    errors = []

    def run(job, before=None):
        try:
            if before is not None:
                assert before.wait(timeout=10)
            applying.apply_job(job.pk)
        except Exception as error:  # any failure is reported below
            errors.append(error)
        finally:
            if job.pk == second.pk:
                second_done.set()
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(first,)),
        threading.Thread(target=run, args=(second, first_writing)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert {job.status for job in ImportJob.objects.all()} == {ImportJob.Status.DONE}
    [member] = WhanauMember.objects.filter(school=world.school, email="aroha@example.com")
    assert WhanauLink.objects.filter(whanau=member).count() == 2
