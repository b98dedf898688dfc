"""The weekly send benchmark command: it runs, reports, and leaves nothing behind."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conversations.weekly import sending
from conversations.weekly.models import UpdateDelivery, WeeklyUpdate
from partnerships import outbox
from partnerships.models import OutboxEmail, School, WhanauMember


def run(**options) -> tuple[str, str, str]:
    """The command's outcome, stdout and stderr. A slow machine may miss the scaled budget
    (0.3 s for 50 emails): that is the only failure these tests accept."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("benchmark_weekly_send", stdout=out, stderr=err, **options)
        outcome = "within budget"
    except CommandError as error:
        outcome = str(error)
    assert outcome == "within budget" or outcome.startswith("Over budget"), err.getvalue()
    return outcome, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_benchmark_sends_every_email_and_rolls_back():
    """A small run reports its emails and query count, then leaves no benchmark data behind."""
    _outcome, output, errors = run(emails=50)
    assert "50 emails in " in output
    assert "queries (" in output
    assert errors == ""
    assert not School.objects.filter(name="Benchmark School").exists()
    assert not WhanauMember.objects.filter(email__endswith="@bench.example").exists()
    assert not WeeklyUpdate.objects.exists()
    assert not UpdateDelivery.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_benchmark_commit_mode_deletes_its_school_afterwards():
    """With --commit the send runs in autocommit, and the school is deleted afterwards."""
    _outcome, output, _errors = run(emails=20, commit=True)
    assert "20 emails in " in output
    assert not School.objects.filter(name="Benchmark School").exists()
    assert not UpdateDelivery.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_benchmark_reports_an_email_not_sent_as_an_error(monkeypatch):
    """A delivery left unsent fails the command, however fast the rest went."""
    compose = sending.update_message

    def failing(delivery):
        if delivery.whanau.email == "bench3@bench.example":
            raise OSError("connection refused")
        return compose(delivery)

    monkeypatch.setattr(sending, "update_message", failing)
    err = io.StringIO()
    with pytest.raises(CommandError, match="exactly once"):
        call_command("benchmark_weekly_send", emails=10, stdout=io.StringIO(), stderr=err)
    assert "9 of 10 deliveries sent" in err.getvalue()
    assert not School.objects.filter(name="Benchmark School").exists()


@pytest.mark.django_db
def test_benchmark_refuses_to_send_an_outbox_with_real_emails_waiting():
    """It drains the whole outbox, so emails waiting for real people stop it before it starts."""
    outbox.enqueue(kind="weekly_update", key="weekly-update:0", params={"delivery": 0})
    with pytest.raises(CommandError, match="emails waiting to go to real people"):
        call_command("benchmark_weekly_send", emails=5, stdout=io.StringIO())
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.QUEUED
    assert not School.objects.filter(name="Benchmark School").exists()
