"""The worker knows every task that beat schedules, and every kind of email in the outbox."""

import os
import subprocess
import sys

from django.conf import settings

from config.celery import app

# Written to the outbox by the apps; a worker must be able to build each of them.
KINDS = {
    "booking_confirmed",
    "booking_reminder",
    "invitation",
    "notices",
    "privacy_export_ready",
    "privacy_request_officer",
    "privacy_request_requester",
    "update_reminder_student",
    "update_reminder_teacher",
    "weekly_update",
}


def test_every_scheduled_task_is_registered():
    """A task moved to another module is still found: beat never schedules a name nobody runs."""
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks)


def test_a_fresh_process_knows_every_kind_of_email():
    """Loading the apps registers each kind, without importing the modules that build them."""
    script = (
        "import django; django.setup(); from partnerships import outbox; "
        "print(' '.join(entry.name for entry in outbox.KINDS))"
    )
    done = subprocess.run(  # noqa: S603  our own interpreter, our own fixed script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert set(done.stdout.split()) >= KINDS
