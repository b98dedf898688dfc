"""``manage.py benchmark_privacy``: the privacy work of a 1,500-student school, against its budget.

The budget: on 2 cores, a whole school's export built in under 60 s; a person's
export (their access request, with their child's record) in under 5 s; the retention preview
in under 2 s and the retention run in under 60 s. The command seeds the demo school and a term
of activity (unless they are there), then builds each export in-process, as the task does, and
previews and runs retention on a day ahead with a tenth of the students marked as having left
long before. WeasyPrint is loaded before the person's export is timed, as a worker that has
made one PDF has it. Each step works in a transaction that is rolled back, and the export files it
writes are deleted: what the timed steps did is undone (the seeded school stays, for the
next run with ``--skip-seed``). Exits 1 if any step is over budget, unless ``--figures-only``.
"""

import datetime
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from partnerships import pdf
from partnerships.models import PrivacyExport, PrivacyPolicy, PrivacyRequest, School, Student
from partnerships.privacy import crypto, exports, retention
from partnerships.privacy.archive import FILES
from partnerships.privacy.policy import officers
from partnerships.privacy.requests import family_students, privacy_request_make
from reports.bench import serve
from reports.bench.pages import MissingDataError, demo_school, person
from reports.bench.seeding import seed

SCHOOL_EXPORT_BUDGET = 60.0  # seconds
PERSON_EXPORT_BUDGET = 5.0
PREVIEW_BUDGET = 2.0
RETENTION_BUDGET = 60.0
LEFT_YEARS_BEFORE = 8  # past the default seven years a leaver's records are kept
LEAVERS_SHARE = 10  # one student in this many marked as having left
MARKED_DAYS_BEFORE = 30  # past the grace days, so the run acts on them
DAYS_AHEAD = 60  # past the grace days of a policy set today


@contextmanager
def rolled_back():
    """A transaction whose every row is undone at its end, and its on-commit work with it
    (the tasks and mail it would start)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Step:
    name: str
    seconds: float
    budget: float
    details: list[str] = field(default_factory=list)

    @property
    def within(self) -> bool:
        return self.seconds < self.budget


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB" if size >= 100_000 else f"{size / 1000:,.1f} kB"


def _contents(export: PrivacyExport) -> tuple[int, list[str]]:
    """The zip's own size and the names it holds: the stored file decrypted to a temporary one."""
    with tempfile.TemporaryFile() as plain:
        with export.file.open("rb") as stored:
            for chunk in crypto.decrypt_chunks(stored):
                plain.write(chunk)
        size = plain.tell()
        plain.seek(0)
        with zipfile.ZipFile(plain) as zipped:
            return size, zipped.namelist()


@contextmanager
def files_deleted():
    """The files builds write, deleted at the end whatever happens: storage is outside the
    transaction that takes their rows away."""
    written: list = []
    try:
        yield written
    finally:
        for stored in written:
            stored.storage.delete(stored.name)


def _built(export_id: int, written: list) -> PrivacyExport:
    """Build an export as the task does; a build that does not end ready is an error."""
    exports.export_build(export_id)
    export = PrivacyExport.objects.get(pk=export_id)
    if export.file:
        written.append(export.file)
    if export.status != PrivacyExport.Status.READY or not export.file:
        raise CommandError(f"The export was not built (its status: {export.status}).")
    return export


class Command(BaseCommand):
    help = (
        "The privacy budget at 1,500 students on 2 cores: a whole school's export under "
        "60 s, a person's export under 5 s, the retention preview under 2 s and its run under "
        "60 s. Seeds the demo school unless it is there; works in transactions rolled back and "
        "deletes the files it writes. Needs a local PostgreSQL (DATABASE_URL). Demo data: "
        "never on a real database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--students", type=int, default=1500, help="Students in the school (default 1500)."
        )
        parser.add_argument(
            "--skip-seed", action="store_true", help="Use the data as it is; seed nothing."
        )
        parser.add_argument(
            "--figures-only",
            action="store_true",
            help="Print the figures and say which are over budget, but exit 0 (a busy machine).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under production settings too (a benchmark database, never a real one).",
        )

    def handle(self, *args, **options):
        self.figures_only = options["figures_only"]
        serve.refuse_to_run("benchmark_privacy", force=options["force"], wrk=False)
        if not options["skip_seed"]:
            seed(1, options["students"], self.stdout.write)
        try:
            school = demo_school()
            leader = person("leader", school)
            whanau = person("whanau", school)
        except MissingDataError as error:
            hint = " (run without --skip-seed)" if options["skip_seed"] else ""
            raise CommandError(f"{error}{hint}") from error
        if not connection.in_atomic_block:  # VACUUM cannot run inside a transaction (tests)
            serve.vacuum()
        self.stdout.write(
            f"{school.name}: {Student.objects.filter(school=school).count():,} students."
        )
        self._load_pdf()
        steps = [
            self._school_export(school, leader),
            self._person_export(school, whanau),
            *self._retention(school),
        ]
        self._report(steps)

    def _load_pdf(self) -> None:
        """WeasyPrint loaded before the person's export is timed: a worker loads it once, for
        its first PDF, and keeps it for every export after."""
        started = time.perf_counter()
        if pdf.pdf_available():
            self.stdout.write(
                f"WeasyPrint loaded in {time.perf_counter() - started:.2f} s (once a worker; "
                "not counted in a person's export)."
            )
        else:
            self.stdout.write("WeasyPrint cannot load here: a person's export has no PDF.")

    def _school_export(self, school: School, leader) -> Step:
        with files_deleted() as written, rolled_back():
            started = time.perf_counter()
            export = _built(exports.export_school(actor=leader, school=school).pk, written)
            seconds = time.perf_counter() - started
            size, names = _contents(export)
        csvs = [name for name in names if name.endswith(".csv") and "/" not in name]
        files = [name for name in names if name.startswith(f"{FILES}/")]
        return Step(
            "whole-school export",
            seconds,
            SCHOOL_EXPORT_BUDGET,
            [
                f"zip {_megabytes(size)} ({_megabytes(export.size)} encrypted)",
                f"{len(csvs)} CSVs, {len(files):,} files",
            ],
        )

    def _person_export(self, school: School, whanau) -> Step:
        child = family_students(whanau).filter(school=school).order_by("pk").first()
        officer = officers(school).select_related("user").order_by("pk").first()
        if child is None or officer is None:
            raise CommandError(f"{school.name} has no demo child or privacy officer to ask.")
        with files_deleted() as written, rolled_back():
            started = time.perf_counter()
            request = privacy_request_make(
                actor=whanau, kind=PrivacyRequest.Kind.ACCESS, student_id=child.pk
            )
            queued = exports.export_request(
                actor=officer.user, request=request, include_student=True
            )
            export = _built(queued.pk, written)
            seconds = time.perf_counter() - started
            size, names = _contents(export)
            with_child = PrivacyRequest.objects.get(pk=request.pk).include_student
        return Step(
            "a person's export",
            seconds,
            PERSON_EXPORT_BUDGET,
            [
                f"zip {_megabytes(size)} ({_megabytes(export.size)} encrypted), "
                f"{len(names)} entries",
                "with the child's record" if with_child else "WITHOUT the child's record",
            ],
        )

    def _retention(self, school: School) -> list[Step]:
        with rolled_back():
            policy, _created = PrivacyPolicy.objects.get_or_create(school=school)
            today = retention.local_today(school) + datetime.timedelta(days=DAYS_AHEAD)
            today = max(today, retention.grace_day(policy, school.zone))
            students = list(
                Student.objects.filter(school=school, left_on__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            marked = students[::LEAVERS_SHARE]
            marked_day = today - datetime.timedelta(days=MARKED_DAYS_BEFORE)
            Student.objects.filter(pk__in=marked).update(
                left_on=retention.years_before(today, LEFT_YEARS_BEFORE),
                left_marked_at=retention.start_of(marked_day, school.zone),
            )
            started = time.perf_counter()
            preview = retention.retention_preview(school, today=today)
            previewed = time.perf_counter() - started
            started = time.perf_counter()
            removed = retention.retention_apply(school, today=today)
            ran = time.perf_counter() - started
        tonight = ", ".join(f"{due.what} {due.count:,}" for due in preview.tonight) or "nothing"
        counts = ", ".join(f"{what} {n:,}" for what, n in removed.items()) or "nothing"
        held = ", ".join(f"{due.what} {due.count:,}" for due in preview.waiting)
        return [
            Step(
                "retention preview",
                previewed,
                PREVIEW_BUDGET,
                [
                    f"on {today:%d %B %Y}, {len(marked):,} students marked as having left",
                    f"due that night: {tonight}",
                    *([f"waiting for an open request: {held}"] if held else []),
                ],
            ),
            Step("retention run", ran, RETENTION_BUDGET, [f"removed: {counts}"]),
        ]

    def _report(self, steps: list[Step]) -> None:
        width = max(len(step.name) for step in steps)
        self.stdout.write(f"\n{'step':<{width}}  {'seconds':>8}  {'budget':>7}  within budget")
        for step in steps:
            verdict = self.style.SUCCESS("yes") if step.within else self.style.ERROR("NO")
            line = f"{step.name:<{width}}  {step.seconds:>8.2f}  {step.budget:>6g}s"
            self.stdout.write(f"{line}  {verdict}")
            for detail in step.details:
                self.stdout.write(f"{'':<{width}}  {detail}")
        over = [f"{step.name} ({step.seconds:.1f} s)" for step in steps if not step.within]
        if over and not self.figures_only:
            raise CommandError(f"Over budget: {', '.join(over)}")
