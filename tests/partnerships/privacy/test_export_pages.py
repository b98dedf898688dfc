"""The download (only the person an export is for; expired or failed, a clear page) and a
leader's page for their school's export, which polls while it is being prepared."""

import datetime
import io
import uuid
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent, PrivacyExport, PrivacyRequest
from partnerships.privacy import exports
from partnerships.privacy.due import due_on

pytestmark = pytest.mark.django_db

EXPIRED = "This download has expired. Ask again from your privacy requests page."


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr("partnerships.pdf.pdf_available", lambda: False)


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def ready(world) -> PrivacyExport:
    request = PrivacyRequest.objects.create(
        school=world.school,
        kind=PrivacyRequest.Kind.ACCESS,
        requester=world.whanau,
        student=world.student,
        due_on=due_on(timezone.localdate()),
    )
    export = exports.export_request(actor=world.leader, request=request, include_student=True)
    exports.export_build(export.pk)
    export.refresh_from_db()
    return export


def url(export) -> str:
    return reverse("privacy_export_download", args=[export.pk])


def test_the_person_it_is_for_downloads_it_counted_and_audited(world):
    export = ready(world)
    response = client_of(world.whanau).get(url(export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert world.whanau.name.split()[0] not in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "information.json" in archive.namelist()
    export.refresh_from_db()
    assert export.downloads == 1
    assert AuditEvent.objects.filter(
        actor=world.whanau,
        object_type="partnerships.privacyexport",
        object_id=export.pk,
        summary="Export downloaded",
    ).exists()


@pytest.mark.parametrize("who", ["leader", "teacher", "other_whanau", "student_user"])
def test_anyone_else_finds_no_such_page(world, who):
    export = ready(world)
    response = client_of(getattr(world, who)).get(url(export))
    assert response.status_code == 404
    assert world.student.first_name not in response.content.decode()
    export.refresh_from_db()
    assert export.downloads == 0


def test_signed_out_is_asked_to_sign_in(world):
    response = client_of(None).get(url(ready(world)))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_after_it_expires_a_clear_page(world):
    export = ready(world)
    PrivacyExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client_of(world.whanau).get(url(export))
    assert response.status_code == 410
    assert EXPIRED in response.content.decode()
    exports.exports_sweep()
    export.refresh_from_db()
    assert export.status == PrivacyExport.Status.EXPIRED
    response = client_of(world.whanau).get(url(export))
    assert response.status_code == 410
    assert EXPIRED in response.content.decode()


def test_a_damaged_file_is_a_clear_page_not_an_error(world, settings):
    export = ready(world)
    from cryptography.fernet import Fernet

    settings.PRIVACY_EXPORT_KEY = Fernet.generate_key().decode()
    response = client_of(world.whanau).get(url(export))
    assert response.status_code == 410
    assert "Ask again from your privacy requests page" in response.content.decode()


def test_while_it_is_prepared_the_link_says_so(world):
    request = PrivacyRequest.objects.create(
        school=world.school,
        kind=PrivacyRequest.Kind.ACCESS,
        requester=world.whanau,
        student=world.student,
        due_on=due_on(timezone.localdate()),
    )
    export = PrivacyExport.objects.create(
        school=world.school, request=request, recipient=world.whanau, asked_by=world.leader
    )
    response = client_of(world.whanau).get(url(export))
    assert response.status_code == 200
    assert "being prepared" in response.content.decode()


# The school's export page -------------------------------------------------------------


SCHOOL = reverse("privacy_school_export")


def test_a_leader_prepares_the_export_and_downloads_it_when_ready(
    world, django_capture_on_commit_callbacks
):
    leader = client_of(world.leader)
    page = leader.get(SCHOOL).content.decode()
    assert "What the export holds" in page
    assert "hasn’t made an export yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(SCHOOL, {"submission": str(uuid.uuid4())})
    assert response.status_code == 302
    export = PrivacyExport.objects.get(school=world.school, request__isnull=True)
    assert export.status == PrivacyExport.Status.READY
    assert export.recipient == world.leader
    page = leader.get(SCHOOL).content.decode()
    assert reverse("privacy_export_download", args=[export.pk]) in page
    download = leader.get(reverse("privacy_export_download", args=[export.pk]))
    assert zipfile.is_zipfile(io.BytesIO(b"".join(download.streaming_content)))


def test_a_double_submit_prepares_one_export(world, django_capture_on_commit_callbacks):
    leader = client_of(world.leader)
    form = {"submission": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=False):
        leader.post(SCHOOL, form)
        leader.post(SCHOOL, form)
        leader.post(SCHOOL, {"submission": str(uuid.uuid4())})  # a second tab, while queued
    assert PrivacyExport.objects.filter(school=world.school).count() == 1


def test_while_it_is_prepared_the_page_asks_again_then_reloads(world):
    export = PrivacyExport.objects.create(
        school=world.school, recipient=world.leader, asked_by=world.leader
    )
    leader = client_of(world.leader)
    page = leader.get(SCHOOL).content.decode()
    assert "Being prepared" in page
    assert 'hx-trigger="every 3s"' in page
    fragment = leader.get(SCHOOL, headers={"HX-Request": "true"}).content.decode()
    assert "Being prepared" in fragment
    assert "<html" not in fragment
    exports.export_build(export.pk)
    assert leader.get(SCHOOL, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_another_leader_sees_the_status_and_cannot_download_it(world):
    from tests import factories

    export = PrivacyExport.objects.create(
        school=world.school, recipient=world.leader, asked_by=world.leader
    )
    exports.export_build(export.pk)
    other_leader = factories.LeaderFactory(school=world.school).user
    page = client_of(other_leader).get(SCHOOL).content.decode()
    assert "Only the leader who asked for it can download it" in page
    assert reverse("privacy_export_download", args=[export.pk]) not in page
