"""Background work for conversations: booking emails, and the weekly update home."""

from smtplib import SMTPException

from celery import shared_task

from conversations import notifications


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
