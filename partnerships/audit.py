"""The audit trail: the one way any app records who viewed or changed a student's record."""

from django.db import models

from partnerships.models import AuditEvent


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    student=None,
    summary: str = "",
) -> AuditEvent:
    """Write one audit row. ``obj`` (or ``student``) must belong to a school."""
    school_id = student.school_id if student is not None else obj.school_id
    return AuditEvent.objects.create(
        school_id=school_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        student=student,
        action=action,
        object_type=obj._meta.label_lower,  # stable, whatever language is active
        object_id=obj.pk,
        summary=summary[:300],
    )


def changes_summary(form) -> str:
    """“strengths, interests” from a bound model form's changed fields, by label."""
    return ", ".join(str(form.fields[name].label) for name in form.changed_data)
