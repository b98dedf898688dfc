"""Background work for learners: the teachers' digest of new whānau comments.

The hourly run writes the digests to the outbox; the outbox's own task sends them.
"""

from celery import shared_task
from django.db import OperationalError

from learners import digests


# Well inside the hour between runs; a database that blinks is tried again, a few times.
@shared_task(
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def send_comment_digests() -> int:
    """Beat, hourly: write one digest for each teacher who has whānau comments waiting."""
    return digests.comment_digests_enqueue()
