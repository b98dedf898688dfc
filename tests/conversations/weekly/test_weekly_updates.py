"""The weekly update home: written by the student, approved, sent once, read and answered.

Beat's task writes the week to the outbox; the commit's nudge sends it (``beat`` runs both,
as a worker does). The tests' transaction never commits, so the nudge is run by hand.
"""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.base import Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, UpdateReply, WeeklyUpdate
from conversations.weekly.tasks import remind_unwritten_updates, send_due_updates
from partnerships import outbox
from partnerships.models import AuditEvent, OutboxEmail, Voice, WhanauLink, WhanauMember
from tests import factories

pytestmark = pytest.mark.django_db

# Kōwhai School sends on Fridays at 3pm, Auckland time (the School defaults).
MONDAY = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=datetime.UTC)  # Mon 10pm NZ... a Monday
BEFORE_SEND = datetime.datetime(2026, 11, 19, 22, 0, tzinfo=datetime.UTC)  # Fri 11am NZDT
AFTER_SEND = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)  # Fri 4pm NZDT


@pytest.fixture
def week(world, time_machine):
    time_machine.move_to(BEFORE_SEND)
    return world.school.week_of(timezone.now())


@pytest.fixture
def beat(django_capture_on_commit_callbacks):
    """Run a beat task, then what its commit sets off: the outbox's nudge, which sends."""

    def run(task=send_due_updates):
        with django_capture_on_commit_callbacks(execute=True):
            return task()

    return run


def _write(client, world, **data):
    client.force_login(world.student_user)
    payload = {
        "learned": "How volcanoes make islands.",
        "proud_of": "My poster.",
        "question_for_home": "Which maunga is closest to our house?",
    } | data
    return client.post(reverse("weekly_update_write"), payload)


def _ready_update(world, week, **fields):
    return WeeklyUpdate.objects.create(
        student=world.student,
        week=week,
        learned="Fractions with pizza.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
        **fields,
    )


def test_student_writes_a_draft_then_says_it_is_ready(client, world, week):
    """A draft is kept; marking it ready asks the teacher to approve."""
    _write(client, world, draft="1")
    update = WeeklyUpdate.objects.get()
    assert update.status == WeeklyUpdate.Status.DRAFT
    _write(client, world, submit="1")
    update.refresh_from_db()
    assert update.status == WeeklyUpdate.Status.SUBMITTED
    assert update.week == week


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"learned": ""}, "can’t go home empty"),
        ({"learned": "x" * 1001}, "under 1000 characters"),
    ],
)
def test_bad_updates_are_explained_and_not_saved(client, world, week, data, message):
    """An empty or over-long update says what is wrong and nothing is saved."""
    response = _write(client, world, submit="1", **data)
    assert message in response.content.decode()
    assert not WeeklyUpdate.objects.exists()


def test_a_photo_of_the_wrong_type_is_refused(client, world, week):
    """Only photos can be added to an update."""
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 fake", content_type="application/pdf")
    response = _write(client, world, submit="1", photo=upload)
    assert "Only photos" in response.content.decode()
    assert not WeeklyUpdate.objects.exists()


def test_teacher_writes_with_a_younger_student(client, world, week):
    """An update written with the teacher says so."""
    client.force_login(world.teacher)
    client.post(
        reverse("weekly_update_write_with", args=[world.classmate.pk]),
        {"learned": "We counted to 100 in te reo.", "submit": "1"},
    )
    update = WeeklyUpdate.objects.get(student=world.classmate)
    assert update.written_with_teacher
    assert update.author == world.teacher


def test_teachers_week_shows_who_has_written_and_approves_all(client, world, week):
    """The week view lists who hasn't written and who needs approval; approving all works."""
    _write(client, world, submit="1")
    client.force_login(world.teacher)
    response = client.get(reverse("weekly_update_week"))
    content = response.content.decode()
    assert "Needs approval" in content
    assert "Not written" in content  # the classmate
    client.post(reverse("weekly_update_approve"), {"week": week.isoformat()})
    assert WeeklyUpdate.objects.get().status == WeeklyUpdate.Status.APPROVED


def test_a_big_weeks_students_come_a_page_at_a_time_and_approve_all_counts_them_all(
    client, world, week, monkeypatch
):
    """Students past the first page are on the next; the approve-all button counts every
    page's updates waiting for approval."""
    monkeypatch.setattr("conversations.weekly.views.WEEK_PER_PAGE", 1)
    _write(client, world, submit="1")
    client.force_login(world.teacher)
    url = reverse("weekly_update_week")
    first = client.get(url, {"week": week.isoformat()})
    assert len(first.context["rows"]) == 1
    assert first.context["waiting"] == 1
    assert f"?week={week.isoformat()}&amp;page=2" in first.content.decode()
    second = client.get(url, {"week": week.isoformat(), "page": 2})
    assert second.context["waiting"] == 1
    shown = {row[0] for page in (first, second) for row in page.context["rows"]}
    assert shown == {world.student, world.classmate}


def test_the_week_goes_home_once_to_each_whanau_member_who_wants_it(
    world, week, time_machine, beat
):
    """After the send time each whānau member with access gets one multipart email, once."""
    _ready_update(world, week)
    opted_out = factories.WhanauLinkFactory(student=world.student, receives_weekly_update=False)
    beat()
    assert mail.outbox == []  # not yet: Friday 3pm
    time_machine.move_to(AFTER_SEND)
    beat()
    beat()
    assert [message.to for message in mail.outbox] == [[world.link.whanau.email]]
    message = mail.outbox[0]
    assert "Fractions with pizza." in message.body
    html = message.alternatives[0].content
    assert "Fractions with pizza." in html
    assert 'style="' in html  # inline styles for mail readers
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/updates/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    recipients = {d.whanau for d in UpdateDelivery.objects.all()}
    assert opted_out.whanau not in recipients
    assert UpdateDelivery.objects.get().status == UpdateDelivery.Status.SENT


def test_email_is_in_the_readers_language(world, week, time_machine, beat):
    """A whānau member who prefers te reo Māori gets the email's own words in te reo."""
    member = world.link.whanau
    member.preferred_language = "mi"
    member.save()
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    assert "Ngā mihi" in mail.outbox[0].body
    assert "Kia ora" in mail.outbox[0].body


def test_a_send_compiles_each_email_template_once(world, week, time_machine, monkeypatch, beat):
    """Django's cached template loader parses the three templates once, not once per email."""
    compiled = []
    compile_nodelist = Template.compile_nodelist
    monkeypatch.setattr(
        Template, "compile_nodelist", lambda self: compiled.append(self) or compile_nodelist(self)
    )
    factories.WhanauLinkFactory(student=world.classmate)
    for student in (world.student, world.classmate, world.other_student):
        WeeklyUpdate.objects.create(
            student=student,
            week=week,
            learned="Tides.",
            status=WeeklyUpdate.Status.APPROVED,
            approved_at=timezone.now(),
        )
    time_machine.move_to(AFTER_SEND)
    beat()
    assert len(mail.outbox) == 3
    assert len(compiled) <= 3  # none at all when an earlier test already parsed them


def test_drafts_and_unapproved_updates_never_go_home(world, week, time_machine, beat):
    """A draft, or a written update still waiting for approval, sends nothing: no empty email."""
    WeeklyUpdate.objects.create(student=world.student, week=week, learned="Half done")
    WeeklyUpdate.objects.create(
        student=world.classmate, week=week, learned="Waiting", status=WeeklyUpdate.Status.SUBMITTED
    )
    factories.WhanauLinkFactory(student=world.classmate)
    time_machine.move_to(AFTER_SEND)
    beat()
    assert mail.outbox == []


def _refuse_mail(monkeypatch, error: Exception):
    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


def _week_page(client, world) -> str:
    client.force_login(world.teacher)
    return client.get(reverse("weekly_update_week")).content.decode()


def _retry_time(world) -> str:
    row = OutboxEmail.objects.get(kind="weekly_update")
    return f"will retry at {timezone.localtime(row.send_after, world.school.zone):%H:%M}"


def test_the_week_view_says_which_emails_are_waiting_and_which_went(client, world, week):
    """Written to the outbox, each email waits (with no retry yet); once sent, it says so."""
    _ready_update(world, week)
    sending.week_send(school_id=world.school.pk, week=week)
    page = _week_page(client, world)
    assert f"{world.link.whanau.name}:" in page
    assert "Waiting to send" in page
    assert "will retry" not in page
    outbox.send_due()
    page = _week_page(client, world)
    assert "Sent" in page
    assert "Waiting to send" not in page


def test_a_mail_server_out_of_reach_is_shown_plainly_and_retried(
    client, world, week, time_machine, monkeypatch, beat
):
    """The week says it waits and when it retries, never the error's words; then it goes once."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    _refuse_mail(monkeypatch, OSError("[Errno 111] Connection refused"))
    beat()
    assert mail.outbox == []
    page = _week_page(client, world)
    assert "Waiting to send" in page
    assert "Our mail server could not be reached: we will try again shortly." in page
    assert _retry_time(world) in page
    assert "Errno" not in page
    assert UpdateDelivery.objects.get().status == UpdateDelivery.Status.QUEUED
    monkeypatch.undo()
    assert outbox.send_due().sent == 0  # not before its time
    time_machine.move_to(AFTER_SEND + datetime.timedelta(minutes=2))
    assert outbox.send_due().sent == 1
    assert outbox.send_due().sent == 0
    assert [message.to for message in mail.outbox] == [[world.link.whanau.email]]
    assert UpdateDelivery.objects.get().status == UpdateDelivery.Status.SENT
    assert "Sent" in _week_page(client, world)


def test_a_server_asking_to_try_later_is_retried_with_a_plain_reason(
    client, world, week, time_machine, monkeypatch, beat
):
    """A "try later" answer waits and is tried again; the page gives the reason in plain words."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    address = world.link.whanau.email
    _refuse_mail(monkeypatch, smtplib.SMTPRecipientsRefused({address: (451, b"4.7.1 Greylisted")}))
    beat()
    page = _week_page(client, world)
    assert "The mail server asked us to try later: we will." in page
    assert _retry_time(world) in page
    assert "Greylisted" not in page
    monkeypatch.undo()
    time_machine.move_to(AFTER_SEND + datetime.timedelta(minutes=2))
    outbox.send_due()
    assert [message.to for message in mail.outbox] == [[address]]
    assert UpdateDelivery.objects.get().status == UpdateDelivery.Status.SENT


def test_an_address_refused_for_good_is_shown_and_never_tried_again(
    client, world, week, time_machine, monkeypatch, beat
):
    """A refused address shows "Could not be sent" and the plain reason, and stays refused."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    address = world.link.whanau.email
    _refuse_mail(
        monkeypatch, smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 User unknown")})
    )
    beat()
    page = _week_page(client, world)
    assert "Could not be sent: The family’s mail server refused this address." in page
    assert "User unknown" not in page
    delivery = UpdateDelivery.objects.get()
    assert (delivery.status, delivery.reason) == (
        UpdateDelivery.Status.FAILED,
        "The family’s mail server refused this address.",
    )
    monkeypatch.undo()
    time_machine.move_to(AFTER_SEND + datetime.timedelta(hours=2))
    beat()
    outbox.send_due()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"has_access": False}, "They were marked “no access / no contact” for this student."),
        ({"receives_weekly_update": False}, "They stopped the weekly update email."),
    ],
)
def test_a_link_changed_after_the_week_was_written_gets_nothing(
    client, world, week, time_machine, change, reason
):
    """Marked no contact, or unsubscribed, after the week was written: no email, and why."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    assert sending.week_send(school_id=world.school.pk, week=week) == 1
    WhanauLink.objects.filter(pk=world.link.pk).update(**change)
    result = outbox.send_due()
    assert (result.sent, result.skipped) == (0, 1)
    assert mail.outbox == []
    assert f"Not sent: {reason}" in _week_page(client, world)
    assert UpdateDelivery.objects.get().reason == reason


def test_a_whanau_member_whose_email_was_removed_gets_nothing(world, week, time_machine):
    """An address removed after the week was written: nothing is sent, and the reason says so."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    sending.week_send(school_id=world.school.pk, week=week)
    WhanauMember.objects.filter(pk=world.link.whanau_id).update(email="")
    assert outbox.send_due().skipped == 1
    assert mail.outbox == []
    assert UpdateDelivery.objects.get().reason == "We have no email address for them."


def _read_url():
    body = mail.outbox[0].body
    return body[body.index("/updates/read/") :].split()[0]


def test_the_read_link_leads_through_sign_in_by_code(client, world, week, time_machine, beat):
    """Signed out, the link goes to sign-in by code and then to the update; signed in, straight."""
    update = _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    url = _read_url()
    response = client.get(url)
    assert response.url.startswith(reverse("account_request_login_code"))
    assert "next=" in response.url
    client.force_login(world.whanau)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("weekly_update_detail", args=[update.pk])
    assert "Fractions with pizza." in response.content.decode()


def test_tampered_and_expired_read_links_are_explained(client, world, week, time_machine, beat):
    """A changed link, or one over a month old, gets a clear page and shows nothing."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    url = _read_url()
    response = client.get(url[:-3] + "xyz/")
    assert response.status_code == 400
    assert "don’t recognise this link" in response.content.decode()
    time_machine.move_to(AFTER_SEND + datetime.timedelta(days=31))
    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_one_click_unsubscribe_needs_no_sign_in(world, week, time_machine, beat):
    """The List-Unsubscribe link works as a one-click POST with no session and no CSRF token."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    world.link.refresh_from_db()
    assert not world.link.receives_weekly_update


def test_unsubscribing_is_in_the_audit_trail_once(world):
    """Stopping the email from the link is audited like a staff change; a second click isn't."""
    url = reverse("weekly_update_unsubscribe", args=[sending.unsubscribe_token(world.link.pk)])
    Client().post(url)
    Client().post(url)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGED)
    assert event.student == world.student
    assert event.actor is None
    assert world.link.whanau.name in event.summary


def test_tampered_unsubscribe_link_changes_nothing(client, world):
    """A forged unsubscribe link is refused and nobody is unsubscribed."""
    response = client.post(reverse("weekly_update_unsubscribe", args=["forged-token"]))
    assert response.status_code == 400
    world.link.refresh_from_db()
    assert world.link.receives_weekly_update


def test_whanau_reply_and_the_student_and_teacher_see_it(client, world, week, time_machine, beat):
    """A whānau reply counts as whānau voice and shows for the student and the teacher."""
    update = _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    client.force_login(world.whanau)
    client.post(reverse("weekly_update_detail", args=[update.pk]), {"body": "Ka rawe! Well done."})
    assert UpdateReply.objects.get().voice == Voice.WHANAU
    for person in (world.student_user, world.teacher):
        client.force_login(person)
        page = client.get(reverse("weekly_update_detail", args=[update.pk])).content.decode()
        assert "Ka rawe! Well done." in page


def test_whanau_see_nothing_before_it_goes_home(client, world, week):
    """Before the send, whānau can't open the update (a draft or not yet sent is a 404)."""
    update = _ready_update(world, week)
    client.force_login(world.whanau)
    assert client.get(reverse("weekly_update_detail", args=[update.pk])).status_code == 404


def test_no_access_whanau_never_get_it(client, world, week, time_machine, beat):
    """A “no access / no contact” person is sent nothing and can open nothing."""
    update = _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    no_access_email = world.no_access_whanau.email
    assert all(no_access_email not in message.to for message in mail.outbox)
    client.force_login(world.no_access_whanau)
    assert client.get(reverse("weekly_update_detail", args=[update.pk])).status_code == 404


def test_an_update_cannot_change_after_it_has_gone_home(client, world, week, time_machine, beat):
    """Once the week is sent, the page says so and the update stays as it was sent."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    response = _write(client, world, learned="Changed afterwards", submit="1")
    assert "has gone home" in response.content.decode()
    assert WeeklyUpdate.objects.get().learned == "Fractions with pizza."


def test_reminders_go_to_teachers_and_students_once(world, week, time_machine, beat):
    """The day before, the teacher hears who hasn't written, and students with email are nudged."""
    world.student_user.email = "akonga@school.example"
    world.student_user.save()
    beat(remind_unwritten_updates)
    beat(remind_unwritten_updates)
    recipients = sorted(message.to[0] for message in mail.outbox)
    # Each class's teacher hears about their own class; the student with an email is nudged.
    assert recipients == sorted(
        ["akonga@school.example", world.teacher.email, world.other_teacher.email]
    )
    teacher_mail = next(m for m in mail.outbox if m.to == [world.teacher.email])
    assert world.classmate.full_name in teacher_mail.body
    assert world.other_student.full_name not in teacher_mail.body


def test_a_school_can_send_its_week_now(world, week):
    """`send_weekly_updates --school … --now` sends the ready updates at once, and only once."""
    from io import StringIO

    from django.core.management import call_command

    _ready_update(world, week)
    out = StringIO()
    call_command("send_weekly_updates", school=world.school.name, now=True, stdout=out)
    assert len(mail.outbox) == 1
    assert "week of 2026-11-16: 1 to send." in out.getvalue()
    assert "Outbox: 1 sent, 0 failed" in out.getvalue()
    call_command("send_weekly_updates", school=world.school.name, now=True, stdout=out)
    assert len(mail.outbox) == 1
    assert "nothing new to send" in out.getvalue()


def test_an_update_approved_after_the_send_goes_with_the_next_run(world, week, time_machine, beat):
    """A late approval still goes home (at the next beat), and nobody gets the first one again."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    late = WeeklyUpdate.objects.create(
        student=world.classmate,
        week=week,
        learned="Late but lovely.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
    )
    classmate_whanau = factories.WhanauLinkFactory(student=world.classmate).whanau
    time_machine.move_to(AFTER_SEND + datetime.timedelta(hours=2))
    beat()
    beat()
    assert [message.to for message in mail.outbox] == [
        [world.link.whanau.email],
        [classmate_whanau.email],
    ]
    late.refresh_from_db()
    assert late.queued_at is not None


def test_an_update_approved_after_its_week_rolled_over_still_goes_home(
    world, week, time_machine, beat
):
    """Approved on Monday for last week, it goes at the next beat; weeks-old ones stay."""
    _ready_update(world, week)
    WeeklyUpdate.objects.create(
        student=world.classmate, week=week, learned="Late.", status=WeeklyUpdate.Status.SUBMITTED
    )
    old = WeeklyUpdate.objects.create(
        student=world.classmate,
        week=week - datetime.timedelta(weeks=sending.LATE_WEEKS + 1),
        learned="Long ago.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
    )
    classmate_whanau = factories.WhanauLinkFactory(student=world.classmate).whanau
    time_machine.move_to(AFTER_SEND)
    beat()
    assert len(mail.outbox) == 1  # the classmate's waits for approval
    time_machine.move_to(AFTER_SEND + datetime.timedelta(days=3))  # Monday, the next week
    WeeklyUpdate.objects.filter(student=world.classmate, week=week).update(
        status=WeeklyUpdate.Status.APPROVED, approved_at=timezone.now()
    )
    assert sending.due_school_weeks() == [(world.school.pk, week)]
    beat()
    assert [message.to for message in mail.outbox] == [
        [world.link.whanau.email],
        [classmate_whanau.email],
    ]
    assert "Late." in mail.outbox[1].body
    old.refresh_from_db()
    assert old.queued_at is None


def test_an_email_waiting_when_the_week_rolls_over_still_goes(
    world, week, time_machine, monkeypatch, beat
):
    """Unsent by Friday's end (mail server away all weekend), it goes on Monday all the same."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    _refuse_mail(monkeypatch, OSError("Network is unreachable"))
    beat()
    assert mail.outbox == []
    monkeypatch.undo()
    time_machine.move_to(AFTER_SEND + datetime.timedelta(days=3))
    assert world.school.week_of(timezone.now()) > week
    outbox.send_due()  # the minute's sweep
    assert [message.to for message in mail.outbox] == [[world.link.whanau.email]]
    assert UpdateDelivery.objects.get().status == UpdateDelivery.Status.SENT


def test_nothing_to_send_means_no_run(world, week, time_machine, beat):
    """After the send, a beat with nothing new does no work."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    beat()
    assert sending.due_school_weeks() == []


def test_the_database_refuses_an_update_approved_without_a_time(world, week):
    """An approved update always says when it was approved, whatever code writes it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyUpdate.objects.create(
            student=world.student, week=week, learned="Kites.", status="approved"
        )


def test_the_database_refuses_a_sent_delivery_without_a_time(world, week):
    """A delivery marked sent always says when it went."""
    update = _ready_update(world, week)
    with pytest.raises(IntegrityError), transaction.atomic():
        UpdateDelivery.objects.create(update=update, whanau=world.link.whanau, status="sent")
