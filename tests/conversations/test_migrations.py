"""Upgrading a database that holds bookings: the migrations to households and school-wide
rounds keep every booking, give it its round and a household, and then hold the new rules.

On PostgreSQL the rows updated in one migration cannot be followed by altering their table in
the same transaction; an empty test database would never show it, so this one has bookings.
"""

import datetime
import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from conversations.models import Booking
from partnerships.models import WhanauMember

BEFORE = [("conversations", "0004_outbox_sends"), ("partnerships", "0011_sign_in_hardening")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _bookings_before(apps) -> None:
    """A school as it was: two caregivers of one child, each with a booking in one round, one
    of them asking for an interpreter without saying the language."""
    school = apps.get_model("partnerships", "School").objects.create(name="Kōwhai School")
    user = apps.get_model("partnerships", "User").objects.create(
        email="kaiako@example.com", name="Kaiako"
    )
    classroom = apps.get_model("partnerships", "Classroom").objects.create(
        school=school, name="Rūma Tūī", year_level=2
    )
    classroom.teachers.add(user)
    student = apps.get_model("partnerships", "Student").objects.create(
        school=school,
        classroom=classroom,
        first_name="Ana",
        last_name="Kingi",
        year_level=2,
        start_date=datetime.date(2026, 2, 2),
    )
    member_model = apps.get_model("partnerships", "WhanauMember")
    link_model = apps.get_model("partnerships", "WhanauLink")
    members = [
        member_model.objects.create(school=school, name=name, email=f"{name.lower()}@example.com")
        for name in ("Huia", "Mikaere")
    ]
    for member in members:
        link_model.objects.create(whanau=member, student=student)
    round_ = apps.get_model("conversations", "ConversationRound").objects.create(
        school=school, title="Term 4"
    )
    slot_model = apps.get_model("conversations", "Slot")
    booking_model = apps.get_model("conversations", "Booking")
    soon = timezone.now() + datetime.timedelta(days=3)
    for n, member in enumerate(members):
        slot = slot_model.objects.create(
            round=round_, host=user, starts_at=soon + datetime.timedelta(minutes=15 * n)
        )
        booking_model.objects.create(
            slot=slot, student=student, whanau=member, needs_interpreter=(n == 0)
        )


def upgrade() -> None:
    """Run in a database of its own (the suite's is made without migrations): migrate to
    before households, book as a school did then, migrate to now, and check what came of it."""
    executor = _migrate(BEFORE)
    _bookings_before(executor.loader.project_state(BEFORE).apps)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    bookings = list(Booking.objects.select_related("whanau", "slot").order_by("pk"))
    assert len(bookings) == 2
    assert all(booking.round_id == booking.slot.round_id for booking in bookings)
    assert [b.household_id for b in bookings] == [b.whanau.household_id for b in bookings]
    assert len({booking.household_id for booking in bookings}) == 2
    assert not WhanauMember.objects.filter(household__isnull=True).exists()
    assert [(b.needs_interpreter, b.interpreter_language) for b in bookings] == [
        (True, "(not given)"),
        (False, ""),
    ]
    print("upgraded")


@pytest.mark.postgres
def test_bookings_made_before_households_come_through_the_upgrade(db):
    """Every booking keeps its time, learns its round, and its booker a household of their
    own; an interpreter asked for without a language is marked "(not given)"."""
    settings = connection.settings_dict
    name = f"mahi_tahi_upgrade_{os.getpid()}"
    admin = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"
    if settings["PASSWORD"]:
        url = url.replace("@", f":{settings['PASSWORD']}@", 1)
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        done = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from tests.conversations.test_migrations import upgrade; upgrade()",
            ],
            cwd=django_settings.BASE_DIR,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            },
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    assert done.returncode == 0, done.stderr[-3000:]
    assert "upgraded" in done.stdout
