"""The weekly update home: written by the student, approved, sent once, read and answered."""

import datetime

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
from partnerships.models import AuditEvent, Voice
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


def test_the_week_goes_home_once_to_each_whanau_member_who_wants_it(world, week, time_machine):
    """After the send time each whānau member with access gets one multipart email, once."""
    _ready_update(world, week)
    opted_out = factories.WhanauLinkFactory(student=world.student, receives_weekly_update=False)
    send_due_updates()
    assert mail.outbox == []  # not yet: Friday 3pm
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    send_due_updates()
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


def test_email_is_in_the_readers_language(world, week, time_machine):
    """A whānau member who prefers te reo Māori gets the email's own words in te reo."""
    member = world.link.whanau
    member.preferred_language = "mi"
    member.save()
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    assert "Ngā mihi" in mail.outbox[0].body
    assert "Kia ora" in mail.outbox[0].body


def test_a_send_compiles_each_email_template_once(world, week, time_machine, monkeypatch):
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
    send_due_updates()
    assert len(mail.outbox) == 3
    assert len(compiled) <= 3  # none at all when an earlier test already parsed them


def test_drafts_and_unapproved_updates_never_go_home(world, week, time_machine):
    """A draft, or a written update still waiting for approval, sends nothing: no empty email."""
    WeeklyUpdate.objects.create(student=world.student, week=week, learned="Half done")
    WeeklyUpdate.objects.create(
        student=world.classmate, week=week, learned="Waiting", status=WeeklyUpdate.Status.SUBMITTED
    )
    factories.WhanauLinkFactory(student=world.classmate)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    assert mail.outbox == []


def test_a_mail_failure_is_shown_and_retried(client, world, week, time_machine, monkeypatch):
    """A failed email shows its reason on the week view, and a later run sends it."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)

    def refuse(*args, **kwargs):
        raise OSError("mail server said no")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    result = sending.week_send(school_id=world.school.pk, week=week)
    assert result.failed == 1
    client.force_login(world.teacher)
    assert "mail server said no" in client.get(reverse("weekly_update_week")).content.decode()
    monkeypatch.undo()
    sending.week_send(school_id=world.school.pk, week=week)
    assert len(mail.outbox) == 1
    assert UpdateDelivery.objects.get().status == UpdateDelivery.Status.SENT


def _read_url():
    body = mail.outbox[0].body
    return body[body.index("/updates/read/") :].split()[0]


def test_the_read_link_leads_through_sign_in_by_code(client, world, week, time_machine):
    """Signed out, the link goes to sign-in by code and then to the update; signed in, straight."""
    update = _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    url = _read_url()
    response = client.get(url)
    assert response.url.startswith(reverse("account_request_login_code"))
    assert "next=" in response.url
    client.force_login(world.whanau)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("weekly_update_detail", args=[update.pk])
    assert "Fractions with pizza." in response.content.decode()


def test_tampered_and_expired_read_links_are_explained(client, world, week, time_machine):
    """A changed link, or one over a month old, gets a clear page and shows nothing."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    url = _read_url()
    response = client.get(url[:-3] + "xyz/")
    assert response.status_code == 400
    assert "don’t recognise this link" in response.content.decode()
    time_machine.move_to(AFTER_SEND + datetime.timedelta(days=31))
    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_one_click_unsubscribe_needs_no_sign_in(world, week, time_machine):
    """The List-Unsubscribe link works as a one-click POST with no session and no CSRF token."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
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


def test_whanau_reply_and_the_student_and_teacher_see_it(client, world, week, time_machine):
    """A whānau reply counts as whānau voice and shows for the student and the teacher."""
    update = _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
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


def test_no_access_whanau_never_get_it(client, world, week, time_machine):
    """A “no access / no contact” person is sent nothing and can open nothing."""
    update = _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    no_access_email = world.no_access_whanau.email
    assert all(no_access_email not in message.to for message in mail.outbox)
    client.force_login(world.no_access_whanau)
    assert client.get(reverse("weekly_update_detail", args=[update.pk])).status_code == 404


def test_an_update_cannot_change_after_it_has_gone_home(client, world, week, time_machine):
    """Once the week is sent, the page says so and the update stays as it was sent."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    response = _write(client, world, learned="Changed afterwards", submit="1")
    assert "has gone home" in response.content.decode()
    assert WeeklyUpdate.objects.get().learned == "Fractions with pizza."


def test_reminders_go_to_teachers_and_students_once(world, week, time_machine):
    """The day before, the teacher hears who hasn't written, and students with email are nudged."""
    world.student_user.email = "akonga@school.example"
    world.student_user.save()
    remind_unwritten_updates()
    remind_unwritten_updates()
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
    call_command("send_weekly_updates", school=world.school.name, now=True, stdout=out)
    assert len(mail.outbox) == 1
    assert "1 sent" in out.getvalue()


def test_an_update_approved_after_the_send_goes_with_the_next_run(world, week, time_machine):
    """A late approval still goes home (at the next beat), and nobody gets the first one again."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
    late = WeeklyUpdate.objects.create(
        student=world.classmate,
        week=week,
        learned="Late but lovely.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
    )
    classmate_whanau = factories.WhanauLinkFactory(student=world.classmate).whanau
    time_machine.move_to(AFTER_SEND + datetime.timedelta(hours=2))
    send_due_updates()
    send_due_updates()
    assert [message.to for message in mail.outbox] == [
        [world.link.whanau.email],
        [classmate_whanau.email],
    ]
    late.refresh_from_db()
    assert late.queued_at is not None


def test_nothing_to_send_means_no_run(world, week, time_machine):
    """After the send, a beat with nothing new does no work."""
    _ready_update(world, week)
    time_machine.move_to(AFTER_SEND)
    send_due_updates()
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
