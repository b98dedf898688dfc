"""The check: a file's rows compared with what the school already has, as a plan of what an
import would create and change. The preview shows the plan; the import carries it out (and
makes it again, a part at a time, from the data as it is then).

Who is who: a student by their NSN, else the school's own id, within the school; a caregiver
by email (any case) within the school, else name and phone (its digits), else, with neither,
by name among the same student's whānau (one known by name and phone, given an email later,
is still the same person). An empty cell never clears what the school has. A whānau member
who has joined keeps the name, email, phone, language and way to reach them they chose. An
import may take a whānau member's access away (no contact) and never gives it back; one
person marked no contact for a child anywhere in the file is no contact for that child. A
student who has left is left alone: their rows are left out with a note. A class
is found by its name (any case), made if new, and back in use if it was archived; the
teachers a file names are added to it, never taken off. A new link to someone with an email,
access and no account is invited, once per person (accepting links them to every child).

The preview (``ImportJob.preview``)::

    {"counts": {"students": {"new", "changed", "unchanged"}, "classes": {"new", "changed"},
                "whanau": {"new", "changed", "unchanged"}, "links": {"new", "changed"},
                "invitations": n (new links that would be invited), "rows": n (rows read)},
     "errors": [{"row": the file's row number, "column": the header, "value": the cell,
                 "message": msgid, "params": {...}, "blocking": bool}, …] (the first 1,000),
     "error_count": n, "blocking": n (blocking errors),
     "changes": [{"row", "kind": "student" | "whanau" | "class", "name",
                  "action": "new" | "changed", "details": [message, …]}, …] (the first 500),
     "notes": [message, …]}

A message (an error, a detail, a note) is ``{"message": msgid, "params": {...}}``, stored
untranslated: ``values.describe`` shows it in the reader's language.
"""

from django.utils import timezone
from django.utils.translation import gettext_noop

from partnerships.imports.fields import STUDENTS
from partnerships.imports.planning import Plan, make_plan
from partnerships.imports.rows import RowIn, read_rows
from partnerships.imports.snapshot import load_snapshot, targets_of
from partnerships.imports.values import msg
from partnerships.models import ImportJob

SHOWN_ERRORS = 1000


def read_job(job: ImportJob, today) -> list[RowIn]:
    return read_rows(
        kind=job.options.get("kind", STUDENTS),
        headers=job.headers,
        rows=job.rows,
        header_row=job.header_row,
        mapping=job.mapping,
        offered=job.school.languages or ["en"],
        today=today,
    )


def plan_job(job: ImportJob, rows: list[RowIn], *, today, targets=None) -> Plan:
    """The plan for ``rows`` (all of a job's, or a part), from the school's records as they
    are read now. ``targets``: who each caregiver is as the whole file gives them; by
    default, as these rows do."""
    if targets is None:
        targets = targets_of(job.school, rows)
    return make_plan(
        school=job.school,
        kind=job.options.get("kind", STUDENTS),
        rows=rows,
        snap=load_snapshot(job.school, rows),
        targets=targets,
        mapping=job.mapping,
        today=today,
    )


def preview_of(job: ImportJob) -> dict:
    """The dry run: the plan for the whole file, nothing written."""
    today = timezone.localdate(timezone=job.school.zone)
    kind = job.options.get("kind", STUDENTS)
    rows = read_job(job, today)
    plan = plan_job(job, rows, today=today)
    errors = sorted(
        (error for row in rows for error in row.errors), key=lambda e: (e["row"], e["column"])
    )
    notes = list(job.options.get("notes", []))
    if kind == STUDENTS and plan.counts["students"]["new"] and not job.mapping.get("start_date"):
        notes.append(
            msg(
                gettext_noop(
                    "No column is chosen for the start date: new students start today, and "
                    "their transition conversation is due in %(days)s days."
                ),
                days=job.school.transition_days,
            )
        )
    return {
        "counts": plan.counts,
        "errors": errors[:SHOWN_ERRORS],
        "error_count": len(errors),
        "blocking": sum(1 for error in errors if error["blocking"]),
        "changes": plan.changes,
        "notes": notes,
    }


def check_job(job_id: int) -> bool:
    """Check a job waiting for it and store its preview; False if it was not waiting (checked
    already, or its columns changed while this ran: the newer check stores its own)."""
    job = ImportJob.objects.select_related("school").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.CHECKING:
        return False
    preview = preview_of(job)
    return bool(
        ImportJob.objects.filter(
            pk=job.pk, status=ImportJob.Status.CHECKING, mapping=job.mapping
        ).update(status=ImportJob.Status.CHECKED, preview=preview, updated_at=timezone.now())
    )
