"""Background work for the weekly update home: sending each school's week, and reminders."""

import datetime

from celery import shared_task

from conversations.weekly import sending


@shared_task
def send_due_updates() -> int:
    """Beat, every ten minutes: start the send for each school whose time has come."""
    due = sending.due_school_weeks()
    for school_id, week in due:
        send_week.delay(school_id, week.isoformat())
    return len(due)


@shared_task(bind=True, acks_late=True, max_retries=6)
def send_week(self, school_id: int, week: str) -> int:
    """Send one school's week. Idempotent: a retried or repeated run sends nothing twice."""
    result = sending.week_send(school_id=school_id, week=datetime.date.fromisoformat(week))
    if result.failed:
        # Back off and try the failed ones again (each delivery keeps its reason meanwhile).
        raise self.retry(countdown=min(60 * 2**self.request.retries, 30 * 60))
    return result.sent


@shared_task
def remind_unwritten_updates() -> int:
    """Beat, every ten minutes: remind students and teachers before the send, once a week."""
    sent = 0
    for school_id, week in sending.due_reminders():
        sent += sending.reminders_send(school_id=school_id, week=week)
    return sent
