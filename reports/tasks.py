"""Background work for written reports: publishing a class, and picking up a run that stalled.

Each report of a run is published in its own transaction with the run's progress, so running
a run twice, or after a worker died part-way, publishes each report once.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from reports import publishing

RUN_SECONDS = 240  # well below the broker's visibility timeout; the sweep picks up the rest


@shared_task(soft_time_limit=RUN_SECONDS + 30, time_limit=RUN_SECONDS + 60)
def publish_class(run_id: int) -> None:
    """Publish a class's reports, one by one, until done or near the time limit."""
    deadline = timezone.now() + datetime.timedelta(seconds=RUN_SECONDS)
    publishing.publish_run_continue(run_id, deadline=deadline)


@shared_task(soft_time_limit=RUN_SECONDS + 30, time_limit=RUN_SECONDS + 60)
def resume_stalled_runs() -> int:
    """Beat, every minute: carry on the runs nobody has moved for a while."""
    deadline = timezone.now() + datetime.timedelta(seconds=RUN_SECONDS)
    runs = list(publishing.stalled_runs().values_list("pk", flat=True))
    for run_id in runs:
        publishing.publish_run_continue(run_id, deadline=deadline)
    return len(runs)
