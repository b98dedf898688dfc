"""Background work for privacy exports: building one, and the sweep that deletes expired ones
and builds again those a dead worker left.

Both are safe to run twice: a build leaves an export already ready, or being built by
another worker, alone, and the sweep expires each export once.
"""

from celery import shared_task

from partnerships.privacy import exports


# Its limits are the exports' own: the sweep waits longer than them before building again.
@shared_task(soft_time_limit=exports.BUILD_SECONDS, time_limit=exports.BUILD_KILLED_AFTER)
def build_export(export_id: int) -> bool:
    """Build a queued export and answer its request."""
    return exports.export_build(export_id)


@shared_task(soft_time_limit=120, time_limit=180)
def sweep_exports() -> dict:
    """Beat, every 15 minutes: expired exports deleted, stalled ones built again."""
    return exports.exports_sweep()
