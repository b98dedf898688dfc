"""The dashboard benchmark: its term of activity, and the command's checks before any server."""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import Booking, LearningConversation, UpdateDelivery, WeeklyUpdate
from learners.models import GoalAgreement, GoalComment
from partnerships import demo
from partnerships.demo.families import SchoolPlan
from partnerships.demo.school import build_school
from partnerships.models import School, Voice
from reports import activity
from reports.management.commands import benchmark_dashboard
from reports.management.commands.benchmark_dashboard import (
    Command,
    parse_wrk,
    resolve_paths,
    signed_in_session,
)

KINDS = {
    "cards",
    "goals",
    "agreements",
    "comments",
    "conversations",
    "whanau_attendees",
    "reflections",
    "slots",
    "bookings",
    "updates",
    "deliveries",
    "replies",
    "inquiry_steps",
}


def _school(name: str, students: int, index: int) -> School:
    plan = SchoolPlan(name, name.lower().replace(" ", ""), index, False)
    build_school(plan, students, make_password(None))
    return School.objects.get(name=name)


def _seeded(school: School) -> tuple[dict, int]:
    """What seed_term made for the school, and in how many queries."""
    with CaptureQueriesContext(connection) as queries:
        made = activity.seed_term(school=school)
    return made, len(queries)


@pytest.mark.django_db
def test_a_term_of_activity_for_each_school_of_a_small_district():
    """Two schools of 45 get every kind of row, and unreached families have no contact."""
    demo.seed(schools=2, students=45)
    for school in School.objects.all():
        made, _queries = _seeded(school)
        assert set(made) == KINDS
        assert all(made.values()), made
        quiet = demo.hard_to_reach(school)
        assert quiet
        whanau = Voice.WHANAU
        assert not GoalComment.objects.filter(goal__student__in=quiet, voice=whanau).exists()
        assert not GoalAgreement.objects.filter(goal__student__in=quiet, voice=whanau).exists()
        assert not Booking.objects.filter(student__in=quiet).exists()
        assert not LearningConversation.objects.filter(student__in=quiet).exists()
        assert not UpdateDelivery.objects.filter(update__student__in=quiet).exists()
    weeks = WeeklyUpdate.objects.values("week").distinct().count()
    assert weeks == activity.TERM_WEEKS


@pytest.mark.django_db
def test_a_school_that_has_its_term_is_left_as_it_is():
    """Seeding twice makes nothing the second time."""
    school = _school("Kura Tahi", 45, 21)
    first, _queries = _seeded(school)
    rows = (GoalComment.objects.count(), WeeklyUpdate.objects.count(), Booking.objects.count())
    again, queries = _seeded(school)
    assert first
    assert again == {}
    assert queries <= 3  # the check, and the savepoint around it
    assert rows == (
        GoalComment.objects.count(),
        WeeklyUpdate.objects.count(),
        Booking.objects.count(),
    )


@pytest.mark.django_db
def test_seeding_makes_as_many_queries_for_twice_the_students():
    """The number of queries does not grow with the students: every kind goes in bulk."""
    small, small_queries = _seeded(_school("Kura Iti", 45, 22))
    large, large_queries = _seeded(_school("Kura Nui", 90, 23))
    assert all(small.values()), small
    assert all(large.values()), large
    assert large["updates"] > small["updates"]
    assert large_queries == small_queries


@pytest.mark.django_db
def test_the_command_refuses_sqlite(monkeypatch):
    """On SQLite the command stops at once and says the budget needs PostgreSQL."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match=r"PostgreSQL.*DATABASE_URL"):
        call_command("benchmark_dashboard", stdout=StringIO(), stderr=StringIO())
    assert not School.objects.exists()


@pytest.mark.django_db
def test_the_command_names_the_package_when_wrk_is_missing(monkeypatch):
    """Without wrk on the PATH it says to install the Debian package wrk, and seeds nothing."""
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(benchmark_dashboard.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match=r"wrk.*apt-get install wrk"):
        call_command("benchmark_dashboard", stdout=StringIO(), stderr=StringIO())
    assert not School.objects.exists()


@pytest.mark.django_db
def test_the_command_will_not_seed_under_production_settings(monkeypatch, settings):
    """Under production settings it refuses unless --force: it makes published logins."""
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(benchmark_dashboard.shutil, "which", lambda name: "/usr/bin/wrk")
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="--force"):
        call_command("benchmark_dashboard", stdout=StringIO(), stderr=StringIO())


def test_paths_resolve_by_name_and_fall_back_to_the_home_page():
    """Names resolve with their query; an unknown name is measured as / once, with a warning."""
    specs = ["dashboard?classroom={classroom}", "no_such_page", "no_such_either?x=1", "/"]
    paths, warnings = resolve_paths(specs, 7)
    assert paths == [f"{reverse('dashboard')}?classroom=7", "/"]
    assert len(warnings) == 2
    assert "no_such_page" in warnings[0]


def test_paths_name_the_schools_open_round():
    """``{round}`` in a path or a query is the school's round open for booking."""
    paths, _warnings = resolve_paths(["/rounds/{round}/book/", "dashboard?r={round}"], 7, 42)
    assert paths == ["/rounds/42/book/", f"{reverse('dashboard')}?r=42"]


def test_wrk_results_are_read_in_milliseconds():
    """The script's line becomes figures in ms; no line at all is an error."""
    line = "MAHI_TAHI_RESULT requests=500 seconds=10.000 p50=41000 p95=98500 p99=120000"
    figures = parse_wrk(f"Running 10s test\n{line} not_2xx=3 socket_errors=1\n")
    assert figures == {
        "p50": 41.0,
        "p95": 98.5,
        "p99": 120.0,
        "rps": 50.0,
        "errors": 4,
        "requests": 500,
    }
    with pytest.raises(CommandError, match="no results"):
        parse_wrk("unable to connect")


def test_a_page_slower_than_the_run_is_over_budget():
    """Fewer answers than users means no figures and a failed budget, not a pass."""
    fast = {"p50": 20.0, "p95": 40.0, "p99": 60.0, "rps": 400.0, "errors": 0, "requests": 8000}
    slow = {"p50": 0.0, "p95": 0.0, "p99": 0.0, "rps": 0.0, "errors": 0, "requests": 0}
    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err)
    command._report([("/accounts/email/ (floor)", fast)], users=20)
    with pytest.raises(CommandError, match="/dashboard/"):
        command._report([("/dashboard/", slow), ("/accounts/email/ (floor)", fast)], users=20)
    assert "NO: 0 answers" in out.getvalue()
    assert "longer" in err.getvalue()


def test_the_benchmark_session_signs_the_leader_in(client, world):
    """A session made for the server's secret key opens a signed-in page; another key's doesn't."""
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(
        world.leader, settings.SECRET_KEY
    )
    assert client.get(reverse("account_email")).status_code == 200
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(world.leader, "another key")
    assert client.get(reverse("account_email")).status_code == 302
