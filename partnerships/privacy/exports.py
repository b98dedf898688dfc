"""Exports: a person's information for an access request, a whole school's data for a leader.

Asking queues an export and starts its build after the commit; a build writes the zip to a
temporary file, encrypts it into the export's file (``crypto``) and marks it ready, with the
request answered and the person emailed in the same transaction. A week later the sweep
deletes the file. Only the person an export is for downloads it, and only while they still
may see what it holds (``exports_for``); each download is audited. Summaries in the audit
trail say what happened, never what the export holds.

A build takes a lock for its export (a PostgreSQL advisory lock, held by the worker's
connection, so a worker that dies lets it go): of two builds of one export, the second to
start leaves it to the first rather than building it again beside it.
"""

import contextlib
import datetime
import logging
import tempfile

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.access import leads, led_school_ids, own_whanau_links
from partnerships.models import AuditEvent, PrivacyExport, PrivacyRequest, School, Student
from partnerships.privacy import archive, crypto
from partnerships.privacy.export_mail import export_ready_enqueue
from partnerships.privacy.hooks import Subject
from partnerships.privacy.policy import is_officer
from partnerships.privacy.rows import child_of

logger = logging.getLogger(__name__)

KEPT_FOR = datetime.timedelta(days=7)
# A school's export copies every file it holds: minutes, not hours, well inside the broker's
# visibility timeout (an hour). The task is stopped at BUILD_SECONDS, and killed a minute on.
BUILD_SECONDS = 20 * 60
BUILD_KILLED_AFTER = BUILD_SECONDS + 60
# A queued export not built in this long was lost with its worker: the sweep builds it again.
# Longer than a build may run before it is killed, so a build still running is never
# started again beside itself (and if one were, the build lock turns it away).
STALLED = datetime.timedelta(seconds=BUILD_KILLED_AFTER) + datetime.timedelta(minutes=10)
# The advisory locks' namespace for export builds ("EXPT"), each export's id beneath it.
BUILD_LOCK = 0x45585054 << 32
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


def _child_theirs(request: PrivacyRequest) -> bool:
    subject = Subject(school=request.school, user=request.requester, student=request.student)
    return child_of(subject) is not None


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
    # Only a child the person may see now goes in: the download asks the same (``still_theirs``).
    locked.include_student = bool(include_student and locked.student_id) and _child_theirs(locked)
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
    """The encrypted zip, in a temporary file (the caller closes it), its size, and whether
    it holds a child's record."""
    with tempfile.TemporaryFile() as plain:
        if export.request_id is None:
            archive.write_school(export, plain)
            with_child = False
        else:
            with_child = archive.write_person(export, plain)
        plain.seek(0)
        sealed = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the caller, who closes it)
        size = crypto.encrypt_stream(plain, sealed)
    sealed.seek(0)
    return sealed, size, with_child


@contextlib.contextmanager
def _building(export_id: int):
    """Whether this build holds the export's lock: held until the build ends, or its worker's
    connection closes. SQLite (a developer's machine, one worker) has no such locks."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = BUILD_LOCK + export_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except Exception:  # a connection gone takes its lock with it
                logger.warning("export %s: its build lock could not be let go", export_id)


def export_build(export_id: int) -> bool:
    """Build a queued export. Safe to run twice: one already ready or expired is left alone,
    one being built by another worker is left to it, and of two builds racing past both, the
    second's file is thrown away."""
    with _building(export_id) as held:
        if not held:
            logger.info("export %s is being built already", export_id)
            return False
        return _build(export_id)


def _build(export_id: int) -> bool:
    export = (
        PrivacyExport.objects.select_related("school", "request__requester", "request__student")
        .filter(pk=export_id)
        .first()
    )
    if export is None or export.status in (Status.READY, Status.EXPIRED):
        return False
    try:
        sealed, size, with_child = _build_file(export)
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
            if export.request_id is not None and export.request.include_student and not with_child:
                # The child left out (no longer theirs to see): their own part stays theirs.
                PrivacyRequest.objects.filter(pk=export.request_id).update(include_student=False)
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
    try:
        chunks = crypto.decrypt_chunks(stored)
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


def still_theirs(user) -> Q:
    """Exports made for ``user`` that they may still have: a school's, while they lead it; a
    person's with a child's record in it, while the child is theirs to see (a whānau link
    with access, or the child themself); a person's without, always. A link later set to "no
    access / no contact" takes the child's record out of reach at once, not a week later."""
    with_child = Q(request__isnull=False, request__include_student=True)
    return (
        Q(request__isnull=True, school_id__in=led_school_ids(user))
        | Q(request__isnull=False, request__include_student=False)
        | with_child & Q(request__student_id__in=own_whanau_links(user).values("student_id"))
        | with_child & Q(request__student_id__in=Student.objects.filter(user=user).values("pk"))
    )


def exports_for(user):
    """The exports a person may download: those made for them, and nobody else's, while they
    may still see what they hold (``still_theirs``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PrivacyExport.objects.none()
    return PrivacyExport.objects.filter(still_theirs(user), recipient=user)
