"""The load benchmark: its term of activity, its budgets, and the command's checks before any
server starts."""

from io import StringIO
from pathlib import Path

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
from reports.bench import serve
from reports.bench.serve import parse_wrk, signed_in_session
from reports.management.commands.benchmark_pages import verdicts

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


@pytest.fixture
def local_postgres(monkeypatch):
    """As if on a local PostgreSQL with wrk installed (the checks, not the run, are tested)."""
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(serve.shutil, "which", lambda name: "/usr/bin/wrk")


def _run(*args):
    call_command("benchmark_pages", *args, stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_the_command_refuses_sqlite(monkeypatch):
    """On SQLite the command stops at once and says the budget needs PostgreSQL."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match=r"PostgreSQL.*DATABASE_URL"):
        _run()
    assert not School.objects.exists()


@pytest.mark.django_db
def test_the_command_loads_only_a_database_on_this_machine(local_postgres, monkeypatch):
    """A database on another host is refused before anything is seeded or served."""
    monkeypatch.setitem(connection.settings_dict, "HOST", "db.school.example")
    with pytest.raises(CommandError, match="only a database on this machine"):
        _run()
    assert not School.objects.exists()


@pytest.mark.django_db
def test_the_command_names_the_package_when_wrk_is_missing(local_postgres, monkeypatch):
    """Without wrk on the PATH it says to install the Debian package wrk, and seeds nothing."""
    monkeypatch.setattr(serve.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match=r"wrk.*apt-get install wrk"):
        _run()
    assert not School.objects.exists()


@pytest.mark.django_db
def test_the_command_will_not_seed_under_production_settings(local_postgres, settings):
    """Under production settings it refuses unless --force: it makes published logins."""
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="--force"):
        _run()
    assert not School.objects.exists()


@pytest.mark.django_db
def test_a_database_without_its_data_is_named_not_measured(local_postgres):
    """With --skip-seed and no demo school, it says what is missing and how to seed it."""
    with pytest.raises(CommandError, match=r"No Kōwhai Primary School.*without --skip-seed"):
        _run("--skip-seed")


def test_an_unreadable_one_school_file_is_named(tmp_path):
    """--against a file that is not a saved run says so before anything runs."""
    path = tmp_path / "one.json"
    path.write_text("{}")
    with pytest.raises(CommandError, match="not a benchmark_pages --save file"):
        _run("--against", str(path))


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


FAST = {"p50": 50.0, "p95": 90.0, "requests": 800, "users": 20, "errors": 0}


def test_a_page_within_twice_the_floor_and_under_150_ms_is_within_budget():
    """Twice the floor at p50 and a p95 under 150 ms passes; more of either fails."""
    assert verdicts(FAST, floor=25.0, one_school=None) == []
    assert verdicts(FAST, floor=24.0, one_school=None) == ["p50 > 2× floor"]
    assert verdicts({**FAST, "p95": 150.0}, floor=25.0, one_school=None) == ["p95 ≥ 150 ms"]
    assert verdicts({**FAST, "errors": 2}, floor=25.0, one_school=None) == ["2 errors"]


def test_a_page_slower_than_the_run_is_over_budget():
    """Fewer answers than users means no figures and a failed budget, not a pass."""
    assert verdicts({**FAST, "requests": 3}, floor=25.0, one_school=None) == [
        "3 answers in the run"
    ]


def test_in_the_district_a_page_keeps_within_a_fifth_of_its_one_school_time():
    """Read in floors, a page 1.2× its one-school time passes and anything slower fails."""
    one_school = {"floors": 1.5}  # 1.5 floors in the one-school run
    assert verdicts(FAST, floor=50 / 1.79, one_school=one_school) == []
    assert verdicts(FAST, floor=50 / 1.85, one_school=one_school) == ["> 1.2× one school"]


def test_the_benchmark_serves_gunicorn_as_the_dockerfile_does():
    """The same number of workers as the image's command: what is measured is what runs."""
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    assert f'"--workers", "{serve.WORKERS}"' in dockerfile


def test_the_benchmark_session_signs_the_leader_in(client, world):
    """A session made for the server's secret key opens a signed-in page; another key's doesn't."""
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(
        world.leader, settings.SECRET_KEY
    )
    assert client.get(reverse("account_email")).status_code == 200
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(world.leader, "another key")
    assert client.get(reverse("account_email")).status_code == 302


@pytest.mark.urls("config.bench_urls")
def test_the_floor_is_a_signed_in_page_of_the_benchmark_only(client, world):
    """Signed in, the floor is the site's layout with nothing in it; signed out, the sign-in
    page; the app's own URLconf has no such page."""
    client.force_login(world.leader)
    response = client.get(serve.FLOOR_PATH)
    assert response.status_code == 200
    assert b"<main" in response.content
    client.logout()
    assert client.get(serve.FLOOR_PATH).status_code == 302


def test_the_app_itself_has_no_floor(client, world):
    """The floor exists only in the benchmark's URLconf."""
    client.force_login(world.leader)
    assert client.get(serve.FLOOR_PATH).status_code == 404


@pytest.mark.django_db
def test_the_rush_needs_no_wrk(local_postgres, monkeypatch):
    """The rush sends its own requests: without wrk it goes on, here to say what is missing."""
    monkeypatch.setattr(serve.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match=r"No Kōwhai Primary School.*without --skip-seed"):
        call_command("benchmark_rush", "--skip-seed", stdout=StringIO(), stderr=StringIO())
