"""An export is the person's only while what it holds is still theirs to see: a child's
record while the link to the child gives access, a school's data while they lead the school.
A build runs once at a time; a stored file read back whole and in order, or not at all; and a
parent who also teaches their child's class gets the child's record as whānau see it."""

import datetime
import io
import zipfile

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations.models import WeeklyUpdate
from learners.models import Evidence
from partnerships.models import PrivacyExport, PrivacyRequest, Staff, Voice, WhanauLink
from partnerships.privacy import crypto, exports
from partnerships.privacy.due import due_on
from reports.models import Report, ReportRound, ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db

UNREADABLE = "Ask again from your privacy requests page"


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr("partnerships.pdf.pdf_available", lambda: False)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_export(world, user=None, *, include_student=True) -> PrivacyExport:
    request = PrivacyRequest.objects.create(
        school=world.school,
        kind=PrivacyRequest.Kind.ACCESS,
        requester=user or world.whanau,
        student=world.student,
        due_on=due_on(timezone.localdate()),
    )
    export = exports.export_request(
        actor=world.leader, request=request, include_student=include_student
    )
    exports.export_build(export.pk)
    export.refresh_from_db()
    return export


def download(export):
    return reverse("privacy_export_download", args=[export.pk])


# The right, asked again at download -----------------------------------------------------


def test_a_child_set_to_no_contact_takes_the_export_away_and_off_the_requests_page(world):
    export = person_export(world)
    whanau = client_of(world.whanau)
    assert download(export) in whanau.get(reverse("privacy_requests")).content.decode()
    assert whanau.get(download(export)).status_code == 200
    WhanauLink.objects.filter(pk=world.link.pk).update(has_access=False)
    response = whanau.get(download(export))
    assert response.status_code == 404
    assert world.student.first_name not in response.content.decode()
    page = whanau.get(reverse("privacy_requests")).content.decode()
    assert download(export) not in page
    assert "Download your information" not in page
    export.refresh_from_db()
    assert export.downloads == 1


def test_their_own_information_without_the_child_stays_theirs(world):
    export = person_export(world, include_student=False)
    WhanauLink.objects.filter(pk=world.link.pk).update(has_access=False)
    assert client_of(world.whanau).get(download(export)).status_code == 200


def test_asked_with_a_child_they_cannot_see_the_export_is_their_own_part_and_theirs(world):
    export = person_export(world, world.no_access_whanau)
    assert export.request.include_student is False
    response = client_of(world.no_access_whanau).get(download(export))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert world.goal.title not in archive.read("index.html").decode()


def test_access_lost_before_the_build_leaves_the_child_out_and_the_rest_theirs(world):
    request = PrivacyRequest.objects.create(
        school=world.school,
        kind=PrivacyRequest.Kind.ACCESS,
        requester=world.whanau,
        student=world.student,
        due_on=due_on(timezone.localdate()),
    )
    export = exports.export_request(actor=world.leader, request=request, include_student=True)
    WhanauLink.objects.filter(pk=world.link.pk).update(has_access=False)
    exports.export_build(export.pk)
    request.refresh_from_db()
    assert request.include_student is False
    response = client_of(world.whanau).get(download(export))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert world.goal.title not in archive.read("index.html").decode()


def test_a_school_export_is_downloaded_only_while_they_lead_the_school(world):
    export = exports.export_school(actor=world.leader, school=world.school)
    exports.export_build(export.pk)
    leader = client_of(world.leader)
    assert leader.get(download(export)).status_code == 200
    Staff.objects.filter(user=world.leader, school=world.school).update(role=Staff.Role.TEACHER)
    assert leader.get(download(export)).status_code == 404
    Staff.objects.filter(user=world.leader, school=world.school).update(role=Staff.Role.LEADER)
    assert leader.get(download(export)).status_code == 200


# One build at a time ------------------------------------------------------------------


def test_the_sweep_waits_longer_than_a_build_may_run():
    from partnerships.privacy import export_tasks

    killed_after = datetime.timedelta(seconds=export_tasks.build_export.time_limit)
    assert killed_after < exports.STALLED
    assert export_tasks.build_export.soft_time_limit < export_tasks.build_export.time_limit


def test_a_build_already_running_elsewhere_is_not_started_beside_it(world):
    export = exports.export_school(actor=world.leader, school=world.school)
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )
    key = exports.BUILD_LOCK + export.pk
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [key])
        assert exports.export_build(export.pk) is False
        export.refresh_from_db()
        assert export.status == PrivacyExport.Status.QUEUED
        assert not export.file
        other.execute("SELECT pg_advisory_unlock(%s)", [key])
    finally:
        other.close()
    assert exports.export_build(export.pk) is True
    export.refresh_from_db()
    assert export.status == PrivacyExport.Status.READY


# Read back whole and in order -----------------------------------------------------------


def _chunks_of(raw: bytes) -> list[bytes]:
    chunks, at = [], 0
    while at < len(raw):
        length = int.from_bytes(raw[at : at + 4], "big")
        chunks.append(raw[at : at + 4 + length])
        at += 4 + length
    return chunks


def _sealed(plain: bytes, monkeypatch) -> bytes:
    monkeypatch.setattr(crypto, "CHUNK", 16)
    sealed = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(plain), sealed)
    return sealed.getvalue()


def _read(raw: bytes) -> bytes:
    return b"".join(crypto.decrypt_chunks(io.BytesIO(raw)))


PLAIN = b"Four chunks of an export, in order!!"  # 36 bytes: 16 + 16 + 4


def test_whole_and_in_order_it_reads_back(monkeypatch):
    raw = _sealed(PLAIN, monkeypatch)
    assert len(_chunks_of(raw)) == 3
    assert _read(raw) == PLAIN
    assert _read(_sealed(b"", monkeypatch)) == b""


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda c: [c[1], c[0], c[2]], id="first-two-swapped"),
        pytest.param(lambda c: [c[0], c[2], c[1]], id="last-two-swapped"),
        pytest.param(lambda c: c[:1], id="cut-after-the-first"),
        pytest.param(lambda c: c[:2], id="cut-before-the-last"),
        pytest.param(lambda c: [c[0], c[0], c[1], c[2]], id="a-chunk-twice"),
        pytest.param(lambda c: [*c, c[2]], id="more-after-the-last"),
        pytest.param(lambda c: [c[0], c[1], c[2][:-5]], id="cut-inside-a-chunk"),
    ],
)
def test_chunks_moved_or_cut_do_not_read(monkeypatch, damage):
    raw = b"".join(damage(_chunks_of(_sealed(PLAIN, monkeypatch))))
    with pytest.raises(crypto.ExportUnreadableError):
        _read(raw)


def test_a_chunk_of_another_file_does_not_read(monkeypatch):
    one, two = _chunks_of(_sealed(PLAIN, monkeypatch)), _chunks_of(_sealed(PLAIN, monkeypatch))
    with pytest.raises(crypto.ExportUnreadableError):
        _read(b"".join([one[0], two[1], one[2]]))


def test_a_stored_file_cut_or_reordered_is_the_clear_page_before_any_byte(world, monkeypatch):
    monkeypatch.setattr(crypto, "CHUNK", 512)
    export = person_export(world)
    with export.file.open("rb") as stored:
        chunks = _chunks_of(stored.read())
    assert len(chunks) > 2
    for damaged in ([chunks[1], chunks[0], *chunks[2:]], chunks[:1]):
        export.file.save(str(export.pk), ContentFile(b"".join(damaged)), save=True)
        response = client_of(world.whanau).get(download(export))
        assert response.status_code == 410
        assert UNREADABLE in response.content.decode()
    export.refresh_from_db()
    assert export.downloads == 0


# A parent who also teaches the child's class ------------------------------------------


def _report(world, *, published: bool, comment: str, gone_home: str = "") -> Report:
    round_ = ReportRound.objects.create(
        school=world.school,
        name=f"Round {ReportRound.objects.count() + 1}",
        period_starts_on=timezone.localdate() - datetime.timedelta(days=90),
        due_on=timezone.localdate(),
    )
    report = Report.objects.create(
        round=round_,
        student=world.student,
        teacher_comment=comment,
        status=Report.Status.DRAFT,
        published_version=int(published),
    )
    if published:
        ReportVersion.objects.create(
            report=report,
            number=1,
            content={"teacher_comment": gone_home},
            published_at=timezone.now(),
        )
    return report


def test_a_parent_who_teaches_the_class_gets_the_childs_record_as_whanau_see_it(world):
    teacher = world.teacher  # teaches the child's class, and is now whānau of the child too
    factories.WhanauLinkFactory(
        student=world.student,
        whanau=factories.WhanauMemberFactory(school=world.school, user=teacher),
    )
    goal = world.goal
    factories.GoalCommentFactory(goal=goal, body="Shown: a comment from home")
    factories.GoalCommentFactory(
        goal=goal,
        body="Hidden: a comment taken down",
        hidden_at=timezone.now(),
        hidden_reason="Reason: names another child",
    )
    for name, held in (("released.png", False), ("held-back.png", True)):
        evidence = Evidence(
            goal=goal,
            kind=Evidence.Kind.PHOTO,
            note=f"Evidence {name}",
            original_name=name,
            voice=Voice.TEACHER,
            shows_others=held,
        )
        evidence.file.save(name, ContentFile(factories.PNG), save=False)
        evidence.save()
    factories.InquiryStepFactory(
        student=world.student, text="Shared: reading at home", shared_with_whanau=True
    )
    factories.InquiryStepFactory(student=world.student, text="Staff inquiry: not shared")
    factories.ConversationFactory(student=world.student)
    _report(world, published=False, comment="Draft report: not gone home")
    _report(
        world,
        published=True,
        comment="Correction begun: not gone home",
        gone_home="Report as it went home",
    )
    week = world.school.week_of(timezone.now())
    WeeklyUpdate.objects.create(
        student=world.student, week=week, learned="Draft update: still being written"
    )
    WeeklyUpdate.objects.create(
        student=world.student,
        week=week - datetime.timedelta(weeks=1),
        learned="Sent update: volcanoes",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
        queued_at=timezone.now(),
    )
    export = person_export(world, teacher)
    with export.file.open("rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(b"".join(crypto.decrypt_chunks(stored))))
    text = archive.read("index.html").decode() + archive.read("information.json").decode()
    for seen in (
        "Shown: a comment from home",
        "Evidence released.png",
        "Shared: reading at home",
        "We noticed she loves reading",
        "Report as it went home",
        "Sent update: volcanoes",
    ):
        assert seen in text, seen
    for staff_only in (
        "Hidden: a comment taken down",
        "Reason: names another child",
        "Evidence held-back.png",
        "Staff inquiry: not shared",
        "Staff only",
        "Draft report: not gone home",
        "Correction begun: not gone home",
        "Draft update: still being written",
    ):
        assert staff_only not in text, staff_only
    assert not [name for name in archive.namelist() if "held-back" in name]
