"""The import itself, after a leader confirmed its preview: classes first, then the rows in
parts of ``CHUNK``, each part in one transaction that also moves the job's progress on.

The school's row, then the job's, is locked while a part is written, and a part is planned
afresh from the database as it is then, under those locks (``checking.plan_job``). So a part is
written once: a second worker, a retry or a resume after a failure finds it done and goes on
from the next; the parts already written, whole, leave the same result as one clean run; and
the parts of two imports for one school take turns, so neither plans from records the other
is writing (two files naming the same new caregiver add them once). Rows that can no longer
be imported as they are (the school's data changed since the preview) are left out and
listed.

What it did (``ImportJob.result``): ``{"counts": …}`` as the preview's, counted as written
(``invitations``: those written), ``"skipped"``: the row errors of rows left out (the first
200, as the preview's errors), ``"skipped_count"``, and ``"classes_done"`` once the classes
are in. A stopped import's ``failure`` is a message id: ``failure_text`` shows it.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partnerships import audit, outbox
from partnerships.imports.checking import plan_job, read_job
from partnerships.imports.planning import Plan
from partnerships.imports.snapshot import targets_of
from partnerships.imports.values import describe
from partnerships.invitations import INVITATION, new_key, outbox_key
from partnerships.models import (
    AuditEvent,
    Classroom,
    ImportJob,
    Invitation,
    OutboxEmail,
    School,
    Student,
    User,
    WhanauLink,
    WhanauMember,
)

logger = logging.getLogger(__name__)

CHUNK = 250  # rows a part: a few hundred records, written in well under a second
SKIPPED_KEPT = 200
# Stored untranslated; shown with gettext in the reader's language.
STOPPED = gettext_noop(
    "The import stopped part-way. What it imported is complete, row by row: resume it to "
    "import the rest, with the same result as one run."
)


def apply_job(job_id: int, *, deadline=None) -> bool:
    """Import a confirmed job's rows until done or ``deadline``: True when nothing is left
    (finished, stopped, or not importing), False when time ran out first."""
    job = ImportJob.objects.select_related("school").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.IMPORTING:
        return True
    try:
        return _apply(job, deadline)
    except Exception:
        logger.exception("import %s stopped", job_id)
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.IMPORTING).update(
            status=ImportJob.Status.FAILED, failure=STOPPED, updated_at=timezone.now()
        )
        return True


def _locked(job: ImportJob) -> ImportJob | None:
    """The job, locked for this transaction, if it is still importing. The school is locked
    first: one part of one import of a school at a time, and always in this order, so two
    imports wait for each other rather than deadlock."""
    School.objects.lock(job.school_id)
    locked = ImportJob.objects.select_for_update().filter(pk=job.pk).first()
    return locked if locked is not None and locked.status == ImportJob.Status.IMPORTING else None


def _apply(job: ImportJob, deadline) -> bool:
    today = timezone.localdate(timezone=job.school.zone)
    actor = User.objects.filter(pk=job.options.get("confirmed_by")).first() or job.created_by
    if not job.result.get("classes_done"):
        _apply_classes(job, today)
    rows = read_job(job, today)
    targets = targets_of(job.school, rows)
    first_row = job.header_row + 1
    while True:
        with transaction.atomic():
            locked = _locked(job)
            if locked is None:
                return True
            start = locked.progress_done
            if start >= len(job.rows):
                _finish(locked, actor)
                return True
            chunk = [row for row in rows if start <= row.number - first_row < start + CHUNK]
            plan = plan_job(job, chunk, today=today, targets=targets)
            invited = _write(plan, job, actor)
            counts = {**plan.counts, "invitations": invited}
            skipped = [error for row in chunk if row.blocked for error in row.errors]
            locked.progress_done = min(start + CHUNK, len(job.rows))
            locked.result = _merged(locked.result, counts, skipped)
            locked.save(update_fields=["progress_done", "result", "updated_at"])
        if deadline is not None and timezone.now() >= deadline:
            return False


def _apply_classes(job: ImportJob, today) -> None:
    """The classes the rows name, made or back in use, and their teachers added: before any
    student, so every part finds its classes."""
    with transaction.atomic():
        locked = _locked(job)
        if locked is None or locked.result.get("classes_done"):
            return
        # Its own reading of the rows: planning notes each row's problems on it.
        plan = plan_job(job, read_job(job, today), today=today)
        created = Classroom.objects.bulk_create(plan.new_classes.values())
        by_name = {c.name.casefold(): c for c in created}
        if plan.reopened:
            Classroom.objects.filter(pk__in=[c.pk for c in plan.reopened]).update(archived_on=None)
        if plan.new_teachers:
            classes = {
                c.name.casefold(): c.pk for c in Classroom.objects.filter(school=job.school)
            } | {name: c.pk for name, c in by_name.items()}
            Classroom.teachers.through.objects.bulk_create(
                [
                    Classroom.teachers.through(classroom_id=classes[name], user_id=user_id)
                    for name, user_id in plan.new_teachers
                ],
                ignore_conflicts=True,
            )
        locked.result = {
            **locked.result,
            "classes_done": True,
            "counts": {"classes": plan.counts["classes"]},
        }
        locked.save(update_fields=["result", "updated_at"])


def _merged(result: dict, counts: dict, skipped: list) -> dict:
    total = result.get("counts", {})
    for name, value in counts.items():
        if name in ("classes", "rows"):
            continue
        if isinstance(value, dict):
            bucket = total.setdefault(name, {})
            for key, number in value.items():
                bucket[key] = bucket.get(key, 0) + number
        else:
            total[name] = total.get(name, 0) + value
    kept = result.get("skipped", [])
    return {
        **result,
        "counts": total,
        "skipped": (kept + skipped)[:SKIPPED_KEPT],
        "skipped_count": result.get("skipped_count", 0) + len(skipped),
    }


def _write(plan: Plan, job: ImportJob, actor) -> int:
    """Write one part's plan; the number of invitations written."""
    now = timezone.now()
    new_students = [student for _row, student, _key in plan.new_students]
    Student.objects.bulk_create(new_students)
    changed_fields = {name for _row, _s, names in plan.changed_students for name in names}
    if plan.changed_students:
        for _row, student, _names in plan.changed_students:
            student.updated_at = now
        Student.objects.bulk_update(
            [student for _row, student, _names in plan.changed_students],
            [*changed_fields, "updated_at"],
        )
    WhanauMember.objects.bulk_create(plan.new_members.values())
    if plan.changed_members:
        fields = {name for _member, names in plan.changed_members.values() for name in names}
        WhanauMember.objects.bulk_update(
            [member for member, _names in plan.changed_members.values()], fields
        )
    touched: dict[int, list[str]] = {}  # existing student pk → what changed about their whānau
    for skey, mkey, link in plan.new_links:
        link.student, link.whanau = plan.students[skey], plan.members[mkey]
        touched.setdefault(link.student.pk, []).append(link.whanau.name)
    WhanauLink.objects.bulk_create([link for _s, _m, link in plan.new_links])
    if plan.changed_links:
        WhanauLink.objects.bulk_update(
            [link for link, _names in plan.changed_links],
            ["relationship", "has_access", "receives_weekly_update"],
        )
        names = {m.pk: m.name for m in plan.members.values() if m.pk}
        for link, _names in plan.changed_links:
            touched.setdefault(link.student_id, []).append(names.get(link.whanau_id, ""))
    invited = _invite(plan, job, actor) if job.options.get("invite") else 0
    _audit(plan, job, actor, new_students, touched)
    return invited


def _audit(plan: Plan, job: ImportJob, actor, new_students, touched) -> None:
    created = {student.pk for student in new_students}
    audit.record_many(
        actor=actor,
        action=AuditEvent.Action.CREATED,
        rows=[
            (student, student, _("Added by the import of %(file)s") % {"file": job.filename})
            for student in new_students
        ],
    )
    changed = {student.pk: (student, names) for _row, student, names in plan.changed_students}
    students = {s.pk: s for s in plan.students.values() if s.pk}
    details = _member_changes(plan, students)
    rows = []
    for pk in sorted(set(changed) | set(touched) | set(details)):
        if pk in created:
            continue
        student, names = changed.get(pk, (students.get(pk), []))
        parts = [audit.fields_summary(Student, names)] if names else []
        if touched.get(pk):
            parts.append(_("whānau: %(names)s") % {"names": ", ".join(sorted(touched[pk]))})
        if details.get(pk):
            parts.append(
                _("whānau details: %(changes)s") % {"changes": "; ".join(sorted(details[pk]))}
            )
        summary = _("Changed by the import of %(file)s: %(what)s") % {
            "file": job.filename,
            "what": "; ".join(parts),
        }
        rows.append((student, student, summary))
    audit.record_many(actor=actor, action=AuditEvent.Action.CHANGED, rows=rows)


def _member_changes(plan: Plan, students: dict) -> dict[int, list[str]]:
    """What the part changed about whānau members, for each child they are whānau of, in
    the file or not (“Aroha Ngata: Phone, Email”); ``students`` gains those not in it. A
    leaver's record has nothing added."""
    if not plan.changed_members:
        return {}
    details: dict[int, list[str]] = {}
    links = WhanauLink.objects.filter(
        whanau_id__in=plan.changed_members, student__left_on__isnull=True
    ).select_related("student")
    for link in links:
        member, names = plan.changed_members[link.whanau_id]
        students.setdefault(link.student_id, link.student)
        details.setdefault(link.student_id, []).append(
            _("%(name)s: %(fields)s")
            % {"name": member.name, "fields": audit.fields_summary(WhanauMember, names)}
        )
    return details


def _invite(plan: Plan, job: ImportJob, actor) -> int:
    """Each new link with an email and access, to someone without an account and not already
    invited to this child, gets an invitation and its email, in this part's transaction."""
    invitations, keys = [], []
    for skey, mkey, relationship in plan.invitations:
        member, student = plan.members[mkey], plan.students[skey]
        invitation = Invitation(
            school_id=job.school_id,
            kind=Invitation.Kind.WHANAU,
            email=member.email,
            name=member.name,
            student=student,
            relationship=relationship,
            language=member.preferred_language,
            invited_by=actor,
        )
        keys.append(new_key(invitation))
        invitations.append(invitation)
    if not invitations:
        return 0
    Invitation.objects.bulk_create(invitations)
    outbox.enqueue_many(
        [
            OutboxEmail(
                key=outbox_key(invitation.pk, key),
                kind=INVITATION,
                params={"invitation": invitation.pk, "key": key},
                school_id=job.school_id,
            )
            for invitation, key in zip(invitations, keys, strict=True)
        ]
    )
    audit.record_many(
        actor=actor,
        action=AuditEvent.Action.INVITED,
        rows=[
            (
                invitation,
                invitation.student,
                _("Invited %(name)s (%(email)s)")
                % {"name": invitation.name, "email": invitation.email},
            )
            for invitation in invitations
        ],
    )
    return len(invitations)


def _finish(job: ImportJob, actor) -> None:
    """The last part is in: the import is done, its file's rows let go, and, if it changed
    anything, one audit row for the import as a whole."""
    counts = job.result.get("counts", {})
    changed = (
        sum(counts.get("students", {}).get(key, 0) for key in ("new", "changed"))
        + sum(counts.get("whanau", {}).get(key, 0) for key in ("new", "changed"))
        + sum(counts.get("links", {}).values())
        + sum(counts.get("classes", {}).values())
    )
    if changed:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            obj=job,
            summary=_(
                "Imported %(file)s: %(new)s new students, %(changed)s changed; %(whanau)s "
                "new whānau, %(whanau_changed)s whānau changed"
            )
            % {
                "file": job.filename,
                "new": counts.get("students", {}).get("new", 0),
                "changed": counts.get("students", {}).get("changed", 0),
                "whanau": counts.get("whanau", {}).get("new", 0),
                "whanau_changed": counts.get("whanau", {}).get("changed", 0),
            },
        )
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.headers, job.rows = [], []
    job.save(
        update_fields=["status", "finished_at", "headers", "rows", "updated_at"],
    )


def failure_text(job: ImportJob) -> str:
    """Why a job stopped, in the reader's language."""
    return describe({"message": job.failure}) if job.failure else ""
