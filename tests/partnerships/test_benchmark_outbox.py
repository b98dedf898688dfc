"""The outbox benchmark: through a hang-up and an outage, nothing lost, nothing twice."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partnerships import outbox
from partnerships.models import OutboxEmail


def run(**options) -> str:
    out = io.StringIO()
    call_command("benchmark_outbox", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_small_run_loses_nothing_and_sends_nothing_twice():
    """50 emails, a hang-up after 20, gone for a second after 25: all sent once, then removed."""
    pause = outbox.OUTAGE_PAUSE

    output = run(
        emails=50,
        hangup_after=20,
        outage_seconds=1,
        outage_after=25,
        pause_seconds=0.5,
        sweep_seconds=0.1,
    )

    assert "sent 50 of 50, lost 0, duplicated 0 " in output
    assert "hung up 1x" in output
    assert "away 1." in output
    assert "recovered " in output
    assert "emails/s overall" in output
    assert not OutboxEmail.objects.exists()
    assert pause == outbox.OUTAGE_PAUSE  # put back


@pytest.mark.django_db
def test_it_refuses_while_other_emails_are_due():
    """Its sweep would send the app's own waiting emails to its fake server: it won't start."""
    OutboxEmail.objects.create(key="real", kind="invitation", params={})
    with pytest.raises(CommandError, match="1 emails are waiting"):
        run(emails=5)
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.QUEUED


@pytest.mark.django_db
def test_it_refuses_production_settings_without_force(settings):
    """Thousands of fictional emails have no place on a production database."""
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="without --force"):
        run(emails=5)
