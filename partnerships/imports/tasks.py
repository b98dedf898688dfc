"""Background work for imports: the check (the preview), the import itself, and the sweep
that starts again what a dead worker left and lets go of finished files' rows.

Each task is safe to run twice: the check stores its preview only while the job waits for
it, and the import writes each part once (``applying``).
"""

import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from partnerships.imports import applying, checking, services

# Well below the broker's visibility timeout (an hour); an import with more to do goes on in
# the next run, and the sweep starts any run the broker lost.
RUN_SECONDS = 240


@shared_task(
    soft_time_limit=RUN_SECONDS + 30,
    time_limit=RUN_SECONDS + 60,
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
)
def import_check(job_id: int) -> bool:
    """Check a file against the school's records and store the preview."""
    return checking.check_job(job_id)


@shared_task(soft_time_limit=RUN_SECONDS + 30, time_limit=RUN_SECONDS + 60)
def import_apply(job_id: int) -> bool:
    """Import a confirmed file, a part at a time, until done or near the time limit."""
    deadline = timezone.now() + datetime.timedelta(seconds=RUN_SECONDS)
    done = applying.apply_job(job_id, deadline=deadline)
    if not done:
        services.enqueue("import_apply", job_id)
    return done


@shared_task(soft_time_limit=120, time_limit=180)
def import_sweep() -> dict:
    """Beat, every five minutes: restart stalled checks and imports; let go of old files."""
    return services.imports_sweep()
