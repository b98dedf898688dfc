"""Writing reports: rounds, the teacher's draft, the student's reflection, and the steps to
publishing. Each write takes plain data, runs in one transaction, and is audited.

Draft (teacher) → with the student to reflect → ready → approved by a leader (where the school
asks for it) → published. Publishing freezes a version (``publishing.report_publish``);
editing a published report starts a correction, which goes home as the next version.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.models import Disposition, LearningArea
from partnerships import audit
from partnerships.access import leads, refuse_if_left, relation_to
from partnerships.models import AuditEvent, School, Student, User, Voice
from partnerships.school_settings import school_setting_set
from reports.content import section_labels
from reports.models import (
    DEFAULT_SCALE,
    AchievementLevel,
    DispositionProgress,
    Judgement,
    Report,
    ReportRound,
)

NAME_MAX = ReportRound._meta.get_field("name").max_length
COMMENT_MAX = Report._meta.get_field("teacher_comment").max_length
SUPPORT_MAX = Report._meta.get_field("support_note").max_length
REFLECTION_MAX = Report._meta.get_field("student_reflection").max_length
SHORT_MAX = Judgement._meta.get_field("comment").max_length


def scale_for(school: School) -> list[AchievementLevel]:
    """The school's achievement scale, made from the default the first time it is needed."""
    levels = list(AchievementLevel.objects.filter(school=school))
    if not levels:
        AchievementLevel.objects.bulk_create(
            [
                AchievementLevel(school=school, name=name, position=n, is_concern=concern)
                for n, (name, concern) in enumerate(DEFAULT_SCALE)
            ],
            ignore_conflicts=True,
        )
        levels = list(AchievementLevel.objects.filter(school=school))
    return levels


def report_round_create(
    *,
    actor: User,
    school: School,
    name: str,
    period_starts_on: datetime.date,
    due_on: datetime.date,
    classes,
) -> ReportRound:
    """Open a round for some of the school's classes, with a draft report for each student.

    Only the school's leaders open rounds. ``classes``: the classes it covers.
    """
    if not leads(actor, school.pk):
        raise PermissionDenied(_("Only the school’s leaders open a round of reports."))
    name = (name or "").strip()
    classes = list(classes)
    errors = {}
    if not name:
        errors["name"] = _("Give the round a name, such as “Mid-year 2026”.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Please keep the name under %(limit)d characters.") % {"limit": NAME_MAX}
    elif ReportRound.objects.filter(school=school, name__iexact=name).exists():
        errors["name"] = _("The school already has a round called “%(name)s”.") % {"name": name}
    if due_on < period_starts_on:
        errors["due_on"] = _("Reports go home after the learning they cover begins.")
    if not classes:
        errors["classes"] = _("Choose the classes this round covers.")
    elif any(each.school_id != school.pk for each in classes):
        errors["classes"] = _("Choose classes of your own school.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            scale_for(school)
            round_ = ReportRound.objects.create(
                school=school,
                name=name,
                period_starts_on=period_starts_on,
                due_on=due_on,
                created_by=actor,
            )
            round_.classes.set(classes)
            students = Student.objects.filter(classroom__in=classes)
            Report.objects.bulk_create(
                [Report(round=round_, student=student) for student in students],
                ignore_conflicts=True,
            )
            audit.record(
                actor=actor,
                action=AuditEvent.Action.CREATED,
                obj=round_,
                summary=_("Report round opened: %(name)s") % {"name": name},
            )
    except IntegrityError as error:
        # Two leaders opening the same round at once: the second is told, as if it had waited.
        raise ValidationError(
            {"name": _("The school already has a round called “%(name)s”.") % {"name": name}}
        ) from error
    return round_


def reports_start_missing(*, actor: User, round_: ReportRound) -> int:
    """Draft reports for students who joined the round's classes since it opened."""
    if not leads(actor, round_.school_id):
        raise PermissionDenied(_("Only the school’s leaders open a round of reports."))
    with transaction.atomic():
        # Locked, so two clicks at once start each report once and count it once.
        ReportRound.objects.select_for_update().only("pk").get(pk=round_.pk)
        students = list(
            Student.objects.filter(classroom__in=round_.classes.all()).exclude(
                reports__round=round_
            )
        )
        if not students:
            return 0
        Report.objects.bulk_create([Report(round=round_, student=student) for student in students])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            obj=round_,
            summary=_("Draft reports started for %(count)d students who joined since")
            % {"count": len(students)},
        )
    return len(students)


def locked(report: Report) -> Report:
    """The report's row, locked for this transaction, as it is now."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("round__school", "student")
        .get(pk=report.pk)
    )


def _check_manager(actor: User, report: Report) -> None:
    if not relation_to(actor, report.student).can_manage:
        raise PermissionDenied(_("Only the student’s teachers and leaders write this report."))


def record(actor, report, summary: str, action=AuditEvent.Action.CHANGED) -> None:
    audit.record(actor=actor, action=action, obj=report, student=report.student, summary=summary)


def _too_long(text: str, limit: int) -> str:
    return _("Please keep this under %(limit)d characters (it has %(count)d).") % {
        "limit": limit,
        "count": len(text),
    }


def report_save(
    *,
    actor: User,
    report: Report,
    teacher_comment: str,
    support_note: str,
    judgements: dict[int, dict],
    dispositions: dict[int, dict],
) -> list[str]:
    """Save the school's part of a report; the names of the parts that changed.

    ``judgements``: learning area id → ``{"level": level id or None, "comment": str}``; a
    missing level removes the area from the report. ``dispositions``: disposition id →
    ``{"progress": a ``DispositionProgress.Progress`` value or "", "comment": str}``.
    Saving a published report starts a correction; saving an approved one asks for approval
    again.
    """
    _check_manager(actor, report)
    school_id = report.round.school_id
    teacher_comment = (teacher_comment or "").strip()
    support_note = (support_note or "").strip()
    errors = {}
    if len(teacher_comment) > COMMENT_MAX:
        errors["teacher_comment"] = _too_long(teacher_comment, COMMENT_MAX)
    if len(support_note) > SUPPORT_MAX:
        errors["support_note"] = _too_long(support_note, SUPPORT_MAX)
    areas = set(
        LearningArea.objects.filter(school_id=school_id, pk__in=judgements).values_list(
            "pk", flat=True
        )
    )
    levels = set(AchievementLevel.objects.filter(school_id=school_id).values_list("pk", flat=True))
    kept_dispositions = set(
        Disposition.objects.filter(school_id=school_id, pk__in=dispositions).values_list(
            "pk", flat=True
        )
    )
    if set(judgements) - areas or any(
        each.get("level") and each["level"] not in levels for each in judgements.values()
    ):
        errors["judgements"] = _("Choose a level of the school’s scale for each learning area.")
    if set(dispositions) - kept_dispositions or any(
        each.get("progress") and each["progress"] not in DispositionProgress.Progress.values
        for each in dispositions.values()
    ):
        errors["dispositions"] = _("Choose how each disposition is growing.")
    for each in [*judgements.values(), *dispositions.values()]:
        comment = (each.get("comment") or "").strip()
        if len(comment) > SHORT_MAX:
            errors["comments"] = _too_long(comment, SHORT_MAX)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        report = locked(report)
        changed = audit.apply_changes(
            report, {"teacher_comment": teacher_comment, "support_note": support_note}
        )
        if _save_judgements(report, judgements):
            changed.append("judgements")
        if _save_dispositions(report, dispositions):
            changed.append("dispositions")
        if not changed:
            return []
        if report.status == Report.Status.PUBLISHED:
            report.status = Report.Status.DRAFT  # a correction begins
        elif report.status == Report.Status.APPROVED:
            report.status = Report.Status.READY  # what was approved has changed
        report.written_by = actor
        report.save()
        record(
            actor,
            report,
            _("Report written: %(parts)s") % {"parts": ", ".join(section_labels(changed))},
        )
    return changed


def _save_judgements(report: Report, wanted: dict[int, dict]) -> bool:
    return _save_rows(report.judgements, "learning_area", "level", wanted)


def _save_dispositions(report: Report, wanted: dict[int, dict]) -> bool:
    return _save_rows(report.dispositions, "disposition", "progress", wanted)


def _save_rows(rows, subject: str, value: str, wanted: dict[int, dict]) -> bool:
    """Make ``rows`` (one per subject: a level or progress, and a comment) match ``wanted``:
    an empty value removes the row. Whether anything changed."""
    value_attr = rows.model._meta.get_field(value).attname  # level_id, or progress
    current = {getattr(row, f"{subject}_id"): row for row in rows.all()}
    changed = False
    for subject_id, each in wanted.items():
        chosen, comment = each.get(value), (each.get("comment") or "").strip()
        row = current.get(subject_id)
        if not chosen:
            if row is not None:
                row.delete()
                changed = True
        elif row is None:
            rows.create(**{f"{subject}_id": subject_id, value_attr: chosen, "comment": comment})
            changed = True
        elif (getattr(row, value_attr), row.comment) != (chosen, comment):
            setattr(row, value_attr, chosen)
            row.comment = comment
            row.save(update_fields=[value, "comment"])
            changed = True
    return changed


def _move(*, actor, report: Report, allowed: set, to: str, summary: str) -> bool:
    """Move a locked report from one of ``allowed`` to ``to``; False if it is there already."""
    with transaction.atomic():
        report = locked(report)
        if report.status == to:
            return False
        if report.status not in allowed:
            raise ValidationError(
                _("This report is “%(status)s” now, so that cannot be done.")
                % {"status": report.get_status_display()}
            )
        report.status = to
        report.save(update_fields=["status", "updated_at"])
        record(actor, report, summary)
    return True


def report_ask_reflection(*, actor: User, report: Report) -> bool:
    """Hand the draft to the student to write their reflection."""
    _check_manager(actor, report)
    return _move(
        actor=actor,
        report=report,
        allowed={Report.Status.DRAFT},
        to=Report.Status.REFLECTION,
        summary=_("Report given to the student to reflect on"),
    )


def report_mark_ready(*, actor: User, report: Report) -> bool:
    """The school's part and the student's reflection are done (a student may not write one)."""
    _check_manager(actor, report)
    return _move(
        actor=actor,
        report=report,
        allowed={Report.Status.DRAFT, Report.Status.REFLECTION},
        to=Report.Status.READY,
        summary=_("Report marked ready"),
    )


def report_approve(*, actor: User, report: Report) -> bool:
    """A leader of the school approves a ready report to go home."""
    if not leads(actor, report.round.school_id):
        raise PermissionDenied(_("Only the school’s leaders approve reports."))
    return _move(
        actor=actor,
        report=report,
        allowed={Report.Status.READY},
        to=Report.Status.APPROVED,
        summary=_("Report approved to go home"),
    )


def report_reflect(*, actor: User, report: Report, text: str) -> Report:
    """The student writes their reflection when their teacher asks for it (or rewrites the one
    they wrote, until the report is approved or published), and hands the report back ready."""
    if report.student.user_id is None or report.student.user_id != actor.pk:
        raise PermissionDenied(_("Only the student writes their own reflection."))
    refuse_if_left(report.student)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a few words about your learning.")})
    if len(text) > REFLECTION_MAX:
        raise ValidationError({"text": _too_long(text, REFLECTION_MAX)})
    with transaction.atomic():
        report = locked(report)
        if not (report.status == Report.Status.REFLECTION or _may_rewrite(report)):
            raise ValidationError(_("Your teacher is not asking for a reflection just now."))
        report.student_reflection = text
        report.reflected_at = timezone.now()
        report.status = Report.Status.READY
        report.save()
        record(actor, report, _("Reflection written by the student"))
    return report


def _may_rewrite(report: Report) -> bool:
    """A ready report whose reflection the student wrote for this version (not the one that
    went home before a correction): they may still change it."""
    if report.status != Report.Status.READY or report.reflected_at is None:
        return False
    return (
        not report.is_published
        or report.versions.filter(
            number=report.published_version, published_at__lt=report.reflected_at
        ).exists()
    )


def check_family(actor: User, report: Report) -> str:
    """The voice the student or their whānau write in on a report gone home; a leaver's report
    is kept to read only."""
    voice = relation_to(actor, report.student).voice
    if voice not in (Voice.WHANAU, Voice.STUDENT) or not report.is_published:
        raise PermissionDenied(_("The student and their whānau write this together."))
    refuse_if_left(report.student)
    return voice


def school_reports_approval_set(*, actor: User, school: School, required: bool) -> bool:
    """A leader says whether reports wait for a leader's approval; False if unchanged."""
    return school_setting_set(
        school=school,
        by=actor,
        name="reports_need_approval",
        value=required,
        summary=_("Reports need a leader’s approval: %(answer)s")
        % {"answer": _("yes") if required else _("no")},
    )
