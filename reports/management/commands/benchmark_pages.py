"""``manage.py benchmark_pages``: every main page of every role under load, against its budget.

The budget (issue 16 and DESIGN.md): at a school of 1,500 students under 20 concurrent users
on 2 cores, each page's p50 within 2× of the floor's and its p95 under 150 ms; in a 10-school
district, each page within 1.2× of its one-school time. The command seeds the schools and a
term of activity (unless they are there), signs in the demo school's leader, teacher, whānau
member and student, serves the app with gunicorn as the Dockerfile does under the production
settings, and drives each page with wrk, measuring the floor (a signed-in page of the site's
layout with nothing in it, served only by the benchmark's URLconf) between pages, so a machine
that slows during the run slows both. Exits 1 if any page is over budget.
"""

import json
import secrets
import statistics
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import School, Student
from reports.bench import serve
from reports.bench.pages import ROLES, MissingDataError, Page, demo_school, pages, person
from reports.bench.seeding import seed

P95_BUDGET_MS = 150.0
FLOOR_BUDGET = 2.0  # a page's p50, in floors
DISTRICT_BUDGET = 1.2  # a page's time in the district, in its one-school times


def verdicts(row: dict, floor: float, one_school: dict | None) -> list[str]:
    """What a page's figures break of the budget, in words; none when within it."""
    broken = []
    if row["requests"] < row["users"]:
        return [f"{row['requests']} answers in the run"]
    if row["errors"]:
        broken.append(f"{row['errors']} errors")
    if row["p95"] >= P95_BUDGET_MS:
        broken.append(f"p95 ≥ {P95_BUDGET_MS:g} ms")
    if row["p50"] > FLOOR_BUDGET * floor:
        broken.append(f"p50 > {FLOOR_BUDGET:g}× floor")
    if one_school and row["p50"] / floor > DISTRICT_BUDGET * one_school["floors"]:
        broken.append(f"> {DISTRICT_BUDGET:g}× one school")
    return broken


class Command(BaseCommand):
    help = (
        "Every main page of every role under load: p50 within 2× of a bare signed-in page "
        "(the floor) and p95 under 150 ms at 1,500 students with 20 concurrent users; with "
        "--against a one-school run's figures, each page within 1.2× of them. Seeds the "
        "schools unless they are there, serves the app with gunicorn under the production "
        "settings on 127.0.0.1, drives each page with wrk. Needs a local PostgreSQL "
        "(DATABASE_URL) and wrk. Demo data: never on a real database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=1, help="Schools (default 1).")
        parser.add_argument(
            "--students", type=int, default=1500, help="Students per school (default 1500)."
        )
        parser.add_argument("--users", type=int, default=20, help="Concurrent users (default 20).")
        parser.add_argument(
            "--duration", type=int, default=5, help="Seconds of load per page (default 5)."
        )
        parser.add_argument(
            "--role",
            action="append",
            dest="roles",
            choices=ROLES,
            help="Measure this role's pages (repeat for more; default every role).",
        )
        parser.add_argument(
            "--page",
            action="append",
            dest="names",
            metavar="NAME",
            help="Only pages whose name holds this word (repeat for more).",
        )
        parser.add_argument(
            "--floor-every",
            type=int,
            default=4,
            help="Measure the floor again after this many pages (default 4).",
        )
        parser.add_argument("--save", type=Path, help="Write the figures to this JSON file.")
        parser.add_argument(
            "--against",
            type=Path,
            help="A one-school run's --save file: each page within 1.2× of its time there.",
        )
        serve.add_arguments(parser, port=8765)

    def handle(self, *args, **options):
        if options["users"] < 1 or options["duration"] < 1 or options["floor_every"] < 1:
            raise CommandError("--users, --duration and --floor-every must be at least 1.")
        one_school = self._read_against(options["against"])
        serve.refuse_to_run("benchmark_pages", force=options["force"])
        if not options["skip_seed"]:
            seed(options["schools"], options["students"], self.stdout.write)
        try:
            school = demo_school()
            plan = self._plan(school, options["roles"] or ROLES, options["names"])
            people = {role: person(role, school) for role in {page.role for page in plan}}
        except MissingDataError as error:
            hint = " (run without --skip-seed)" if options["skip_seed"] else ""
            raise CommandError(f"{error}{hint}") from error
        serve.vacuum()
        secret_key = secrets.token_urlsafe(50)
        sessions = {
            role: serve.signed_in_session(user, secret_key) for role, user in people.items()
        }
        cookies = {role: serve.cookie_for(key) for role, key in sessions.items()}
        self.stdout.write(
            f"{Student.objects.count():,} students in {School.objects.count()} schools; "
            f"{school.name}: {Student.objects.filter(school=school).count():,} students; "
            f"{len(plan)} pages as {', '.join(people)}."
        )
        try:
            with serve.serving(options["port"], secret_key) as server:
                for page in plan:
                    server.check(page.path, cookies[page.role])
                rows, floors = self._run(server, plan, cookies, options)
        finally:
            serve.forget_sessions(sessions.values())
        floor = statistics.median(f["p50"] for f in floors)
        figures = {
            "schools": School.objects.count(),
            "floor": {"p50": floor, "runs": [round(f["p50"], 1) for f in floors]},
            "pages": {f"{page.role} {page.name}": row for page, row in rows},
        }
        if options["save"]:
            options["save"].write_text(json.dumps(figures, indent=1, ensure_ascii=False))
        self._report(rows, floors, one_school)

    def _read_against(self, path: Path | None) -> dict | None:
        if path is None:
            return None
        try:
            saved = json.loads(path.read_text())
            floor = saved["floor"]["p50"]
            return {name: {"floors": row["p50"] / floor} for name, row in saved["pages"].items()}
        except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError) as error:
            raise CommandError(f"{path} is not a benchmark_pages --save file: {error}") from error

    def _plan(self, school: School, roles, names) -> list[Page]:
        plan = [page for role in roles for page in pages(role, school)]
        if names:
            plan = [page for page in plan if any(name in page.name for name in names)]
        if not plan:
            raise CommandError(f"No page named {', '.join(names)}.")
        return plan

    def _run(self, server, plan: list[Page], cookies: dict, options) -> tuple[list, list]:
        """Each page in turn, and the floor (as the person of the pages around it) before the
        first, after every ``--floor-every`` pages and after the last."""
        load = {"users": options["users"], "duration": options["duration"]}
        self.stdout.write(
            f"gunicorn: {serve.WORKERS} workers on {server.url}; wrk: {load['users']} "
            f"connections, {load['duration']} s per page."
        )
        rows, floors = [], []
        for index, page in enumerate(plan):
            if index % options["floor_every"] == 0:
                floors.append(server.measure(serve.FLOOR_PATH, cookies[page.role], **load))
            row = server.measure(page.path, cookies[page.role], **load)
            rows.append((page, {**row, "users": load["users"]}))
            self.stdout.write(f"  {page.role} {page.name}: p50 {row['p50']:.1f} ms")
        floors.append(server.measure(serve.FLOOR_PATH, cookies[plan[-1].role], **load))
        return rows, floors

    def _report(self, rows: list, floors: list, one_school: dict | None) -> None:
        floor = statistics.median(f["p50"] for f in floors)
        spread = ", ".join(f"{f['p50']:.0f}" for f in floors)
        self.stdout.write(
            f"\nFloor ({serve.FLOOR_PATH}): p50 {floor:.1f} ms (median of runs: {spread} ms)."
        )
        width = max(len(f"{page.role} {page.name}") for page, _row in rows)
        head = f"{'page':<{width}}  {'p50 ms':>7}  {'p95 ms':>7}  {'req/s':>6}  {'× floor':>7}"
        if one_school:
            head += f"  {'× one':>6}"
        self.stdout.write(f"{head}  within budget")
        over = []
        for page, row in rows:
            name = f"{page.role} {page.name}"
            known = (one_school or {}).get(name)
            broken = verdicts(row, floor, known)
            line = f"{name:<{width}}  {row['p50']:>7.1f}  {row['p95']:>7.1f}  {row['rps']:>6.0f}"
            line += f"  {row['p50'] / floor:>7.2f}"
            if one_school:
                ratio = f"{row['p50'] / floor / known['floors']:.2f}" if known else "—"
                line += f"  {ratio:>6}"
            if broken:
                over.append(f"{name} ({'; '.join(broken)})")
                verdict = self.style.ERROR("NO: " + "; ".join(broken))
            else:
                verdict = self.style.SUCCESS("yes")
            self.stdout.write(f"{line}  {verdict}")
        if over:
            raise CommandError(f"Over budget: {', '.join(over)}")
