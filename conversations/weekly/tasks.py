"""Background work for the weekly update home: writing each school's week to the outbox, and
reminders. The outbox's own task (``partnerships.tasks.send_outbox``) sends the emails and
retries them; these only decide what goes.

Time limits sit well below the broker's visibility timeout (an hour), so a task is never
handed to a second worker while the first still runs it.
"""

import datetime

from celery import shared_task

from conversations.weekly import sending


@shared_task(soft_time_limit=60, time_limit=90)
def send_due_updates() -> int:
    """Beat, every ten minutes: start the send for each school week whose time has come."""
    due = sending.due_school_weeks()
    for school_id, week in due:
        send_week.delay(school_id, week.isoformat())
    return len(due)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_week(school_id: int, week: str) -> int:
    """Write one school's week to the outbox. Idempotent: a repeated run writes nothing more."""
    return sending.week_send(school_id=school_id, week=datetime.date.fromisoformat(week))


@shared_task(soft_time_limit=120, time_limit=180)
def remind_unwritten_updates() -> int:
    """Beat, every ten minutes: remind students and teachers before the send, once a week."""
    written = 0
    for school_id, week in sending.due_reminders():
        written += sending.reminders_send(school_id=school_id, week=week)
    return written
