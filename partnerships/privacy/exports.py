"""Exports: a person's information for an access request, a whole school's data for a leader.

Asking queues an export and starts its build after the commit; a build writes the zip to a
temporary file, encrypts it into the export's file (``crypto``) and marks it ready, with the
request answered and the person emailed in the same transaction. A week later the sweep
deletes the file. Only the person an export is for downloads it, and each download is
audited. Summaries in the audit trail say what happened, never what the export holds.
"""

import datetime
import logging
import tempfile

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.access import leads
from partnerships.models import AuditEvent, PrivacyExport, PrivacyRequest, School
from partnerships.privacy import archive, crypto
from partnerships.privacy.export_mail import export_ready_enqueue
from partnerships.privacy.policy import is_officer

logger = logging.getLogger(__name__)

KEPT_FOR = datetime.timedelta(days=7)
# A queued export not built in this long was lost with its worker: the sweep builds it again.
STALLED = datetime.timedelta(minutes=10)
# One still not built after a day fails each time it is tried: it is given up, and says so.
GIVEN_UP = datetime.timedelta(days=1)
Status = PrivacyExport.Status


def _start(export_id: int) -> None:
    """Hand the build to a worker. The broker being down is no error: the sweep builds it."""
    from partnerships.privacy import export_tasks  # the task module imports this one

    try:
        export_tasks.build_export.delay(export_id)
    except Exception:  # any broker failure: sweep_exports picks the export up
        logger.warning("could not reach the broker; the export sweep will build it", exc_info=True)


def _queue_again(export: PrivacyExport) -> None:
    """A failed or expired export asked for again: built afresh, the same row."""
    export.status = Status.QUEUED
    export.created_at = timezone.now()
    export.save(update_fields=["status", "created_at"])


@transaction.atomic
def export_request(*, actor, request: PrivacyRequest, include_student: bool) -> PrivacyExport:
    """Queue the export answering an access request (one per request: asked twice, the same)."""
    if not is_officer(actor, request.school):
        raise PermissionDenied(_("Only the school’s privacy officer sends this."))
    locked = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if locked.kind != PrivacyRequest.Kind.ACCESS:
        raise PermissionDenied(_("Only a request for information is answered with an export."))
    existing = PrivacyExport.objects.filter(request=locked).first()
    if existing is not None:
        if existing.status == Status.FAILED:
            _queue_again(existing)
            transaction.on_commit(lambda: _start(existing.pk))
        request.status, request.include_student = locked.status, locked.include_student
        return existing
    if locked.status != PrivacyRequest.Status.OPEN:
        raise PermissionDenied(_("This request has already been answered."))
    locked.include_student = bool(include_student and locked.student_id)
    locked.save(update_fields=["include_student"])
    request.include_student = locked.include_student
    export = PrivacyExport.objects.create(
        school_id=locked.school_id, request=locked, recipient_id=locked.requester_id, asked_by=actor
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATED,
        obj=export,
        student=locked.student if locked.include_student else None,
        summary=(
            "Export of a person’s information queued, with the student’s record"
            if locked.include_student
            else "Export of a person’s information queued"
        ),
    )
    transaction.on_commit(lambda: _start(export.pk))
    return export


@transaction.atomic
def export_school(*, actor, school: School) -> PrivacyExport:
    """Queue an export of everything the school holds, for the leader who asked. While one is
    waiting to be built, asking again gives that one."""
    if not leads(actor, school.pk):
        raise PermissionDenied(_("Only the school’s leaders export its data."))
    # One queued export per school, whoever asks: the school's row is the lock.
    School.objects.select_for_update().filter(pk=school.pk).first()
    waiting = PrivacyExport.objects.filter(
        school=school, request__isnull=True, status=Status.QUEUED
    ).first()
    if waiting is not None:
        return waiting
    export = PrivacyExport.objects.create(school=school, recipient=actor, asked_by=actor)
    audit.record(
        actor=actor, action=AuditEvent.Action.CREATED, obj=export, summary="School export queued"
    )
    transaction.on_commit(lambda: _start(export.pk))
    return export


def _build_file(export: PrivacyExport):
    """The encrypted zip, in a temporary file (the caller closes it), and its size."""
    write = archive.write_school if export.request_id is None else archive.write_person
    with tempfile.TemporaryFile() as plain:
        write(export, plain)
        plain.seek(0)
        sealed = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the caller, who closes it)
        size = crypto.encrypt_stream(plain, sealed)
    sealed.seek(0)
    return sealed, size


def export_build(export_id: int) -> bool:
    """Build a queued export. Safe to run twice: one already ready or expired is left alone,
    and of two builds racing, the second's file is thrown away."""
    export = (
        PrivacyExport.objects.select_related("school", "request__requester", "request__student")
        .filter(pk=export_id)
        .first()
    )
    if export is None or export.status in (Status.READY, Status.EXPIRED):
        return False
    try:
        sealed, size = _build_file(export)
    except Exception:
        logger.exception("export %s could not be built", export_id)
        PrivacyExport.objects.filter(pk=export_id, status=Status.QUEUED).update(
            status=Status.FAILED
        )
        raise
    name = ""
    try:
        with sealed, transaction.atomic():
            locked = PrivacyExport.objects.select_for_update().filter(pk=export_id).first()
            if locked is None or locked.status in (Status.READY, Status.EXPIRED):
                return False
            now = timezone.now()
            locked.file.save(str(export_id), File(sealed), save=False)
            name = locked.file.name
            locked.status, locked.size = Status.READY, size
            locked.built_at, locked.expires_at = now, now + KEPT_FOR
            locked.save(update_fields=["file", "status", "size", "built_at", "expires_at"])
            _answered(locked, now)
            audit.record(
                actor=None,
                action=AuditEvent.Action.CHANGED,
                obj=locked,
                summary="Export built, ready to download for 7 days",
            )
    except Exception:
        if name:  # written, and its row never said so: nothing may point at it, so it goes
            PrivacyExport._meta.get_field("file").storage.delete(name)
        raise
    logger.info("export %s built (%s bytes)", export_id, size)
    return True


def _answered(export: PrivacyExport, now: datetime.datetime) -> None:
    """A person's export ready: their request is answered and they are told, at once."""
    if export.request_id is None:
        return
    PrivacyRequest.objects.filter(pk=export.request_id, status=PrivacyRequest.Status.OPEN).update(
        status=PrivacyRequest.Status.SENT, closed_at=now, closed_by_id=export.asked_by_id
    )
    export_ready_enqueue(export)


def export_expire(export: PrivacyExport) -> None:
    """Delete the file; the row stays, to say it was sent and has expired."""
    with transaction.atomic():
        locked = PrivacyExport.objects.select_for_update().get(pk=export.pk)
        if locked.status == Status.EXPIRED:
            return
        name = locked.file.name
        locked.file = ""
        locked.status = Status.EXPIRED
        locked.save(update_fields=["file", "status"])
        audit.record(
            actor=None, action=AuditEvent.Action.DELETED, obj=locked, summary="Export expired"
        )
    if name:
        locked.file.storage.delete(name)


def exports_sweep(*, now: datetime.datetime | None = None) -> dict:
    """Expired exports deleted; queued ones a dead worker left, built again."""
    now = now or timezone.now()
    expired = 0
    for export in PrivacyExport.objects.filter(
        status__in=(Status.READY, Status.FAILED), expires_at__lt=now
    ):
        export_expire(export)
        expired += 1
    PrivacyExport.objects.filter(status=Status.QUEUED, created_at__lt=now - GIVEN_UP).update(
        status=Status.FAILED
    )
    stalled = list(
        PrivacyExport.objects.filter(
            status=Status.QUEUED, created_at__lt=now - STALLED
        ).values_list("pk", flat=True)
    )
    for export_id in stalled:
        _start(export_id)
    return {"expired": expired, "restarted": len(stalled)}


def is_downloadable(export: PrivacyExport, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        export.status == Status.READY
        and bool(export.file)
        and export.expires_at is not None
        and export.expires_at > now
    )


def export_download(*, actor, export: PrivacyExport):
    """The export's plain bytes, a chunk at a time, for the person it is for; counted and
    audited. Raises ``crypto.ExportUnreadableError`` for a file that cannot be read."""
    if actor is None or actor.pk != export.recipient_id:
        raise PermissionDenied
    stored = export.file.open("rb")
    chunks = crypto.decrypt_chunks(stored)
    try:
        first = next(chunks, b"")
    except crypto.ExportUnreadableError:
        stored.close()
        raise
    with transaction.atomic():
        PrivacyExport.objects.filter(pk=export.pk).update(downloads=F("downloads") + 1)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.VIEWED,
            obj=export,
            summary="Export downloaded",
        )

    def body():
        try:
            yield first
            yield from chunks
        finally:
            stored.close()

    return body()


def exports_for(user):
    """The exports a person may download: those made for them, and nobody else's."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PrivacyExport.objects.none()
    return PrivacyExport.objects.filter(recipient=user)
