"""The weekly send at its edges: the command's mistakes, a week run twice, an email the
mail server asks to try later, and reminders that must go once and only to those who can
get them."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from conversations.weekly import sending, tasks
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
from conversations.weekly.tasks import send_week
from partnerships import outbox
from partnerships.models import OutboxEmail
from tests import factories

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
    assert _run() == (
        f"School {world.school.pk}, week of {WEEK}: 1 to send.\n"
        "Outbox: 1 sent, 0 failed, 0 to try again later, 0 no longer to send.\n"
    )
    assert [message.to for message in mail.outbox] == [[world.link.whanau.email]]
    assert _run() == ""  # nothing left that is due


def test_a_week_run_twice_writes_each_email_once(world, time_machine):
    """Writing a week again (a repeated task, a second worker) writes no second email."""
    time_machine.move_to(AFTER_SEND)
    _ready(world)
    assert sending.week_send(school_id=world.school.pk, week=WEEK) == 1
    assert sending.week_send(school_id=world.school.pk, week=WEEK) == 0
    delivery = UpdateDelivery.objects.get()
    row = OutboxEmail.objects.get()
    assert (row.kind, row.key, row.params) == (
        "weekly_update",
        f"weekly-update:{delivery.pk}",
        {"delivery": delivery.pk},
    )
    assert row.school_id == world.school.pk
    output = _run(now=True, school=world.school.name)
    assert "nothing new to send" in output
    assert len(mail.outbox) == 1


def test_an_update_goes_home_with_its_email_in_one_transaction(world, time_machine, monkeypatch):
    """If writing the emails fails, nothing of the week is written: it goes at the next run."""
    time_machine.move_to(AFTER_SEND)
    update = _ready(world)

    def broken(rows):
        raise RuntimeError("database went away")

    monkeypatch.setattr(outbox, "enqueue_many", broken)
    with pytest.raises(RuntimeError):
        sending.week_send(school_id=world.school.pk, week=WEEK)
    update.refresh_from_db()
    assert update.queued_at is None
    assert not UpdateDelivery.objects.exists()
    monkeypatch.undo()
    assert sending.due_school_weeks() == [(world.school.pk, WEEK)]


def test_a_server_asking_to_try_later_gets_the_email_later_once(world, time_machine, monkeypatch):
    """A "try later" answer is tried again after its wait, not before, and then goes once."""
    time_machine.move_to(AFTER_SEND)
    _ready(world)
    address = world.link.whanau.email

    def busy(self, messages):
        raise smtplib.SMTPResponseException(421, b"4.3.2 System busy")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", busy)
    assert send_week.delay(world.school.pk, WEEK.isoformat()).get() == 1
    result = outbox.send_due()
    assert (result.sent, result.retrying) == (0, 1)
    delivery = UpdateDelivery.objects.get()
    assert (delivery.status, delivery.reason) == (UpdateDelivery.Status.QUEUED, "")
    monkeypatch.undo()
    assert outbox.send_due().sent == 0  # its wait isn't over
    time_machine.move_to(AFTER_SEND + datetime.timedelta(minutes=2))
    assert outbox.send_due().sent == 1
    assert send_week.delay(world.school.pk, WEEK.isoformat()).get() == 0
    assert outbox.send_due().sent == 0
    assert [message.to for message in mail.outbox] == [[address]]
    delivery.refresh_from_db()
    row = OutboxEmail.objects.get()
    assert (delivery.status, delivery.reason) == (UpdateDelivery.Status.SENT, "")
    assert (row.status, row.attempts, row.reason) == (OutboxEmail.Status.SENT, 2, "")


def test_a_broken_email_fails_alone_with_a_plain_reason(world, time_machine, monkeypatch):
    """An email that cannot be written fails with a plain reason; the others still go."""
    time_machine.move_to(AFTER_SEND)
    _ready(world)
    _ready(world, world.classmate)
    classmate_link = factories.WhanauLinkFactory(student=world.classmate)
    compose = sending.update_message

    def broken(delivery, **options):
        if delivery.whanau_id == classmate_link.whanau_id:
            raise KeyError("learned")
        return compose(delivery, **options)

    monkeypatch.setattr(sending, "update_message", broken)
    sending.week_send(school_id=world.school.pk, week=WEEK)
    result = outbox.send_due()
    assert (result.sent, result.failed) == (1, 1)
    assert [message.to for message in mail.outbox] == [[world.link.whanau.email]]
    failed = UpdateDelivery.objects.get(status=UpdateDelivery.Status.FAILED)
    assert failed.whanau_id == classmate_link.whanau_id
    assert failed.reason == "This email could not be written. The school office has been told."


@pytest.mark.parametrize(
    "task", [tasks.send_due_updates, tasks.send_week, tasks.remind_unwritten_updates]
)
def test_each_task_stops_within_the_hour(task):
    """Time limits below the broker's hour: a task still running is never handed out twice."""
    assert task.soft_time_limit < task.time_limit < 3600


def test_reminders_for_a_week_go_once_however_often_they_are_run(world, time_machine):
    """A second reminder run for the same week (another worker, a retry) sends nothing."""
    time_machine.move_to(BEFORE_SEND)
    first = sending.reminders_send(school_id=world.school.pk, week=WEEK)
    assert first > 0
    assert sending.reminders_send(school_id=world.school.pk, week=WEEK) == 0
    assert outbox.send_due().sent == first == len(mail.outbox)
    assert sending.reminders_send(school_id=world.school.pk, week=WEEK) == 0
    assert outbox.send_due().sent == 0


def test_a_teacher_without_an_email_is_skipped_and_the_others_reminded(world, time_machine):
    """A class teacher with no email address gets nothing; another class's teacher still does."""
    world.teacher.email = None
    world.teacher.save()
    time_machine.move_to(BEFORE_SEND)
    sending.reminders_send(school_id=world.school.pk, week=WEEK)
    outbox.send_due()
    assert [message.to for message in mail.outbox] == [[world.other_teacher.email]]


def test_written_updates_need_no_reminder(world, time_machine):
    """Students who have written (not just drafted) aren't on their teacher's reminder."""
    _ready(world)
    WeeklyUpdate.objects.create(student=world.classmate, week=WEEK, learned="Half")  # a draft
    time_machine.move_to(BEFORE_SEND)
    sending.reminders_send(school_id=world.school.pk, week=WEEK)
    outbox.send_due()
    (to_teacher,) = [m for m in mail.outbox if m.to == [world.teacher.email]]
    assert world.classmate.full_name in to_teacher.body
    assert world.student.full_name not in to_teacher.body


def test_a_reminder_reflects_who_has_written_by_the_time_it_goes(world, time_machine):
    """Who has written is checked as each reminder goes: the written are not reminded."""
    world.student_user.email = "akonga@school.example"
    world.student_user.save()
    time_machine.move_to(BEFORE_SEND)
    sending.reminders_send(school_id=world.school.pk, week=WEEK)
    keys = set(OutboxEmail.objects.values_list("key", flat=True))
    prefix = f"update-reminder:{world.school.pk}:{WEEK}"
    assert f"{prefix}:student:{world.student_user.pk}" in keys
    assert f"{prefix}:teacher:{world.teacher.pk}" in keys
    _ready(world)
    _ready(world, world.classmate)
    result = outbox.send_due()
    assert result.skipped == 2
    assert world.other_teacher.email in [address for m in mail.outbox for address in m.to]
    assert all(m.to != ["akonga@school.example"] for m in mail.outbox)
    assert all(m.to != [world.teacher.email] for m in mail.outbox)
    reasons = set(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.SKIPPED).values_list(
            "reason", flat=True
        )
    )
    assert reasons == {
        "They have written their update since.",
        "Their students have all written their updates since.",
    }


def _families(world, count: int) -> None:
    """``count`` more students of the school, each with a ready update and a whānau member."""
    for _ in range(count):
        student = factories.StudentFactory(school=world.school)
        factories.WhanauLinkFactory(student=student)
        _ready(world, student)


@pytest.mark.parametrize("count", [3, 6])
def test_a_week_costs_a_fixed_number_of_queries_and_one_per_email(
    world, time_machine, count, django_assert_num_queries
):
    """Writing the week costs the same however many emails; sending it, a fixed number per
    batch and one UPDATE per email (the mark that commits before the next email goes)."""
    time_machine.move_to(AFTER_SEND)
    _families(world, count - 1)
    _ready(world)
    with django_assert_num_queries(14):
        # savepoint; the ready updates, locked; their links with access; the deliveries; their
        # ids; their emails in the outbox; the updates marked queued; the week's WeekSend
        # (savepoint, locked read, savepoint, insert, release, release); release
        assert sending.week_send(school_id=world.school.pk, week=WEEK) == count
    with django_assert_num_queries(13 + count):
        # 3: rows a dead worker sent and never recorded (savepoint, locked read, release)
        # 4: the batch claimed (savepoint, due rows locked, one UPDATE with the lease, release)
        # 1: the batch's deliveries with update, student, school, goal, whānau and link
        # count: each email marked sent
        # 5: the batch's deliveries recorded sent (savepoint, locked read of the rows sent,
        #    the deliveries' UPDATE, the rows' UPDATE, release)
        assert outbox.send_due().sent == count
    assert len(mail.outbox) == count
    assert UpdateDelivery.objects.filter(status=UpdateDelivery.Status.SENT).count() == count
