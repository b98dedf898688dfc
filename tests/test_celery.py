"""The worker knows every task that beat schedules, wherever in the apps it lives."""

from django.conf import settings

from config.celery import app


def test_every_scheduled_task_is_registered():
    """A task moved to another module is still found: beat never schedules a name nobody runs."""
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks)
