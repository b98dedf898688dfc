"""Background work for conversations: the day-before reminders for booked times, and
reminding whānau who have not booked a time to book one.

A request to remind is kept in the database before its task is sent, and a sweep finishes
any left unfinished: a broker that is down delays reminders, never loses them.

A booking's confirmation needs no task: it is written to the outbox with the booking, and
the outbox's own task sends it. (The weekly update home has its tasks in ``weekly/``.)
"""

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from conversations import notifications, nudges

NUDGE_SECONDS = 240  # one run's share; what is left goes on in the next run


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


@shared_task(
    soft_time_limit=NUDGE_SECONDS + 30,
    time_limit=NUDGE_SECONDS + 60,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def send_booking_nudges(nudge_id: int) -> int:
    """Remind the whānau still to book in a round, as a leader or teacher asked; a whole
    school goes on in further runs. Run again, it reminds nobody twice."""
    deadline = timezone.now() + datetime.timedelta(seconds=NUDGE_SECONDS)
    written, done = nudges.booking_nudge_send(nudge_id=nudge_id, deadline=deadline)
    if not done:
        send_booking_nudges.delay(nudge_id)  # should the broker be down, the sweep goes on
    return written


# Well inside the ten minutes between runs; a request it cannot finish waits for the next.
@shared_task(soft_time_limit=NUDGE_SECONDS + 30, time_limit=NUDGE_SECONDS + 60)
def finish_booking_nudges() -> int:
    """Beat, every ten minutes: send the reminders asked for whose task never came (the
    broker was down) or stopped part-way."""
    deadline = timezone.now() + datetime.timedelta(seconds=NUDGE_SECONDS)
    return nudges.booking_nudges_finish(deadline=deadline)
