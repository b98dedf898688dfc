"""Shared fixtures: a small world of two schools, and the services the suite must reach."""

import os
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from learners.models import Goal
from partnerships.models import Classroom, School, Student, User, Voice, WhanauLink
from tests import factories

REQUIRE_SERVICES = os.environ.get("MAHI_TAHI_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    """Skip tests whose service is missing on a laptop; in CI a missing service is a failure."""
    missing = {}
    if not os.environ.get("REDIS_URL"):
        missing["redis"] = "REDIS_URL is not set"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        missing["postgres"] = "DATABASE_URL does not point at PostgreSQL"
    if not os.path.exists("/usr/bin/chromium"):
        missing["browser"] = "Debian's chromium is not installed (/usr/bin/chromium)"
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                if REQUIRE_SERVICES:
                    raise pytest.UsageError(f"CI requires every service: {reason}")
                item.add_marker(pytest.mark.skip(reason=reason))


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


@pytest.fixture
def world(db) -> World:
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
