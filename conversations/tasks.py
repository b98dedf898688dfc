"""Background work for conversations: booking emails, and the weekly update home."""

import datetime
from smtplib import SMTPException

from celery import shared_task

from conversations import notifications, weekly


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_booking_confirmation(booking_id: int) -> bool:
    """Email the family who booked: the time, who with, where, and a calendar file."""
    return notifications.booking_confirmation_send(booking_id=booking_id)


@shared_task
def send_booking_reminders() -> int:
    """Beat, hourly: queue a reminder for each booking whose conversation is the next day."""
    booking_ids = notifications.booking_reminders_due()
    for booking_id in booking_ids:
        send_booking_reminder.delay(booking_id)
    return len(booking_ids)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_booking_reminder(booking_id: int) -> bool:
    """Send one reminder. A repeated or retried run sends it once."""
    return notifications.booking_reminder_send(booking_id=booking_id)


# The weekly update home --------------------------------------------------------------


@shared_task
def send_due_updates() -> int:
    """Beat, every ten minutes: start the send for each school whose time has come."""
    due = weekly.due_school_weeks()
    for school_id, week in due:
        send_week.delay(school_id, week.isoformat())
    return len(due)


@shared_task(bind=True, acks_late=True, max_retries=6)
def send_week(self, school_id: int, week: str) -> int:
    """Send one school's week. Idempotent: a retried or repeated run sends nothing twice."""
    result = weekly.week_send(school_id=school_id, week=datetime.date.fromisoformat(week))
    if result.failed:
        # Back off and try the failed ones again (each delivery keeps its reason meanwhile).
        raise self.retry(countdown=min(60 * 2**self.request.retries, 30 * 60))
    return result.sent


@shared_task
def remind_unwritten_updates() -> int:
    """Beat, every ten minutes: remind students and teachers before the send, once a week."""
    sent = 0
    for school_id, week in weekly.due_reminders():
        sent += weekly.reminders_send(school_id=school_id, week=week)
    return sent
