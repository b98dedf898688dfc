"""The inquiry cycle for priority learners: adding a step, and the figures dashboards count.

Identify → know the learner → respond with deliberate actions → recognise impact → refocus.
The student's leaders and teachers write any stage; whānau with access add to the stages
that have a step shared with them, and what they write is always shared. Each step is
audited, and so is a student becoming a priority learner by a first "why" step.

The reads (``with_inquiry``, ``inquiry_summary``) take any queryset of students, so the
dashboards above can count the school, a class or a district, filtered as they like.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.models import InquiryStep, NextStep
from partnerships import audit
from partnerships.access import refuse_if_left, relation_to
from partnerships.models import AuditEvent, Student, User, Voice

STAGES = list(InquiryStep.Stage)  # the cycle's order
TEXT_MAX_LENGTH = InquiryStep._meta.get_field("text").max_length


def _check(*, stage: str, text: str, where: str) -> None:
    """A clear message for each thing to fix, before anything is written."""
    errors = {}
    if stage not in InquiryStep.Stage.values:
        errors["stage"] = _("Choose a stage of the inquiry.")
    if not text:
        errors["text"] = _("Write a few words for this step.")
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = _("Please keep a step under %(limit)d characters (it has %(count)d).") % {
            "limit": TEXT_MAX_LENGTH,
            "count": len(text),
        }
    if where and where not in NextStep.Where.values:
        errors["where"] = _("Choose at school, at home or both.")
    if errors:
        raise ValidationError(errors)


def inquiry_step_add(
    *,
    actor: User,
    student: Student,
    stage: str,
    text: str,
    where: str = "",
    shared: bool = False,
) -> InquiryStep:
    """Add a step to a student's inquiry, dated now and signed by ``actor``.

    Raises ``PermissionDenied`` for anyone who may not add this step (nothing is written)
    and ``ValidationError`` for a stage, text or place to fix. ``where`` is kept on
    deliberate actions only: it says where an action happens, and the other stages have none.
    A first "why" step from staff makes the student a priority learner.
    """
    refuse_if_left(student)
    relation = relation_to(actor, student)
    if not (relation.can_manage or relation.voice == Voice.WHANAU):
        raise PermissionDenied(_("Only the student’s teachers, leaders and whānau add to this."))
    text = (text or "").strip()
    _check(stage=stage, text=text, where=where)
    if stage != InquiryStep.Stage.RESPOND:
        where = ""
    if relation.voice == Voice.WHANAU:
        shared = True  # whānau write to the school: never a private note
    with transaction.atomic():
        if not relation.can_manage:
            shared_stage = InquiryStep.objects.filter(
                student=student, stage=stage, shared_with_whanau=True
            )
            if not shared_stage.exists():
                raise PermissionDenied(
                    _("Whānau add to the parts of the inquiry shared with them.")
                )
        step = InquiryStep.objects.create(
            student=student,
            stage=stage,
            text=text,
            where=where,
            shared_with_whanau=shared,
            author=actor,
            voice=relation.voice,
        )
        summary = _("Inquiry step added: %(stage)s") % {"stage": step.get_stage_display()}
        if shared:
            summary += " " + _("(shared with whānau)")
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            obj=step,
            student=student,
            summary=summary,
        )
        if relation.can_manage and stage == InquiryStep.Stage.IDENTIFY:
            _make_priority(actor=actor, student=student)
    return step


def _make_priority(*, actor: User, student: Student) -> None:
    # Conditional, so two first steps at once make one change and one audit row.
    made = Student.objects.filter(pk=student.pk, is_priority_learner=False).update(
        is_priority_learner=True, updated_at=timezone.now()
    )
    if made:
        student.is_priority_learner = True
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CHANGED,
            obj=student,
            student=student,
            summary=_("Now a priority learner: the inquiry has begun"),
        )


# Reads for the dashboards -------------------------------------------------------------------


def with_inquiry(students: QuerySet) -> QuerySet:
    """Each student with ``inquiry_stage`` (the stage of their latest step, or None) and
    ``inquiry_last_at`` (when it was written), as subqueries: no query per student."""
    latest = InquiryStep.objects.filter(student=OuterRef("pk")).order_by("-created_at", "-pk")
    return students.annotate(
        inquiry_stage=Subquery(latest.values("stage")[:1]),
        inquiry_last_at=Subquery(latest.values("created_at")[:1]),
    )


def inquiry_summary(students: QuerySet, *, now: datetime.datetime) -> list[dict]:
    """How many of the priority learners among ``students`` are at each stage, and the longest
    any of them has waited since their last step; in one query, grouped by the latest stage.

    One dict per stage in the cycle's order, after a first for those not started (no step
    yet): ``{"stage": value or "", "label": …, "count": n, "oldest_days": days or None}``.
    """
    # By id, so whatever joins, ordering or annotations ``students`` carries can't skew a count.
    ids = students.order_by().values("pk")
    priority = Student.objects.filter(pk__in=ids, is_priority_learner=True)
    rows = (
        with_inquiry(priority)
        .order_by()
        .values("inquiry_stage")
        .annotate(count=Count("pk"), oldest=Min("inquiry_last_at"))
    )
    found = {row["inquiry_stage"] or "": row for row in rows}
    stages = [("", _("Not started"))] + [(stage.value, str(stage.label)) for stage in STAGES]
    summary = []
    for value, label in stages:
        row = found.get(value, {})
        oldest = row.get("oldest")
        summary.append(
            {
                "stage": value,
                "label": label,
                "count": row.get("count", 0),
                "oldest_days": (now - oldest).days if oldest else None,
            }
        )
    return summary
