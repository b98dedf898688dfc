"""Background work for conversations: the day-before reminders for booked times.

A booking's confirmation needs no task: it is written to the outbox with the booking, and
the outbox's own task sends it. (The weekly update home has its tasks in ``weekly/``.)
"""

from celery import shared_task
from django.db import OperationalError

from conversations import notifications


# Well inside the hour between runs; a database that blinks is tried again, a few times.
@shared_task(
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def send_booking_reminders() -> int:
    """Beat, hourly: write a reminder for each booking whose conversation is the next day."""
    return notifications.booking_reminders_enqueue()
