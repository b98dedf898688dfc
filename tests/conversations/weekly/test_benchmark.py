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
    """The command's outcome, stdout and stderr. A slow or loaded machine may miss the scaled
    budget (0.3 s for 50 emails) or the ratio to the bare loop: the only failures these
    tests accept."""
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
    """A small run reports its emails, query count and the bare loop's time and ratio, then
    leaves no benchmark data behind."""
    _outcome, output, errors = run(emails=50)
    assert "50 emails in " in output
    assert "queries (" in output
    assert "bare loop (the same emails to the same backend, no outbox): " in output
    assert "x the bare loop; budget: under 1.2x" in output
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

    def failing(delivery, **options):
        if delivery.whanau.email == "bench3@bench.example":
            raise OSError("connection refused")
        return compose(delivery, **options)

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


@pytest.mark.django_db
def test_benchmark_fails_a_send_far_slower_than_the_bare_loop(monkeypatch):
    """A send slower than the bare loop allows fails the command, within its time or not."""
    from conversations.management.commands import benchmark_weekly_send

    monkeypatch.setattr(benchmark_weekly_send, "BUDGET_RATIO", 0.01)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Over budget"):
        call_command("benchmark_weekly_send", emails=5, stdout=out, stderr=io.StringIO())
    assert "budget: under 0.01x — OVER BUDGET" in out.getvalue()
