"""``manage.py benchmark_dashboard``: the leader's dashboard over HTTP, against its budget.

The budget: p95 under 150 ms for a leader of a 10-school district of 15,000 students, under
20 concurrent users, served by gunicorn on 2 cores with PostgreSQL. The command seeds the
district and a term of activity (unless they are there), signs the demo school's leader in,
serves the app with gunicorn under the production settings, drives each page with wrk (and a
cheap signed-in page as the floor: what any page costs), prints p50/p95/p99, requests per
second and errors, and stops gunicorn whatever happens. Exits 1 if any page is over budget.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import login
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from conversations.models import ConversationRound
from partnerships import demo
from partnerships.models import Classroom, School, Staff, Student, User
from reports.activity import seed_term

BUDGET_MS = 150.0
DEFAULT_PATHS = [
    "dashboard?period=term",
    "dashboard?period=4weeks",
    "dashboard?classroom={classroom}",
    "dashboard?priority=1",
    "dashboard_students?figure=engagement",
]
PEOPLE = {
    "leader": demo.LEADER_EMAIL,
    "teacher": demo.TEACHER_EMAIL,
    "whanau": demo.WHANAU_EMAIL,
}
FLOOR = "account_email"  # a signed-in page that does next to nothing: the cost of any page
# One sync worker per core: a request holds its worker for its whole time, so more workers
# than the budget's 2 cores would only share them (with PostgreSQL and wrk, on the same
# machine), and fewer would leave a core idle.
WORKERS = 2
LUA_SCRIPT = Path(__file__).resolve().parents[2] / "bench_wrk.lua"
RESULT = re.compile(r"^MAHI_TAHI_RESULT (.*)$", re.MULTILINE)
# The production settings, with static files collected to the run's own folder: the
# manifest storage needs them to render any page, and the working tree is left alone.
SETTINGS_MODULE = "benchmark_settings"
SETTINGS_SOURCE = """from config.settings.production import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


def resolve_paths(
    specs: list[str], classroom_id: int, round_id: int | None = None
) -> tuple[list[str], list[str]]:
    """URL paths for ``name?query`` specs (or literal ``/paths``); warnings for names not there.

    ``{classroom}`` and ``{round}`` in a spec are one of the school's classes and its round
    open for booking. A name that doesn't resolve (yet) falls back to the home page, once.
    """
    paths, warnings = [], []
    for spec in specs:
        if spec.startswith("/"):
            path = spec.format(classroom=classroom_id, round=round_id)
        else:
            name, _, query = spec.partition("?")
            try:
                path = reverse(name)
            except NoReverseMatch:
                warnings.append(f"No URL named “{name}” yet: measuring the home page (/) instead.")
                path, query = "/", ""
            if query:
                path = f"{path}?{query.format(classroom=classroom_id, round=round_id)}"
        if path not in paths:
            paths.append(path)
    return paths, warnings


def parse_wrk(output: str) -> dict:
    """The figures bench_wrk.lua prints, latencies in milliseconds."""
    match = RESULT.search(output)
    if match is None:
        raise CommandError(f"wrk printed no results:\n{output[-2000:]}")
    raw = dict(pair.split("=", 1) for pair in match.group(1).split())
    seconds = float(raw["seconds"]) or 1.0
    return {
        "p50": int(raw["p50"]) / 1000,
        "p95": int(raw["p95"]) / 1000,
        "p99": int(raw["p99"]) / 1000,
        "rps": int(raw["requests"]) / seconds,
        "errors": int(raw["not_2xx"]) + int(raw["socket_errors"]),
        "requests": int(raw["requests"]),
    }


def _get(port: int, path: str, *, cookie: str, timeout: float) -> tuple[int, str]:
    """GET a page as wrk will (signed in, as if through the TLS proxy); status and Location."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        client.request("GET", path, headers={"Cookie": cookie, "X-Forwarded-Proto": "https"})
        response = client.getresponse()
        response.read()
    finally:
        client.close()
    return response.status, response.getheader("Location") or ""


def signed_in_session(user: User, secret_key: str) -> str:
    """A session key for ``user`` signed in, as the test client's ``force_login`` makes it.

    Signed with the server's secret key: the session data and the auth hash in it are.
    Django's auth keys are all allauth's middleware needs of a session for a signed-in page.
    """
    with override_settings(SECRET_KEY=secret_key):
        request = HttpRequest()
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        login(request, user, settings.AUTHENTICATION_BACKENDS[0])
        request.session.save()
    return request.session.session_key


class Command(BaseCommand):
    help = (
        "Performance budget for the leader's partnership dashboard: p95 under 150 ms over "
        "HTTP for a leader of a 10-school district of 15,000 students under 20 concurrent "
        "users (gunicorn, 2 workers, PostgreSQL). Seeds the district with a term of activity "
        "unless it is there, serves the app with gunicorn under the production settings, "
        "drives each page with wrk and prints p50/p95/p99, requests/s and errors. "
        "Needs PostgreSQL (DATABASE_URL) and wrk. Demo data: never on a real database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=10, help="Schools (default 10).")
        parser.add_argument(
            "--students", type=int, default=1500, help="Students per school (default 1500)."
        )
        parser.add_argument("--users", type=int, default=20, help="Concurrent users (default 20).")
        parser.add_argument(
            "--duration", type=int, default=20, help="Seconds of load per page (default 20)."
        )
        parser.add_argument(
            "--path",
            action="append",
            dest="paths",
            metavar="NAME?QUERY or /PATH",
            help="A page to measure: a URL name with an optional query, or a path ({classroom} "
            "is one of the school's classes, {round} its round open for booking). Repeat for "
            "more. Default: the dashboard's.",
        )
        parser.add_argument(
            "--as",
            dest="person",
            choices=sorted(PEOPLE),
            default="leader",
            help="Whose demo login measures the pages (default the leader).",
        )
        parser.add_argument("--port", type=int, default=8765, help="Port on 127.0.0.1.")
        parser.add_argument(
            "--skip-seed", action="store_true", help="Use the district as it is; seed nothing."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under production settings too (a benchmark database, never a real one).",
        )

    def handle(self, *args, **options):
        self._refuse_to_run(options)
        if not options["skip_seed"]:
            self._seed(options["schools"], options["students"])
        # As autovacuum would have left a live database: planner statistics (a bulk load has
        # none, and plans made without them are not the ones a live database gets) and no
        # dead rows from the seeding's updates, nor a vacuum of them halfway through a run.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        leader, school = self._leader()
        person = leader
        if options["person"] != "leader":
            person = User.objects.filter(email=PEOPLE[options["person"]]).first()
            if person is None:
                raise CommandError(f"No demo login {PEOPLE[options['person']]}: seed first.")
        classroom = Classroom.objects.filter(school=school).order_by("pk").first()
        bookable = ConversationRound.objects.bookable().filter(school=school).order_by("-pk")
        paths, warnings = resolve_paths(
            options["paths"] or DEFAULT_PATHS,
            classroom.pk,
            bookable.values_list("pk", flat=True).first(),
        )
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        floor = reverse(FLOOR)
        secret_key = secrets.token_urlsafe(50)
        session_key = signed_in_session(person, secret_key)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        self.stdout.write(
            f"{Student.objects.count():,} students in {School.objects.count()} schools; "
            f"signed in as {person.email} ({school.name}, "
            f"{Student.objects.filter(school=school).count():,} students)."
        )
        try:
            with self._gunicorn(options["port"], secret_key) as (url, log):
                for path in [*paths, floor]:
                    self._check(options["port"], path, cookie, log)
                cached = getattr(settings, "DASHBOARD_CACHE_SECONDS", 0)
                self.stdout.write(
                    f"gunicorn: {WORKERS} workers on {url}; wrk: {options['users']} "
                    f"connections, {options['duration']} s per page; dashboard figures "
                    f"kept {cached} s (DASHBOARD_CACHE_SECONDS)."
                )
                rows = []
                for path in [*paths, floor]:
                    self._settle(options["port"], path, cookie, log)
                    figures = self._measure(url, path, cookie, options)
                    rows.append((f"{path} (floor)" if path == floor else path, figures))
        finally:
            import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()
        self._report(rows, options["users"])

    def _refuse_to_run(self, options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                f"benchmark_dashboard measures a PostgreSQL budget, and this database is "
                f"{connection.vendor}: set DATABASE_URL=postgres://… (a benchmark database)."
            )
        if shutil.which("wrk") is None:
            raise CommandError(
                "wrk is not on the PATH: install the Debian package wrk (apt-get install wrk)."
            )
        if settings.SETTINGS_MODULE.endswith(".production") and not options["force"]:
            raise CommandError(
                "benchmark_dashboard seeds demo accounts with a published password; it will "
                "not run under production settings without --force."
            )
        if options["users"] < 1 or options["duration"] < 1:
            raise CommandError("--users and --duration must be at least 1.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database has unapplied migrations: run manage.py migrate.")

    def _seed(self, schools: int, students: int) -> None:
        started = time.perf_counter()
        try:
            result = demo.seed(schools=schools, students=students)
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        for line in result.lines:
            self.stdout.write(line)
        names = [plan.name for plan in demo.school_plans(schools)]
        for school in School.objects.filter(name__in=names).order_by("pk"):
            made = seed_term(school=school)
            if made:
                counts = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in made.items())
                self.stdout.write(f"{school.name}: a term of activity: {counts}.")
            else:
                self.stdout.write(f"{school.name}: has its term of activity already.")
        self.stdout.write(f"Seeded in {time.perf_counter() - started:.1f} s.")

    def _leader(self) -> tuple[User, School]:
        staff = (
            Staff.objects.filter(
                user__email=demo.LEADER_EMAIL,
                role=Staff.Role.LEADER,
                school__name=demo.DEMO_SCHOOL,
            )
            .select_related("user", "school")
            .order_by("pk")
            .first()
        )
        if staff is None or not Classroom.objects.filter(school=staff.school).exists():
            raise CommandError(
                f"No {demo.DEMO_SCHOOL} with its leader {demo.LEADER_EMAIL} and classes: run "
                "without --skip-seed to seed the district."
            )
        return staff.user, staff.school

    @contextmanager
    def _gunicorn(self, port: int, secret_key: str):
        """Serve the app under the production settings on 127.0.0.1:``port`` while inside.

        Yields the base URL and the server's log (gunicorn's and Django's).
        """
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise CommandError(f"Port {port} is taken: pass another with --port.")
        with tempfile.TemporaryDirectory(prefix="mahi-tahi-bench-") as folder:
            Path(folder, f"{SETTINGS_MODULE}.py").write_text(
                SETTINGS_SOURCE.format(static_root=str(Path(folder, "static")))
            )
            # HTTPS-only stays on, as deployed: rather than switch SECURE_SSL_REDIRECT off (a
            # setting production never runs with), each request says what the TLS proxy in
            # front of the app says, X-Forwarded-Proto: https, which the settings trust.
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
                "PYTHONPATH": os.pathsep.join([folder, str(settings.BASE_DIR)]),
                "SECRET_KEY": secret_key,
                "ALLOWED_HOSTS": "127.0.0.1",
                # Required by the production settings; no page measured here sends mail.
                "EMAIL_URL": os.environ.get("EMAIL_URL", "smtp://127.0.0.1:25"),
            }
            collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
            done = subprocess.run(  # noqa: S603  our own interpreter and arguments
                collect, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
            )
            if done.returncode:
                raise CommandError(f"collectstatic failed:\n{done.stderr[-2000:]}")
            log = Path(folder, "server.log")
            serve = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
            serve += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
            # No control socket: its default path is shared with any other gunicorn here.
            serve += ["--no-control-socket"]
            with log.open("w") as output:
                server = subprocess.Popen(  # noqa: S603  our own interpreter and arguments
                    [*serve, "--error-logfile", "-"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            try:
                self._wait_until_up(server, port, log)
                yield f"http://127.0.0.1:{port}", log
            finally:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()

    def _wait_until_up(self, server: subprocess.Popen, port: int, log: Path) -> None:
        """Until a worker answers a request (any answer), or the server stops."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
            try:
                _get(port, "/", cookie="", timeout=5)
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
            else:
                return
        raise CommandError(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")

    def _check(self, port: int, path: str, cookie: str, log: Path) -> None:
        """One request first: the page must answer 200 to the person signed in, not redirect."""
        try:
            status, location = _get(port, path, cookie=cookie, timeout=60)
        except (OSError, http.client.HTTPException) as error:
            status, location = error, ""
        if status != 200:
            raise CommandError(
                f"GET {path} answered {status} {location}\n{log.read_text()[-3000:]}".rstrip()
            )

    def _settle(self, port: int, path: str, cookie: str, log: Path) -> None:
        """Wait until the workers are free again before a measurement starts.

        When wrk stops, the requests it left queued still run: the next page's first
        requests would wait behind them. One request per worker, sent together, is answered
        only once the queue ahead of it has gone.
        """
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda _n: self._check(port, path, cookie, log), range(WORKERS)))

    def _measure(self, url: str, path: str, cookie: str, options) -> dict:
        # One thread keeps 20 connections busy with ease, and leaves the cores to gunicorn and
        # PostgreSQL. Slow answers are measured, not dropped as timeouts (wrk's default, 2 s).
        command = ["wrk", "--threads", "1", "--connections", str(options["users"])]
        command += ["--duration", f"{options['duration']}s", "--timeout", "60s"]
        command += ["--script", str(LUA_SCRIPT), f"{url}{path}"]
        env = {**os.environ, "MAHI_TAHI_BENCH_COOKIE": cookie}
        done = subprocess.run(  # noqa: S603  wrk, found on the PATH, with our arguments
            command, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise CommandError(f"wrk failed on {path}:\n{done.stderr[-2000:]}")
        return parse_wrk(done.stdout)

    def _report(self, rows: list[tuple[str, dict]], users: int) -> None:
        width = max(len(path) for path, _figures in rows)
        head = f"{'path':<{width}}  {'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}  {'req/s':>7}"
        self.stdout.write(f"{head}  {'errors':>6}  p95 < {BUDGET_MS:g} ms")
        over, unfinished = [], []
        for path, f in rows:
            # Fewer answers than users: most requests were still running when the run ended,
            # so the percentiles describe only the lucky few.
            if f["requests"] < users:
                unfinished.append(path)
            within = f["p95"] < BUDGET_MS and not f["errors"] and path not in unfinished
            if not within:
                over.append(path)
            verdict = self.style.SUCCESS("yes") if within else self.style.ERROR("NO")
            figures = f"{f['p50']:>7.1f}  {f['p95']:>7.1f}  {f['p99']:>7.1f}"
            if path in unfinished:
                figures = f"{'—':>7}  {'—':>7}  {'—':>7}"
                verdict = self.style.ERROR(f"NO: {f['requests']} answers in the run")
            self.stdout.write(
                f"{path:<{width}}  {figures}  {f['rps']:>7.1f}  {f['errors']:>6}  {verdict}"
            )
        if unfinished:
            self.stderr.write(
                "Slower than the run can measure: fewer answers than users. A longer "
                "--duration gives figures; they will be well over budget."
            )
        if over:
            raise CommandError(f"Over budget (p95 ≥ {BUDGET_MS:g} ms or errors): {', '.join(over)}")
