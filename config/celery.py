"""The Celery app. Tasks live in each app's ``tasks.py`` (and in the weekly update's and the
imports' own packages); beat's schedule is in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("mahi_tahi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["conversations.weekly", "partnerships.imports"])
