"""An import's steps, each a write a school's leader makes: upload, choose the columns, confirm
the preview, discard, resume. The check and the import itself run in the background
(``tasks``), enqueued when the step that asks for them commits.

Nothing of the file reaches the school's records before a leader confirms a preview with no
blocking problem; then the import writes in whole parts (``applying``) and can be resumed.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.access import require_leader
from partnerships.imports.fields import (
    FIELD_BY_NAME,
    FIELDS,
    KINDS,
    ONE_OF,
    STUDENTS,
    guess_mapping,
    missing_required,
)
from partnerships.imports.reading import MAX_BYTES, MAX_ROWS, ImportRefused, read_upload
from partnerships.imports.values import describe
from partnerships.models import AuditEvent, ImportJob, ImportPreset, School, User

logger = logging.getLogger(__name__)

__all__ = [
    "FIELDS",
    "KINDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportRefused",
    "describe",
    "import_confirm",
    "import_discard",
    "import_map",
    "import_resume",
    "import_upload",
    "kind_of",
]

# Not moved for this long while checking or importing: its worker died, and the sweep starts
# it again.
STALLED = datetime.timedelta(minutes=5)
# A file left unfinished this long is let go: its rows (children's details) are not kept.
ABANDONED = datetime.timedelta(days=7)
MAPPABLE = (ImportJob.Status.MAPPING, ImportJob.Status.CHECKING, ImportJob.Status.CHECKED)


def kind_of(job: ImportJob) -> str:
    """“students” or “caregivers”: what the file's rows are."""
    return job.options.get("kind", STUDENTS)


def _remembered_mapping(school: School, kind: str, headers: list[str]) -> dict[str, str]:
    """The school's last mapping for this kind of file (one a leader chose, not a guess left
    at upload), for the columns this file has too; the rest guessed from the headings."""
    last = (
        ImportJob.objects.filter(school=school, options__kind=kind)
        .exclude(status=ImportJob.Status.MAPPING)
        .exclude(mapping={})
        .values_list("mapping", flat=True)
        .first()
    ) or {}
    known = FIELD_BY_NAME[kind]
    mapping = {name: header for name, header in last.items() if name in known and header in headers}
    used = set(mapping.values())
    for name, header in guess_mapping(kind, headers).items():
        if name not in mapping and header not in used:
            mapping[name] = header
            used.add(header)
    return mapping


def import_upload(*, school: School, by: User, upload, kind: str) -> ImportJob:
    """Read a file once and keep its rows, ready for its columns to be chosen. Raises
    ``ImportRefused`` (its ``message`` for the person) for a file we will not read."""
    require_leader(by, school.pk)
    if kind not in KINDS:
        raise ValueError(f"no import of {kind!r}")
    table = read_upload(upload, kind=kind)
    return ImportJob.objects.create(
        school=school,
        created_by=by,
        # A NUL in a name sent by a hostile client is no part of the name, and the database
        # refuses it.
        filename=(upload.name or "").replace("\x00", "")[:255],
        size=upload.size,
        headers=table.headers,
        rows=table.rows,
        header_row=table.header_row,
        mapping=_remembered_mapping(school, kind, table.headers),
        options={"kind": kind, "notes": table.notes},
        progress_total=len(table.rows),
    )


def _mapping_errors(kind: str, mapping: dict[str, str], headers: list[str]) -> dict:
    errors: dict[str, list[str]] = {}
    by_header: dict[str, list[str]] = {}
    for name, header in mapping.items():
        if header not in headers:
            errors.setdefault(name, []).append(
                _("“%(header)s” is not a column of this file.") % {"header": header}
            )
        by_header.setdefault(header, []).append(name)
    known = FIELD_BY_NAME[kind]
    for header, names in by_header.items():
        if len(names) > 1:
            labels = ", ".join(str(known[name].label) for name in names)
            for name in names:
                errors.setdefault(name, []).append(
                    _("The column “%(header)s” is chosen for %(fields)s: choose it once.")
                    % {"header": header, "fields": labels}
                )
    first, second = ONE_OF[kind]
    for field in missing_required(kind, mapping):
        if field.name == first and not mapping.get(second):
            errors.setdefault(first, []).append(
                _("Choose the column with the student’s NSN or the school’s own id.")
            )
        else:
            errors.setdefault(field.name, []).append(_("Choose the column that holds this."))
    return errors


def import_map(*, job: ImportJob, by: User, mapping: dict[str, str], preset_name: str = ""):
    """Keep the columns chosen (and a named preset of them, if asked) and start the check.
    ``mapping``: field → one of the file's headers, or "" for a field not in the file."""
    require_leader(by, job.school_id)
    kind = kind_of(job)
    known = FIELD_BY_NAME[kind]
    mapping = {
        name: header.strip()
        for name, header in mapping.items()
        if name in known and header and header.strip()
    }
    errors = _mapping_errors(kind, mapping, job.headers)
    if errors:
        raise ValidationError(errors)
    preset_name = preset_name.strip()
    with transaction.atomic():
        started = ImportJob.objects.filter(pk=job.pk, status__in=MAPPABLE).update(
            mapping=mapping,
            status=ImportJob.Status.CHECKING,
            preview={},
            failure="",
            updated_at=timezone.now(),
        )
        if not started:
            raise ValidationError(
                _("This import has started or ended: its columns can no longer change.")
            )
        if preset_name:
            ImportPreset.objects.update_or_create(
                school_id=job.school_id,
                name=preset_name[:80],
                defaults={"mapping": mapping, "updated_by": by},
            )
        job.mapping, job.status, job.preview, job.failure = (
            mapping,
            ImportJob.Status.CHECKING,
            {},
            "",
        )
        transaction.on_commit(lambda: enqueue("import_check", job.pk))
    return job


def import_confirm(*, job: ImportJob, by: User, invite: bool) -> bool:
    """Start the import of a checked file. False when it had already started (a second
    click, another tab): it starts once."""
    require_leader(by, job.school_id)
    current = ImportJob.objects.filter(pk=job.pk).values("status", "preview", "options").first()
    if current is None:
        raise ValidationError(_("This import no longer exists."))
    status = current["status"]
    if status in (ImportJob.Status.IMPORTING, ImportJob.Status.DONE):
        return False
    if status != ImportJob.Status.CHECKED:
        raise ValidationError(_("This file has not been checked yet: wait for the preview."))
    blocking = current["preview"].get("blocking", 0)
    if blocking:
        raise ValidationError(
            _(
                "The preview found rows that cannot be imported as they are: fix them in the "
                "file and upload it again, or choose other columns."
            )
        )
    options = {**current["options"], "invite": bool(invite), "confirmed_by": by.pk}
    with transaction.atomic():
        started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
            status=ImportJob.Status.IMPORTING,
            options=options,
            progress_done=0,
            result={},
            failure="",
            updated_at=timezone.now(),
        )
        if started:
            transaction.on_commit(lambda: enqueue("import_apply", job.pk))
    if started:
        job.status, job.options, job.progress_done = ImportJob.Status.IMPORTING, options, 0
    return bool(started)


def _let_go(**extra) -> dict:
    """What an ended import keeps: not the file's rows."""
    return {"headers": [], "rows": [], "updated_at": timezone.now(), **extra}


def import_preset_delete(*, preset: ImportPreset, by: User) -> None:
    """Forget a saved set of columns, saying so in the school's audit trail."""
    require_leader(by, preset.school_id)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditEvent.Action.DELETED,
            obj=preset,
            summary=_("Deleted the saved columns “%(name)s”") % {"name": preset.name},
        )
        preset.delete()


def import_discard(*, job: ImportJob, by: User) -> None:
    """Let go of an import that has not started (or one that stopped): its rows are deleted.
    What a stopped import wrote stays, whole."""
    require_leader(by, job.school_id)
    if job.status == ImportJob.Status.DISCARDED:
        return
    ended = (
        ImportJob.objects.filter(pk=job.pk)
        .exclude(status__in=(ImportJob.Status.IMPORTING, ImportJob.Status.DONE))
        .update(**_let_go(status=ImportJob.Status.DISCARDED, finished_at=timezone.now()))
    )
    if not ended:
        raise ValidationError(_("This import is running or finished: it cannot be discarded."))
    job.status, job.headers, job.rows = ImportJob.Status.DISCARDED, [], []


def import_resume(*, job: ImportJob, by: User) -> None:
    """Carry on an import that stopped or whose worker died, from where it stopped: the
    parts already written are not written again."""
    require_leader(by, job.school_id)
    confirmed = "invite" in job.options
    if job.status == ImportJob.Status.FAILED:
        status = ImportJob.Status.IMPORTING if confirmed else ImportJob.Status.CHECKING
    elif job.status in (ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING):
        status = job.status
    else:
        raise ValidationError(_("There is nothing to resume: this import is not stopped."))
    with transaction.atomic():
        resumed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=status, failure="", updated_at=timezone.now()
        )
        if resumed:
            task = "import_apply" if status == ImportJob.Status.IMPORTING else "import_check"
            transaction.on_commit(lambda: enqueue(task, job.pk))
    job.status, job.failure = status, ""


def enqueue(task_name: str, job_id: int) -> None:
    """Hand a job to a worker. The broker being down is no error: the sweep starts it."""
    from partnerships.imports import tasks  # the task module imports this one

    try:
        getattr(tasks, task_name).delay(job_id)
    except Exception:  # any broker failure: import_sweep picks the job up
        logger.warning("could not reach the broker; the import sweep will start it", exc_info=True)


def imports_sweep(*, now: datetime.datetime | None = None) -> dict:
    """Start again the checks and imports a dead worker left; let go of the rows of imports
    that ended, or that were left unfinished for a week."""
    now = now or timezone.now()
    stalled = list(
        ImportJob.objects.filter(
            status__in=(ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING),
            updated_at__lt=now - STALLED,
        ).values_list("pk", "status")
    )
    for job_id, status in stalled:
        enqueue("import_apply" if status == ImportJob.Status.IMPORTING else "import_check", job_id)
    abandoned = ImportJob.objects.filter(
        status__in=(
            ImportJob.Status.MAPPING,
            ImportJob.Status.CHECKED,
            ImportJob.Status.FAILED,
        ),
        updated_at__lt=now - ABANDONED,
    ).update(**_let_go(status=ImportJob.Status.DISCARDED, finished_at=now))
    emptied = (
        ImportJob.objects.filter(status__in=(ImportJob.Status.DONE, ImportJob.Status.DISCARDED))
        .exclude(rows=[], headers=[])
        .update(**_let_go())
    )
    return {"restarted": len(stalled), "abandoned": abandoned, "emptied": emptied}
