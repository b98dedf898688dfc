"""Background work for retention: the nightly removal of what has passed its time.

Beat runs it once a night (``privacy-retention-nightly``); running it again the same day
removes nothing more."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from partnerships.models import School
from partnerships.privacy.retention import local_today, retention_apply

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=1800, time_limit=1900)
def apply_retention() -> int:
    """Each school's removals for its own today (in its time zone). A school that fails is
    logged and left for the next night; the others go ahead. The number of schools that
    removed something."""
    schools = 0
    for school in School.objects.order_by("pk").iterator():
        try:
            removed = retention_apply(school, today=local_today(school))
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            logger.exception("Retention failed for school %s", school.pk)
            continue
        schools += bool(removed)
    return schools
