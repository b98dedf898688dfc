"""Shared fixtures: a small world of two schools, and the services the suite must reach.

The world is built once per test module, inside a transaction that is rolled back when
the module ends; each test runs in a savepoint of its own within it (pytest-django's
``db``), and gets its own deep copy of the world's objects, as Django's TestCase does for
``setUpTestData``. So no test sees another's rows or in-memory changes.

Modules with a transactional test (``django_db(transaction=True)``, ``live_server``,
``transactional_db``: live servers, browsers, real workers) never open that module
transaction: their tests commit, and each builds its own world.
"""

import copy
import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.utils import translation
from pytest_django.fixtures import validate_django_db

from learners.models import Goal
from partnerships.models import Classroom, School, Student, User, Voice, WhanauLink
from tests import factories

REQUIRE_SERVICES = os.environ.get("MAHI_TAHI_REQUIRE_SERVICES") == "1"

pytest_plugins = ["tests.smtp"]


def pytest_collection_modifyitems(config, items):
    """Skip tests whose service is missing on a laptop; in CI a missing service is a failure."""
    missing = {}
    if not os.environ.get("REDIS_URL"):
        missing["redis"] = "REDIS_URL is not set"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        missing["postgres"] = "DATABASE_URL does not point at PostgreSQL"
    if not os.path.exists("/usr/bin/chromium"):
        missing["browser"] = "Debian's chromium is not installed (/usr/bin/chromium)"
    # Run in parallel with ``--dist loadgroup``, the tests that use Redis share one worker:
    # one of them clears the Redis cache (FLUSHDB), which would take the broker's queue and
    # results from under a worker test running at the same time.
    parallel = config.pluginmanager.hasplugin("xdist")
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                if REQUIRE_SERVICES:
                    raise pytest.UsageError(f"CI requires every service: {reason}")
                item.add_marker(pytest.mark.skip(reason=reason))
        if parallel and "redis" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("redis"))


@pytest.fixture(autouse=True)
def _english_to_start():
    """Each test starts in the site's language: a request in te reo Māori leaves it active
    in the thread, and a test calling a view's parts directly would read it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps its rate limits in the cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class World:
    """One school seen from every side, and a second school that must stay invisible."""

    school: School
    leader: User
    teacher: User
    other_teacher: User
    classroom: Classroom
    student: Student
    student_user: User
    classmate: Student
    whanau: User
    link: WhanauLink
    no_access_whanau: User
    other_whanau: User
    other_student: Student
    other_school: School
    other_school_leader: User
    other_school_student: Student
    goal: Goal


def world_build() -> World:
    school = factories.SchoolFactory(name="Kōwhai School")
    leader = factories.LeaderFactory(school=school).user
    teacher = factories.StaffFactory(school=school).user
    other_teacher = factories.StaffFactory(school=school).user
    classroom = factories.ClassroomFactory(school=school, teachers=[teacher])
    other_classroom = factories.ClassroomFactory(school=school, teachers=[other_teacher])
    student_user = factories.UserFactory(email=None, password=None)
    student = factories.StudentFactory(school=school, classroom=classroom, user=student_user)
    classmate = factories.StudentFactory(school=school, classroom=classroom)
    link = factories.WhanauLinkFactory(student=student)
    no_access = factories.WhanauLinkFactory(student=student, has_access=False)
    other_student = factories.StudentFactory(school=school, classroom=other_classroom)
    other_link = factories.WhanauLinkFactory(student=other_student)
    other_school = factories.SchoolFactory(name="Other School")
    goal = factories.GoalFactory(
        student=student, proposed_by=teacher, proposed_by_voice=Voice.TEACHER
    )
    return World(
        school=school,
        leader=leader,
        teacher=teacher,
        other_teacher=other_teacher,
        classroom=classroom,
        student=student,
        student_user=student_user,
        classmate=classmate,
        whanau=link.whanau.user,
        link=link,
        no_access_whanau=no_access.whanau.user,
        other_whanau=other_link.whanau.user,
        other_student=other_student,
        other_school=other_school,
        other_school_leader=factories.LeaderFactory(school=other_school).user,
        other_school_student=factories.StudentFactory(school=other_school),
        goal=goal,
    )


def is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test with commits (TransactionTestCase), not rollback."""
    marker = item.get_closest_marker("django_db")
    transactional, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        transactional
        or reset_sequences
        or "transactional_db" in fixtures
        or "live_server" in fixtures
        or "django_db_reset_sequences" in fixtures
    )


@pytest.fixture(scope="module")
def module_world(request, django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction rolled back at the module's end.

    ``None`` in a module with a transactional test: a transaction left open here would
    swallow that test's commits (and its database flush), so ``world`` builds per test there.
    """
    module_items = [
        item for item in request.session.items if getattr(item, "module", None) is request.module
    ]
    if any(is_transactional(item) for item in module_items):
        yield None
        return
    # A request's end closes a connection left in a transaction, as it must in production. The
    # test client holds that back for its own requests; a test closing a response again (as file
    # downloads need) would otherwise close the connection, and the module's transaction with it.
    signals = [
        signal
        for signal in (request_started, request_finished)
        if signal.disconnect(close_old_connections)
    ]
    atomic = transaction.atomic()
    try:
        with django_db_blocker.unblock():
            atomic.__enter__()
        try:
            with django_db_blocker.unblock():
                built = world_build()
            yield built
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


@pytest.fixture
def world(db, module_world):
    """This test's world: a copy of the module's, or built for this test in a transactional one.

    ``db`` makes each test a savepoint inside the module's transaction, rolled back after it;
    the deep copy keeps one test's changes to these objects from reaching the next.
    """
    if module_world is None:
        yield world_build()
        return
    yield copy.deepcopy(module_world)
    if connection.closed_in_transaction:
        pytest.fail("The test closed the database connection, and the module's world with it.")
