"""Exports: a person's information answering their access request, and a school's data.

Encrypted at rest, built once however often asked for, downloaded only by the person it is
for (and audited), gone a week later; what a person's export holds is what the app shows
them about their own child, and a school's export is its own data only."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conversations.models import Booking
from learners.models import Evidence
from partnerships import outbox
from partnerships.households import household_of
from partnerships.models import (
    AuditEvent,
    OutboxEmail,
    PrivacyExport,
    PrivacyRequest,
    Voice,
    WhanauMember,
)
from partnerships.privacy import crypto, exports
from partnerships.privacy.due import due_on
from tests import factories

pytestmark = pytest.mark.django_db


def ask(world, user=None, student=None, kind=PrivacyRequest.Kind.ACCESS) -> PrivacyRequest:
    return PrivacyRequest.objects.create(
        school=world.school,
        kind=kind,
        requester=user or world.whanau,
        student=student if student is not None else world.student,
        due_on=due_on(timezone.localdate()),
    )


def built(world, request=None, *, include_student=True) -> PrivacyExport:
    request = request or ask(world)
    export = exports.export_request(
        actor=world.leader, request=request, include_student=include_student
    )
    exports.export_build(export.pk)
    export.refresh_from_db()
    return export


def plain(export: PrivacyExport) -> bytes:
    with export.file.open("rb") as stored:
        return b"".join(crypto.decrypt_chunks(stored))


def opened(export: PrivacyExport) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(plain(export)))


def text_of(export: PrivacyExport) -> str:
    archive = opened(export)
    return archive.read("index.html").decode() + archive.read("information.json").decode()


@pytest.fixture
def no_pdf(monkeypatch):
    monkeypatch.setattr("partnerships.pdf.pdf_available", lambda: False)


# Asking and building --------------------------------------------------------------------


def test_an_export_is_stored_encrypted_and_opens_as_a_readable_zip(world):
    export = built(world)
    assert export.status == PrivacyExport.Status.READY
    with export.file.open("rb") as stored:
        raw = stored.read()
    assert not raw.startswith(b"PK")
    assert not zipfile.is_zipfile(io.BytesIO(raw))
    assert world.student.first_name.encode() not in raw
    assert export.size == len(raw)
    assert export.expires_at - export.built_at == datetime.timedelta(days=7)
    archive = opened(export)
    names = set(archive.namelist())
    assert {"index.html", "information.json"} <= names
    information = json.loads(archive.read("information.json"))
    titles = [section["title"] for section in information["sections"]]
    assert "Your account" in titles
    assert f"About {world.student.full_name}" in titles
    assert world.whanau.name in archive.read("index.html").decode()


def test_the_readable_document_comes_as_a_pdf_too_where_the_machine_makes_one(world):
    from partnerships.pdf import pdf_available

    if not pdf_available():
        pytest.skip("WeasyPrint cannot run here")
    archive = opened(built(world))
    assert archive.read("information.pdf").startswith(b"%PDF")


def test_ready_answers_the_request_and_emails_the_person_in_the_same_step(world, no_pdf):
    request = ask(world)
    export = built(world, request)
    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.SENT
    assert request.closed_by == world.leader
    assert request.closed_at is not None
    email = OutboxEmail.objects.get(kind="privacy_export_ready")
    assert email.params == {"export": export.pk}
    message = outbox.KINDS._entries["privacy_export_ready"].function(email.params)
    assert message.to == [world.whanau.email]
    assert "Your information is ready: sign in to download it before" in message.body
    assert reverse("privacy_requests") in message.body


def test_asked_twice_the_same_export_and_built_twice_nothing_more(world, no_pdf):
    request = ask(world)
    first = exports.export_request(actor=world.leader, request=request, include_student=True)
    again = exports.export_request(actor=world.leader, request=request, include_student=False)
    assert first.pk == again.pk
    assert PrivacyExport.objects.filter(request=request).count() == 1
    assert exports.export_build(first.pk) is True
    name = PrivacyExport.objects.get(pk=first.pk).file.name
    assert exports.export_build(first.pk) is False
    assert PrivacyExport.objects.get(pk=first.pk).file.name == name
    assert OutboxEmail.objects.filter(kind="privacy_export_ready").count() == 1


def test_only_the_privacy_officer_sends_an_export_and_only_for_access(world):
    request = ask(world)
    for someone in (world.teacher, world.whanau, world.other_school_leader):
        with pytest.raises(PermissionDenied):
            exports.export_request(actor=someone, request=request, include_student=True)
    correction = ask(world, kind=PrivacyRequest.Kind.CORRECTION)
    with pytest.raises(PermissionDenied):
        exports.export_request(actor=world.leader, request=correction, include_student=True)
    assert not PrivacyExport.objects.exists()


def test_queueing_is_audited_without_what_it_holds(world, no_pdf):
    export = built(world)
    summaries = list(
        AuditEvent.objects.filter(
            object_type="partnerships.privacyexport", object_id=export.pk
        ).values_list("summary", flat=True)
    )
    assert len(summaries) == 2
    for summary in summaries:
        assert world.student.first_name not in summary
        assert world.whanau.name not in summary


def test_without_the_child_the_export_is_the_persons_own(world, no_pdf):
    text = text_of(built(world, include_student=False))
    assert world.whanau.name in text
    assert f"About {world.student.full_name}" not in text
    assert world.goal.title not in text


def test_a_child_the_person_has_no_access_to_is_never_included(world, no_pdf):
    request = ask(world, user=world.no_access_whanau)
    text = text_of(built(world, request))
    assert world.goal.title not in text
    assert world.student.last_name not in text
    assert "Not shown: no contact through the school" in text


# What a person's export holds -----------------------------------------------------------


def _evidence(goal, *, shows_others=False, confirmed=False, name="reading.png"):
    evidence = Evidence(
        goal=goal,
        kind=Evidence.Kind.PHOTO,
        note=f"note for {name}",
        original_name=name,
        voice=Voice.TEACHER,
        shows_others=shows_others,
        confirmed_at=timezone.now() if confirmed else None,
    )
    evidence.file.save(name, ContentFile(factories.PNG), save=False)
    evidence.save()
    return evidence


def test_held_evidence_stays_out_and_evidence_they_may_see_comes_with_its_file(world, no_pdf):
    shown = _evidence(world.goal, name="reading.png")
    released = _evidence(world.goal, shows_others=True, confirmed=True, name="group.png")
    _evidence(world.goal, shows_others=True, name="held-back.png")
    archive = opened(built(world))
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert sorted(files) == sorted(
        [f"files/evidence/{shown.pk}-reading.png", f"files/evidence/{released.pk}-group.png"]
    )
    assert archive.read(files[0]) == factories.PNG
    text = archive.read("index.html").decode()
    assert "note for held-back.png" not in text
    assert "note for group.png" in text


def test_what_whanau_do_not_see_in_the_app_is_not_in_their_export(world, no_pdf):
    hidden = factories.GoalCommentFactory(
        goal=world.goal, hidden_at=timezone.now(), body="A hidden comment about a worry"
    )
    factories.InquiryStepFactory(student=world.student, text="Not shared: a staff inquiry step")
    factories.InquiryStepFactory(
        student=world.student, text="Shared: reading at home", shared_with_whanau=True
    )
    factories.ConversationFactory(student=world.student)
    other_family = factories.GoalCommentFactory(
        goal=factories.GoalFactory(student=world.other_student), body="Another family's words"
    )
    text = text_of(built(world))
    assert hidden.body not in text
    assert other_family.body not in text
    assert "Not shared" not in text
    assert "Shared: reading at home" in text
    assert "We noticed she loves reading" in text
    assert "Staff only" not in text


def test_bookings_of_another_household_stay_out(world, no_pdf):
    slot = factories.SlotFactory(round=factories.RoundFactory(school=world.school))
    mine = WhanauMember.objects.get(user=world.whanau)
    other_parent = factories.WhanauLinkFactory(student=world.student).whanau
    Booking.objects.create(
        round=slot.round,
        slot=slot,
        student=world.student,
        whanau=mine,
        household=household_of(mine),
        note="Our booking note",
    )
    other_slot = factories.SlotFactory(round=slot.round)
    Booking.objects.create(
        round=slot.round,
        slot=other_slot,
        student=world.student,
        whanau=other_parent,
        household=household_of(other_parent),
        note="The other house's note",
    )
    text = text_of(built(world))
    assert "Our booking note" in text
    assert "The other house's note" not in text
    assert other_parent.name not in text


def test_others_are_named_by_their_part_not_their_name(world, no_pdf):
    factories.GoalCommentFactory(
        goal=world.goal, author=world.teacher, voice=Voice.TEACHER, body="From school"
    )
    factories.GoalCommentFactory(goal=world.goal, author=world.whanau, body="From home")
    text = text_of(built(world))
    assert "From school" in text
    assert "From home" in text
    assert world.teacher.name not in text


def test_a_staff_member_gets_their_record_and_a_count_of_what_they_wrote(world, no_pdf):
    factories.GoalCommentFactory(goal=world.goal, author=world.teacher, voice=Voice.TEACHER)
    request = ask(world, user=world.teacher, student=None)
    archive = opened(built(world, request))
    information = json.loads(archive.read("information.json"))
    sections = {section["title"]: section["rows"] for section in information["sections"]}
    assert "Your staff record" in sections
    assert sections["What you wrote as staff"][0]["Comments written"] == "1"
    assert world.student.full_name not in archive.read("index.html").decode()


def test_a_failed_export_asked_for_again_is_built_again(world, no_pdf):
    request = ask(world)
    export = exports.export_request(actor=world.leader, request=request, include_student=True)
    PrivacyExport.objects.filter(pk=export.pk).update(status=PrivacyExport.Status.FAILED)
    again = exports.export_request(actor=world.leader, request=request, include_student=True)
    assert again.pk == export.pk
    assert again.status == PrivacyExport.Status.QUEUED
    exports.export_build(again.pk)
    again.refresh_from_db()
    assert again.status == PrivacyExport.Status.READY


def test_the_email_and_the_document_are_in_the_persons_language(world, no_pdf):
    WhanauMember.objects.filter(user=world.whanau).update(preferred_language="mi")
    export = built(world)
    email = OutboxEmail.objects.get(kind="privacy_export_ready")
    message = outbox.KINDS._entries["privacy_export_ready"].function(email.params)
    assert 'lang="mi"' in message.alternatives[0].content
    assert '<html lang="mi">' in opened(export).read("index.html").decode()
