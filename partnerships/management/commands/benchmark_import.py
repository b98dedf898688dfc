"""``manage.py benchmark_import``: a whole school's export imported through the import's own
steps, against the budget (issue 17): 1,500 students with 3,000 caregivers checked and
imported in under 30 s on 2 cores with PostgreSQL.

It makes a school of its own (a leader, a teacher per class), writes a CSV export of
fictional students with their classes, teachers and caregivers, and runs upload → columns →
check → confirm → import through ``partnerships.imports.services``, the background tasks
run in this process as a worker runs them. It times each step, then imports the same file
again, which must change nothing, and times that. Invitations are written, with their
emails to the outbox, as a real import writes them; none is sent (the benchmark's school and
everything in it are deleted at the end, unless --keep, and then its emails are marked not to
send). Exits 1 when the first import takes 30 s or more, or the second changes anything.
"""

import csv
import io
import time
import uuid
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partnerships import outbox
from partnerships.imports import services, tasks
from partnerships.models import ImportJob, OutboxEmail, School, Staff, User

BUDGET_SECONDS = 30.0
STUDENTS_PER_CLASS = 27
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
FIRST = ["Aroha", "Wiremu", "Olivia", "Jack", "Losa", "Nikau", "Mei", "Arjun", "Isla", "Sione"]
FIRST += ["Hana", "Leo", "Ananya", "Tamati", "Ruby", "Xinyi", "Tai", "Grace", "Teariki", "Maia"]
LAST = ["Ngata", "Parata", "Campbell", "Thompson", "Leota", "Herewini", "Chen", "Patel", "Walker"]
LAST += ["Taufa", "Fraser", "Te Whata", "Bennett", "Sharma", "Karaka", "Mitchell", "Wang", "Reid"]
CAREGIVER_FIRST = ["Mere", "Hemi", "Sarah", "Mark", "Malia", "Ioane", "Yan", "Wei", "Pooja", "Kiri"]
RELATIONSHIPS = ["Mother", "Father", "Koro", "Nan", "Aunty", "Caregiver"]
LANGUAGES = ["English", "English", "Māori"]


def refuse_to_run(*, force: bool) -> None:
    """Only a local PostgreSQL benchmark database, migrated, and not production settings
    unless forced: the benchmark writes a school of fictional children."""
    if connection.vendor != "postgresql":
        raise CommandError(
            "benchmark_import measures a PostgreSQL budget, and this database is "
            f"{connection.vendor}: set DATABASE_URL=postgres://… (a benchmark database)."
        )
    host = connection.settings_dict.get("HOST") or ""
    if host not in LOCAL_HOSTS and not host.startswith("/"):
        raise CommandError(
            f"benchmark_import writes only to a database on this machine, and DATABASE_URL "
            f"names the host {host}: use a local benchmark database."
        )
    if settings.SETTINGS_MODULE.endswith(".production") and not force:
        raise CommandError(
            "benchmark_import writes a school of fictional children; it will not run under "
            "production settings without --force."
        )
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("The database has unapplied migrations: run manage.py migrate.")


def export_file(*, students: int, caregivers: int, teachers: list[str], tag: str) -> bytes:
    """A student management system's export: a row per student, their caregivers beside."""
    headers = ["NSN", "Student ID", "Legal First Name", "Legal Last Name", "Preferred Name"]
    headers += ["Year Level", "Room", "Teacher Email", "Date of Birth", "Start Date"]
    for n in range(1, caregivers + 1):
        headers += [
            f"Caregiver {n} {part}"
            for part in ("Name", "Relationship", "Email", "Phone", "Language", "No Contact")
        ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for i in range(students):
        room = i // STUDENTS_PER_CLASS
        year = 1 + room % 8
        last = LAST[i % len(LAST)]
        row = [
            str(1_100_000_000 + i),
            f"B{i:05d}",
            FIRST[i % len(FIRST)],
            last,
            "",
            f"Year {year}",
            f"Benchmark room {room + 1}",
            teachers[room],
            f"{1 + i % 28}/{1 + i % 12:02d}/{2020 - year}",
            "28/01/2026",
        ]
        for n in range(caregivers):
            name = f"{CAREGIVER_FIRST[(i + n) % len(CAREGIVER_FIRST)]} {last}"
            row += [
                name,
                RELATIONSHIPS[(i + n) % len(RELATIONSHIPS)],
                f"caregiver{n}.{i}.{tag}@bench.example",
                f"021 {i:04d} {n:03d}",
                LANGUAGES[(i + n) % len(LANGUAGES)],
                "Yes" if (i + n) % 97 == 0 else "",
            ]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


@contextmanager
def in_process():
    """The tasks run here, as a worker runs them, when their step commits; the outbox is not
    nudged (nothing is sent)."""

    def run(task_name, job_id):
        getattr(tasks, task_name)(job_id)

    with (
        mock.patch.object(services, "enqueue", run),
        mock.patch.object(outbox, "nudge", return_value=None),
    ):
        yield


class Command(BaseCommand):
    help = (
        "Imports a generated export of 1,500 students with 3,000 caregivers into a school of "
        "its own through the import's steps (tasks in this process), timing each step, then "
        "imports the same file again (nothing may change). Exits 1 when the first import "
        "takes 30 s or more. Deletes its school afterwards unless --keep. Needs a local "
        "PostgreSQL (DATABASE_URL); never a database real people use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--students", type=int, default=1500, help="Students in the file (1500)."
        )
        parser.add_argument(
            "--caregivers-per-student",
            type=int,
            default=2,
            choices=[1, 2, 3],
            help="Caregivers beside each student (2).",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the school afterwards.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run under production settings too (a benchmark database, never a real one).",
        )

    def handle(self, *args, **options):
        refuse_to_run(force=options["force"])
        students = options["students"]
        if not 1 <= students <= services.MAX_ROWS:
            raise CommandError(f"--students must be from 1 to {services.MAX_ROWS}.")
        tag = uuid.uuid4().hex[:8]
        school, users = self._school(tag, classes=-(-students // STUDENTS_PER_CLASS))
        leader = users[0]
        data = export_file(
            students=students,
            caregivers=options["caregivers_per_student"],
            teachers=[user.email for user in users[1:]],
            tag=tag,
        )
        self.stdout.write(
            f"{connection.vendor}: {students} students, "
            f"{students * options['caregivers_per_student']} caregivers, "
            f"a {len(data) / 1024:.0f} KB CSV"
        )
        failed = False
        try:
            with in_process():
                first = self._import(school, leader, data, "first import")
                second = self._import(school, leader, data, "same file again")
            counts = second.result.get("counts", {})
            unchanged = not any(
                counts.get(part, {}).get(key, 0)
                for part, keys in (("students", ("new", "changed")), ("whanau", ("new", "changed")))
                for key in keys
            ) and not any(counts.get("links", {}).values())
            if first.status != ImportJob.Status.DONE or second.status != ImportJob.Status.DONE:
                self.stderr.write(self.style.ERROR("An import did not finish."))
                failed = True
            if not unchanged:
                self.stderr.write(self.style.ERROR(f"The second import changed: {counts}"))
                failed = True
            if first.elapsed >= BUDGET_SECONDS:
                self.stderr.write(
                    self.style.ERROR(f"Over budget: {first.elapsed:.1f} s ≥ {BUDGET_SECONDS:g} s.")
                )
                failed = True
            elif not failed:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Within budget: {first.elapsed:.1f} s < {BUDGET_SECONDS:g} s."
                    )
                )
        finally:
            if options["keep"]:
                OutboxEmail.objects.filter(school=school, status=OutboxEmail.Status.QUEUED).update(
                    status=OutboxEmail.Status.SKIPPED,
                    reason="A benchmark’s invitation: not to be sent.",
                )
                self.stdout.write(f"Kept the school “{school.name}” (id {school.pk}).")
            else:
                school.delete()
                User.objects.filter(pk__in=[user.pk for user in users]).delete()
        if failed:
            raise SystemExit(1)

    def _school(self, tag: str, *, classes: int) -> tuple[School, list[User]]:
        school = School.objects.create(name=f"Import benchmark {tag}")
        users = User.objects.bulk_create(
            [
                User(email=f"{role}{n}.{tag}@bench.example", name=f"Bench {role} {n}")
                for role, count in (("leader", 1), ("teacher", classes))
                for n in range(count)
            ]
        )
        Staff.objects.bulk_create(
            Staff(
                school=school,
                user=user,
                role=Staff.Role.LEADER if index == 0 else Staff.Role.TEACHER,
            )
            for index, user in enumerate(users)
        )
        return school, users

    def _import(self, school: School, leader: User, data: bytes, label: str) -> ImportJob:
        steps = []
        started = time.perf_counter()

        def step(name: str) -> None:
            steps.append((name, time.perf_counter()))

        upload = SimpleUploadedFile("benchmark.csv", data, content_type="text/csv")
        job = services.import_upload(school=school, by=leader, upload=upload, kind="students")
        step("upload")
        services.import_map(job=job, by=leader, mapping=job.mapping)
        step("check")
        job.refresh_from_db()
        if job.status != ImportJob.Status.CHECKED or job.preview.get("blocking"):
            raise CommandError(f"The check did not pass: {job.preview.get('errors', [])[:3]}")
        services.import_confirm(job=job, by=leader, invite=True)
        step("import")
        job.refresh_from_db()
        job.elapsed = time.perf_counter() - started
        previous, parts = started, []
        for name, at in steps:
            parts.append(f"{name} {at - previous:.1f} s")
            previous = at
        counts = job.result.get("counts", {})
        self.stdout.write(
            f"{label}: {job.elapsed:.1f} s ({', '.join(parts)}); "
            f"students {counts.get('students')}, whānau {counts.get('whanau')}, "
            f"links {counts.get('links')}, invitations {counts.get('invitations', 0)}"
        )
        return job
