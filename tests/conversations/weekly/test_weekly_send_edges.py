"""The weekly send at its edges: the command's mistakes, a week another run holds, a failed
email tried again, and reminders that must go once and only to those who can get them."""

import datetime
from io import StringIO

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate, WeekSend
from conversations.weekly.tasks import send_week

pytestmark = pytest.mark.django_db

# Kōwhai School sends on Fridays at 3pm, Auckland time.
BEFORE_SEND = datetime.datetime(2026, 11, 19, 22, 0, tzinfo=datetime.UTC)  # Fri 11am NZDT
AFTER_SEND = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)  # Fri 4pm NZDT
WEEK = datetime.date(2026, 11, 16)


def _ready(world, student=None):
    return WeeklyUpdate.objects.create(
        student=student or world.student,
        week=WEEK,
        learned="Kites and wind.",
        status=WeeklyUpdate.Status.APPROVED,
        approved_at=timezone.now(),
        approved_by=world.teacher,
    )


def _run(*args, **options):
    out = StringIO()
    call_command("send_weekly_updates", *args, stdout=out, **options)
    return out.getvalue()


def test_sending_now_needs_the_school(world):
    """`--now` without a school is refused, and nothing is sent."""
    _ready(world)
    with pytest.raises(CommandError, match="--now needs --school"):
        _run(now=True)
    assert mail.outbox == []


def test_sending_now_to_a_school_that_does_not_exist(world):
    """A misspelt school name is refused by name, and nothing is sent."""
    with pytest.raises(CommandError, match="No school is called 'Kowhai School'"):
        _run(now=True, school="Kowhai School")


def test_the_command_without_now_sends_what_is_due(world, time_machine):
    """Run as beat runs it, the command sends nothing early and the week once it's due."""
    _ready(world)
    time_machine.move_to(BEFORE_SEND)
    assert _run() == ""
    time_machine.move_to(AFTER_SEND)
    assert _run() == f"School {world.school.pk}, week of {WEEK}: 1 sent, 0 failed.\n"
    assert [message.to for message in mail.outbox] == [[world.link.whanau.email]]


def test_a_week_another_run_is_sending_is_left_to_it(world, time_machine):
    """While another worker holds the week, the command says so and sends nothing itself."""
    time_machine.move_to(AFTER_SEND)
    _ready(world)
    WeekSend.objects.create(school=world.school, week=WEEK, claimed_at=timezone.now())
    output = _run(now=True, school=world.school.name)
    assert "already sent, or being sent now." in output
    assert mail.outbox == []
    assert not UpdateDelivery.objects.exists()


def test_a_failed_email_makes_the_task_try_again_later(world, time_machine, monkeypatch):
    """If the mail server fails, the task asks to be retried; the retry sends the update home."""
    time_machine.move_to(AFTER_SEND)
    _ready(world)

    def refuse(self, messages):
        raise OSError("mail server busy")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(Retry):
        send_week.delay(world.school.pk, WEEK.isoformat())
    delivery = UpdateDelivery.objects.get()
    assert (delivery.status, delivery.reason) == (UpdateDelivery.Status.FAILED, "mail server busy")
    monkeypatch.undo()
    assert send_week.delay(world.school.pk, WEEK.isoformat()).get() == 1
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.reason) == (
        UpdateDelivery.Status.SENT,
        2,
        "",
    )


def test_reminders_for_a_week_go_once_however_often_they_are_run(world, time_machine):
    """A second reminder run for the same week (another worker, a retry) sends nothing."""
    time_machine.move_to(BEFORE_SEND)
    first = sending.reminders_send(school_id=world.school.pk, week=WEEK)
    assert first == len(mail.outbox) > 0
    assert sending.reminders_send(school_id=world.school.pk, week=WEEK) == 0
    assert len(mail.outbox) == first


def test_a_teacher_without_an_email_is_skipped_and_the_others_reminded(world, time_machine):
    """A class teacher with no email address gets nothing; another class's teacher still does."""
    world.teacher.email = None
    world.teacher.save()
    time_machine.move_to(BEFORE_SEND)
    sending.reminders_send(school_id=world.school.pk, week=WEEK)
    assert [message.to for message in mail.outbox] == [[world.other_teacher.email]]


def test_written_updates_need_no_reminder(world, time_machine):
    """Students who have written (not just drafted) aren't on their teacher's reminder."""
    _ready(world)
    WeeklyUpdate.objects.create(student=world.classmate, week=WEEK, learned="Half")  # a draft
    time_machine.move_to(BEFORE_SEND)
    sending.reminders_send(school_id=world.school.pk, week=WEEK)
    (to_teacher,) = [m for m in mail.outbox if m.to == [world.teacher.email]]
    assert world.classmate.full_name in to_teacher.body
    assert world.student.full_name not in to_teacher.body
