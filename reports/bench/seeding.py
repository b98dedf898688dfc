"""Seeding a benchmark database: the demo district and a term of activity in each school."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from partnerships import demo
from partnerships.models import School, User
from reports.activity import seed_term


def seed(schools: int, students: int, write) -> None:
    """The district, each school's term of activity and the demo school's own steps (its
    reports and notices): what is there already is left as it is."""
    started = time.perf_counter()
    _broker_folders()
    try:
        result = demo.seed(schools=schools, students=students)
    except demo.DemoError as error:
        raise CommandError(str(error)) from error
    for line in result.lines:
        write(line)
    names = [plan.name for plan in demo.school_plans(schools)]
    for school in School.objects.filter(name__in=names).order_by("pk"):
        made = seed_term(school=school)
        if made:
            counts = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in made.items())
            write(f"{school.name}: a term of activity: {counts}.")
            if school.name == demo.DEMO_SCHOOL:
                for line in demo.STEPS.run(school):
                    write(line)
    # The people measured read their school's privacy notice long ago: the notice a whānau
    # member's first sign-in shows them is not a page of the school's everyday load.
    User.objects.filter(
        privacy_notice_seen_at__isnull=True, whanau_memberships__school__name__in=names
    ).update(privacy_notice_seen_at=timezone.now())
    write(f"Seeded in {time.perf_counter() - started:.1f} s.")


def _broker_folders() -> None:
    """The local broker's folders, as ``make run`` makes them: the demo's steps queue their mail
    when they commit, and with no broker server (no ``REDIS_URL``) its folders must be there."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
            Path(folder).mkdir(parents=True, exist_ok=True)
