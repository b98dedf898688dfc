"""Fictional demo data: Kōwhai Primary School, and more schools for benchmarks.

Demo data only. Every name is made up, every email uses the reserved
``.example`` domain, and the staff password is published on purpose:
never run this against a database real people use.

``seed()`` is the ground floor: it builds each school in a handful of bulk
queries (no per-row queries), from a seeded ``random.Random``, so the same
options give the same data. A school that already exists (by exact name) is
left as it is; only the demo logins are checked, so running it twice changes
nothing. The apps above add their part for the demo school (goals,
conversations, weekly updates) as ``STEPS`` registered in their
``AppConfig.ready``; ``manage.py seed_demo`` runs ``seed()`` and then them.

- ``constants``: the demo school, its classes, the Kingi whānau and their two households,
  the logins.
- ``names``, ``words``: the made-up names and words people are drawn from.
- ``families``: planning a school's classes and families on paper.
- ``school``: building a planned school in bulk.
- ``logins``: making sure each printed login works.
- ``steps``: the registry of the apps' demo steps.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from partnerships.demo.constants import (
    CARD_URL,
    DEMO_CARD_CODE,
    DEMO_PASSWORD,
    DEMO_SCHOOL,
    DEMO_TIMEZONE,
    LEADER_EMAIL,
    MIN_STUDENTS,
    SEPARATED_EMAIL,
    TEACHER_EMAIL,
    WHANAU_EMAIL,
    DemoError,
    SeedResult,
)
from partnerships.demo.families import SchoolPlan, school_plans
from partnerships.demo.logins import ensure_demo_logins
from partnerships.demo.school import build_school
from partnerships.demo.steps import STEPS, hard_to_reach, leave_free
from partnerships.models import CARD_ALPHABET, CARD_CODE_LENGTH, School

__all__ = [
    "CARD_URL",
    "DEMO_CARD_CODE",
    "DEMO_PASSWORD",
    "DEMO_SCHOOL",
    "DEMO_TIMEZONE",
    "LEADER_EMAIL",
    "MIN_STUDENTS",
    "SEPARATED_EMAIL",
    "STEPS",
    "TEACHER_EMAIL",
    "WHANAU_EMAIL",
    "DemoError",
    "SchoolPlan",
    "SeedResult",
    "ensure_demo_logins",
    "hard_to_reach",
    "leave_free",
    "school_plans",
    "seed",
]


def seed(*, schools: int = 1, students: int = 60) -> SeedResult:
    """Make the demo schools that don't exist yet, and check the demo logins."""
    if schools < 1:
        raise DemoError("--schools must be at least 1.")
    if students < MIN_STUDENTS:
        raise DemoError(f"--students must be at least {MIN_STUDENTS}.")
    if len(DEMO_CARD_CODE) != CARD_CODE_LENGTH or not set(DEMO_CARD_CODE) <= set(CARD_ALPHABET):
        raise DemoError(f"{DEMO_CARD_CODE} is not a card code the app could make.")
    result = SeedResult()
    plans = school_plans(schools)
    # One slow hash for every staff account, not one each.
    staff_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        existing = set(
            School.objects.filter(name__in=[p.name for p in plans]).values_list("name", flat=True)
        )
        for plan in plans:
            if plan.name in existing:
                result.lines.append(f"{plan.name}: already there, left as it is.")
                continue
            counts = build_school(plan, students, staff_hash)
            result.lines.append(
                f"{plan.name}: {counts['students']} students in {counts['classes']} classes, "
                f"{counts['staff']} staff, {counts['whanau']} whānau, {counts['links']} links."
            )
        demo_school = School.objects.filter(name=DEMO_SCHOOL).order_by("pk").first()
        ensure_demo_logins(demo_school, staff_hash, result)
    return result
