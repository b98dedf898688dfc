"""Evidence of learning: notes, photos and PDFs added by anyone on the goal, served privately."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from learners.models import Evidence
from partnerships.models import AuditEvent, Voice

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _image(fmt, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, (6, 6), "teal" if mode == "RGB" else (10, 20, 30, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def _add(client, world, **data):
    return client.post(reverse("evidence_add", args=[world.goal.pk]), data)


def test_a_note_from_the_student_is_their_voice(client, world):
    """A note on its own is evidence too, in the student's voice, and in the goal's history."""
    client.force_login(world.student_user)
    response = _add(client, world, note="I read a whole chapter to my class.")
    assert response.url == world.goal.get_absolute_url("evidence")
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.voice) == (Evidence.Kind.NOTE, Voice.STUDENT)
    assert evidence.added_by == world.student_user
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATED, object_type="learners.goal")
    assert event.summary == "Evidence added (Note)"
    page = client.get(world.goal.get_absolute_url()).content.decode()
    assert "I read a whole chapter to my class." in page


def test_a_note_has_no_file_to_download(client, world):
    """Asking for the file of a note-only piece of evidence is a 404."""
    client.force_login(world.teacher)
    _add(client, world, note="Reading log checked.")
    evidence = Evidence.objects.get()
    assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 404


def test_a_pdf_downloads_with_its_own_name_and_is_kept_as_it_came(client, world):
    """A PDF is stored unchanged, and downloads (never opens as a page) under its name."""
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("reading log.pdf", PDF, content_type="application/pdf")
    _add(client, world, file=upload)
    evidence = Evidence.objects.get()
    assert evidence.kind == Evidence.Kind.PDF
    assert evidence.original_name == "reading log.pdf"
    client.force_login(world.teacher)
    response = client.get(reverse("evidence_file", args=[evidence.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "reading log.pdf" in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content) == PDF


def test_a_photo_opens_in_the_browser_rather_than_downloading(client, world):
    """Photos are shown inline, privately cached only."""
    client.force_login(world.whanau)
    _add(client, world, file=SimpleUploadedFile("p.png", _image("PNG"), content_type="image/png"))
    response = client.get(reverse("evidence_file", args=[Evidence.objects.get().pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "private, max-age=3600"


def test_a_webp_photo_is_accepted(client, world):
    """A WebP photo from a phone is recognised by its contents and kept as a WebP photo."""
    client.force_login(world.whanau)
    upload = SimpleUploadedFile("p.bin", _image("WEBP"), content_type="application/octet-stream")
    _add(client, world, file=upload)
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.content_type) == (Evidence.Kind.PHOTO, "image/webp")


def test_a_scanned_cmyk_photo_is_kept_as_an_ordinary_jpeg(client, world):
    """A print-shop (CMYK) JPEG is accepted and stored as an ordinary colour JPEG."""
    client.force_login(world.teacher)
    upload = SimpleUploadedFile("scan.jpg", _image("JPEG", "CMYK"), content_type="image/jpeg")
    _add(client, world, file=upload)
    stored = Evidence.objects.get().file
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.mode == "RGB"


def test_a_file_gone_from_storage_is_not_found(client, world):
    """If the stored file has gone (a restore, a cleanup), the download is a 404, not an error."""
    client.force_login(world.whanau)
    _add(client, world, file=SimpleUploadedFile("p.png", _image("PNG"), content_type="image/png"))
    evidence = Evidence.objects.get()
    evidence.file.storage.delete(evidence.file.name)
    assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize("person", ["other_whanau", "no_access_whanau", "other_school_leader"])
def test_people_outside_the_goal_can_neither_add_nor_open_evidence(client, world, person):
    """Another family, a “no access” person or another school get 404s and add nothing."""
    client.force_login(world.teacher)
    _add(client, world, file=SimpleUploadedFile("p.png", _image("PNG"), content_type="image/png"))
    evidence = Evidence.objects.get()
    client.force_login(getattr(world, person))
    assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 404
    assert _add(client, world, note="Not mine to add").status_code == 404
    assert Evidence.objects.count() == 1
