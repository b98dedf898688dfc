"""Sending a report home, and what the family writes back.

``report_publish`` runs the no-surprises check, freezes the next version, and tells each
whānau member with access and the student in the same transaction (``reports.notices``: a
notice each, emailed at their rhythm). Publishing twice publishes once. A leader may publish
a report the check held, with a reason that stays in the audit trail and on the version.

What the family writes back ("how you can help at home", responses) is told to the student's
teachers.

A class is published in the background (``publish_run_start``), one report per transaction:
the run's progress moves in the same transaction as the report it counts, so a worker that
dies part-way leaves a run the sweep continues where it stopped, never publishing twice.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.access import classes_visible_to, leads, relation_to, students_managed_by
from partnerships.models import AuditEvent, Classroom, User
from reports import content, notices, surprises
from reports.models import PublishRun, Report, ReportResponse, ReportRound, ReportVersion
from reports.services import check_family, locked, record

REASON_MAX = ReportVersion._meta.get_field("override_reason").max_length
TEXT_MAX = Report._meta.get_field("home_help").max_length
RESPONSE_MAX = ReportResponse._meta.get_field("body").max_length
STALLED = datetime.timedelta(minutes=1)

logger = logging.getLogger(__name__)


class HeldError(Exception):
    """The no-surprises check held the report: ``unraised`` says what, and with whom."""

    def __init__(self, unraised: list[surprises.Unraised]):
        super().__init__("held by the no-surprises check")
        self.unraised = unraised


@dataclass
class Published:
    version: ReportVersion
    created: bool  # False when it had been published already


def may_publish(actor: User, report: Report) -> bool:
    """Ready where no approval is needed, approved where it is; a leader's publishing is
    their approval."""
    if report.status == Report.Status.APPROVED:
        return True
    if report.status != Report.Status.READY:
        return False
    return not report.round.school.reports_need_approval or leads(actor, report.round.school_id)


def report_publish(
    *, actor: User, report: Report, reason: str = "", now: datetime.datetime | None = None
) -> Published:
    """Publish the report as its next version, and tell its whānau.

    Raises ``HeldError`` when the no-surprises check holds it (a leader passes ``reason`` to
    publish anyway), ``ValidationError`` when it is not ready, ``PermissionDenied`` for anyone
    but the student's teachers and leaders.
    """
    if not relation_to(actor, report.student).can_manage:
        raise PermissionDenied(_("Only the student’s teachers and leaders publish this report."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {
                "reason": _("Please keep the reason under %(limit)d characters.")
                % {"limit": REASON_MAX}
            }
        )
    now = now or timezone.now()
    with transaction.atomic():
        report = locked(report)
        if report.status == Report.Status.PUBLISHED:
            return Published(report.versions.get(number=report.published_version), False)
        if not may_publish(actor, report):
            raise ValidationError(_not_ready(report))
        unraised = surprises.unraised(report, now=now)
        if not unraised or (reason and leads(actor, report.round.school_id)):
            version = _freeze(actor=actor, report=report, now=now, unraised=unraised, reason=reason)
            return Published(version, True)
    _remember_held(report.pk, unraised, now)
    raise HeldError(unraised)


def _remember_held(report_id: int, unraised, now) -> None:
    """Kept outside the refused publishing, so leaders' dashboards count what the check held."""
    Report.objects.filter(pk=report_id).update(
        held_at=now, held=[each.as_data() for each in unraised]
    )


def _not_ready(report: Report) -> str:
    if report.status == Report.Status.READY:
        return _("A leader approves this report before it goes home.")
    return _("This report is not ready yet: mark it ready first.")


def _freeze(*, actor, report: Report, now, unraised, reason: str) -> ReportVersion:
    """The next version, the report marked published, the family told and the audit row."""
    before = (
        report.versions.get(number=report.published_version).content
        if report.is_published
        else None
    )
    frozen = content.snapshot(report)
    version = ReportVersion.objects.create(
        report=report,
        number=report.published_version + 1,
        content=frozen,
        changed=content.changed_sections(before, frozen),
        published_by=actor,
        published_at=now,
        unraised=[each.as_data() for each in unraised],
        override_reason=reason if unraised else "",
    )
    report.status = Report.Status.PUBLISHED
    report.published_version = version.number
    report.held_at, report.held = None, []
    report.save(update_fields=["status", "published_version", "held_at", "held", "updated_at"])
    notices.report_published_notify(report=report, version=version, actor=actor, now=now)
    summary = _("Report published (version %(number)d)") % {"number": version.number}
    if unraised:
        # The reason first: a summary is cut at 300 characters, and the reason (at most
        # REASON_MAX) must survive whole; the version keeps the full list of concerns.
        summary += ". " + _(
            "Published anyway by a leader. Reason: %(reason)s. Not talked through: %(what)s"
        ) % {
            "reason": reason,
            "what": "; ".join(each.concern.label for each in unraised),
        }
    record(actor, report, summary)
    return version


def report_home_help_save(*, actor: User, report: Report, text: str) -> Report:
    """The student and whānau write "how you can help at home" (after publication)."""
    voice = check_family(actor, report)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a few words about how you will help at home.")})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {"text": _("Please keep this under %(limit)d characters.") % {"limit": TEXT_MAX}}
        )
    with transaction.atomic():
        report = locked(report)
        if report.home_help == text:
            return report
        report.home_help = text
        report.home_help_by = actor
        report.home_help_voice = voice
        report.home_help_at = timezone.now()
        report.save(
            update_fields=[
                "home_help",
                "home_help_by",
                "home_help_voice",
                "home_help_at",
                "updated_at",
            ]
        )
        record(actor, report, _("“How you can help at home” written"))
        notices.home_help_notify(report=report, by=actor)
    return report


def report_respond(*, actor: User, report: Report, body: str) -> ReportResponse:
    """Whānau or the student say something back to the school about the report."""
    voice = check_family(actor, report)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your response first.")})
    if len(body) > RESPONSE_MAX:
        raise ValidationError(
            {
                "body": _("Please keep a response under %(limit)d characters.")
                % {"limit": RESPONSE_MAX}
            }
        )
    with transaction.atomic():
        response = ReportResponse.objects.create(
            report=report, author=actor, voice=voice, body=body
        )
        record(actor, report, _("Response to the report"), action=AuditEvent.Action.CREATED)
        notices.response_notify(response=response, by=actor)
    return response


def publish_run_start(*, actor: User, round_: ReportRound, classroom: Classroom) -> PublishRun:
    """Publish a class's reports in the background; the run shows progress as it goes.

    Only the school's leaders and the class's teachers start one. While a run of the class is
    under way, starting again (a double click, a second tab) returns that run.
    """
    if not classes_visible_to(actor).filter(pk=classroom.pk, school_id=round_.school_id).exists():
        raise PermissionDenied(_("Only the class’s teachers and leaders publish its reports."))
    if not round_.classes.filter(pk=classroom.pk).exists():
        raise PermissionDenied(_("This round does not cover that class."))
    with transaction.atomic():
        # Locked, so two clicks at once start one run.
        ReportRound.objects.select_for_update().only("pk").get(pk=round_.pk)
        running = (
            PublishRun.objects.filter(round=round_, classroom=classroom)
            .exclude(status=PublishRun.Status.DONE)
            .first()
        )
        if running is not None:
            return running
        ids = list(
            Report.objects.filter(
                round=round_,
                student__classroom=classroom,
                student__in=students_managed_by(actor),
            )
            .exclude(status=Report.Status.PUBLISHED)
            .order_by("student__last_name", "student__first_name", "pk")
            .values_list("pk", flat=True)
        )
        run = PublishRun.objects.create(
            round=round_, classroom=classroom, started_by=actor, report_ids=ids
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            obj=round_,
            summary=_("Publishing %(count)d reports of %(classroom)s in the background")
            % {"count": len(ids), "classroom": classroom.name},
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from reports.tasks import publish_class  # the task module imports this one

    try:
        publish_class.delay(run_id)
    except Exception:  # the broker is down: the sweep starts the run within a minute
        logger.warning("could not reach the broker; the run sweep will start it", exc_info=True)


def publish_run_step(run_id: int) -> bool:
    """Publish the run's next report; False once it is done. One transaction each."""
    with transaction.atomic():
        run = PublishRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:  # its round was deleted since: nothing is left to publish
            return False
        if run.done >= run.total:
            if run.status != PublishRun.Status.DONE:
                run.status, run.finished_at = PublishRun.Status.DONE, timezone.now()
                run.save(update_fields=["status", "finished_at"])
            return False
        report = Report.objects.filter(pk=run.report_ids[run.done]).first()
        if report is None:
            pass  # deleted since the run began: nothing to publish or list
        elif run.started_by is None:
            run.not_ready.append(report.pk)  # whoever started it has gone: publish by hand
        else:
            _publish_in_run(run, report)
        run.done += 1
        run.status = PublishRun.Status.RUNNING
        run.heartbeat_at = timezone.now()
        run.save()
    return True


def _publish_in_run(run: PublishRun, report: Report) -> None:
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: one report's failure leaves the run going
            result = report_publish(actor=run.started_by, report=report, now=now)
    except HeldError as held:
        # The savepoint took back what report_publish remembered of the hold: again, outside it.
        _remember_held(report.pk, held.unraised, now)
        run.held.append(report.pk)
    except (ValidationError, PermissionDenied):
        run.not_ready.append(report.pk)
    else:
        run.published += int(result.created)


def publish_run_continue(run_id: int, *, deadline: datetime.datetime | None = None) -> None:
    """Publish the rest of the run, until it is done or ``deadline`` is near."""
    while deadline is None or timezone.now() < deadline:
        if not publish_run_step(run_id):
            return


def stalled_runs(now: datetime.datetime | None = None):
    """Runs nobody has moved for a while: their worker died, or never got the task."""
    now = now or timezone.now()
    return (
        PublishRun.objects.exclude(status=PublishRun.Status.DONE)
        .filter(created_at__lt=now - STALLED)
        .exclude(heartbeat_at__gte=now - STALLED)
    )
