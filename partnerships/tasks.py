"""Background work for partnerships: the outbox's sender.

An invitation needs no task of its own: its email is written to the outbox with it
(``invitations.invitation_email`` builds it).
"""

import datetime

from celery import shared_task
from django.utils import timezone

from partnerships import outbox, submissions

# Below the broker's visibility timeout (an hour), so a task is never handed out twice while it
# still runs; the sweep stops sending a little before its soft limit.
SWEEP_SECONDS = 240


@shared_task(soft_time_limit=SWEEP_SECONDS + 30, time_limit=SWEEP_SECONDS + 60)
def send_outbox() -> int:
    """Send every email that is due. Beat runs it every minute; a write nudges it at once."""
    deadline = timezone.now() + datetime.timedelta(seconds=SWEEP_SECONDS)
    return outbox.send_due(deadline=deadline).sent


@shared_task(soft_time_limit=120, time_limit=180)
def forget_old_submissions() -> int:
    """Daily: the one-time tokens of forms posted long enough ago to be sent twice no more."""
    return submissions.submissions_forget()


# The privacy work's tasks live beside it; importing them here lets the worker find them.
from partnerships.privacy import export_tasks, retention_tasks  # noqa: E402, F401
