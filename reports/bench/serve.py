"""Serving the app for a load benchmark and driving it: gunicorn as the Dockerfile runs it,
under the production settings and the benchmark's URLconf, on 127.0.0.1 only; wrk for load.

Nothing here reaches past the local machine: the server binds the loopback address and every
request goes to it.
"""

import http.client
import os
import re
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
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest
from django.test.utils import override_settings

from partnerships.models import User

# As the Dockerfile's CMD runs it (tests/reports/test_bench_serve.py holds the two together):
# sync workers, each holding a request for its whole time.
WORKERS = 3
HOST = "127.0.0.1"
LUA_SCRIPT = Path(__file__).with_name("wrk.lua")
RESULT = re.compile(r"^MAHI_TAHI_RESULT (.*)$", re.MULTILINE)
# The production settings with the benchmark's URLconf (the app's, plus the floor page) and
# static files collected to the run's own folder: the manifest storage needs them to render
# any page, and the working tree is left alone.
SETTINGS_MODULE = "benchmark_settings"
SETTINGS_SOURCE = """from config.settings.production import *  # noqa: F403

STATIC_ROOT = {static_root!r}
ROOT_URLCONF = "config.bench_urls"
"""
# Served by the benchmark's URLconf (config/bench_urls.py) only.
FLOOR_PATH = "/bench/floor/"
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def add_arguments(parser, *, port: int) -> None:
    """What every load benchmark takes: the port, seeding or not, production settings."""
    parser.add_argument("--port", type=int, default=port, help=f"Port on 127.0.0.1 ({port}).")
    parser.add_argument(
        "--skip-seed", action="store_true", help="Use the data as it is; seed nothing."
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Run under production settings too (a benchmark database, never a real one).",
    )


def refuse_to_run(command: str, *, force: bool, wrk: bool = True) -> None:
    """Stop before any seeding unless this is a local PostgreSQL benchmark database, migrated,
    with wrk installed if the command loads pages with it, and not production settings (unless
    forced)."""
    if connection.vendor != "postgresql":
        raise CommandError(
            f"{command} measures a PostgreSQL budget, and this database is "
            f"{connection.vendor}: set DATABASE_URL=postgres://… (a benchmark database)."
        )
    host = connection.settings_dict.get("HOST") or ""
    if host not in LOCAL_HOSTS and not host.startswith("/"):
        raise CommandError(
            f"{command} seeds and loads only a database on this machine, and DATABASE_URL "
            f"names the host {host}: use a local benchmark database."
        )
    if wrk and shutil.which("wrk") is None:
        raise CommandError(
            "wrk is not on the PATH: install the Debian package wrk (apt-get install wrk)."
        )
    if settings.SETTINGS_MODULE.endswith(".production") and not force:
        raise CommandError(
            f"{command} seeds demo accounts with a published password; it will not run under "
            "production settings without --force."
        )
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("The database has unapplied migrations: run manage.py migrate.")


def vacuum() -> None:
    """As autovacuum would have left a live database: planner statistics (a bulk load has
    none, and plans made without them are not the ones a live database gets) and no dead rows
    from the seeding's updates, nor a vacuum of them halfway through a run."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


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


def forget_sessions(keys) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(key).delete()


def cookie_for(session_key: str) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={session_key}"


def request(
    port: int, method: str, path: str, *, cookie: str, body: str = "", timeout: float = 60
) -> tuple[int, http.client.HTTPMessage, str]:
    """One request as a browser behind the TLS proxy sends it: status, headers, body."""
    client = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Host": HOST}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"https://{HOST}{path}"
    try:
        client.request(method, path, body=body or None, headers=headers)
        response = client.getresponse()
        text = response.read().decode("utf-8", "replace")
    finally:
        client.close()
    return response.status, response.headers, text


class Server:
    """gunicorn serving the app on 127.0.0.1:``port``; ``log`` is its log (and Django's)."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.log = log

    def check(self, path: str, cookie: str) -> None:
        """One request first: the page must answer 200 to the person signed in, not redirect."""
        try:
            status, headers, _body = request(self.port, "GET", path, cookie=cookie)
        except (OSError, http.client.HTTPException) as error:
            status, headers = error, http.client.HTTPMessage()
        if status != 200:
            raise CommandError(
                f"GET {path} answered {status} {headers.get('Location', '')}\n"
                f"{self.log.read_text()[-3000:]}".rstrip()
            )

    def settle(self, path: str, cookie: str) -> None:
        """Wait until the workers are free again before a measurement starts.

        When wrk stops, the requests it left queued still run: the next page's first
        requests would wait behind them. One request per worker, sent together, is answered
        only once the queue ahead of it has gone.
        """
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda _n: self.check(path, cookie), range(WORKERS)))

    def measure(self, path: str, cookie: str, *, users: int, duration: int) -> dict:
        """wrk on one page: ``users`` connections sending back to back for ``duration`` s."""
        self.settle(path, cookie)
        # One thread keeps 20 connections busy with ease, and leaves the cores to gunicorn
        # and PostgreSQL. Slow answers are measured, not dropped as timeouts (wrk's default,
        # 2 s).
        command = ["wrk", "--threads", "1", "--connections", str(users)]
        command += ["--duration", f"{duration}s", "--timeout", "60s"]
        command += ["--script", str(LUA_SCRIPT), f"{self.url}{path}"]
        env = {**os.environ, "MAHI_TAHI_BENCH_COOKIE": cookie}
        done = subprocess.run(  # noqa: S603  wrk, found on the PATH, with our arguments
            command, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise CommandError(f"wrk failed on {path}:\n{done.stderr[-2000:]}")
        return parse_wrk(done.stdout)


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


@contextmanager
def serving(port: int, secret_key: str):
    """Serve the app under the production settings on 127.0.0.1:``port`` while inside."""
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            raise CommandError(f"Port {port} is taken: pass another with --port.")
    with tempfile.TemporaryDirectory(prefix="mahi-tahi-bench-") as folder:
        Path(folder, f"{SETTINGS_MODULE}.py").write_text(
            SETTINGS_SOURCE.format(static_root=str(Path(folder, "static")))
        )
        # HTTPS-only stays on, as deployed: rather than switch SECURE_SSL_REDIRECT off (a
        # setting production never runs with), each request says what the TLS proxy in front
        # of the app says, X-Forwarded-Proto: https, which the settings trust.
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "PYTHONPATH": os.pathsep.join([folder, str(settings.BASE_DIR)]),
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": HOST,
            # Required by the production settings; mail waits in the outbox, unsent.
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
        serve += ["--bind", f"{HOST}:{port}", "--workers", str(WORKERS)]
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
            _wait_until_up(server, port, log)
            yield Server(port, log)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    """Until a worker answers a request (any answer), or the server stops."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            request(port, "GET", "/", cookie="", timeout=5)
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        else:
            return
    raise CommandError(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")
