"""The audit trail: the one way any app records who viewed or changed a student's record."""

from django.db import models
from django.utils.text import capfirst

from partnerships.models import AuditEvent, School


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    student=None,
    summary: str = "",
) -> AuditEvent:
    """Write one audit row. ``obj`` (or ``student``) must be or belong to a school."""
    if student is not None:
        school_id = student.school_id
    else:
        school_id = obj.pk if isinstance(obj, School) else obj.school_id
    return AuditEvent.objects.create(
        school_id=school_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        student=student,
        action=action,
        object_type=obj._meta.label_lower,  # stable, whatever language is active
        object_id=obj.pk,
        summary=summary[:300],
    )


def apply_changes(obj: models.Model, values: dict) -> list[str]:
    """Set each field of ``values`` that differs on ``obj``; the names of those that changed.

    Foreign keys may be given as objects or ``None``; many-to-many fields are not handled here.
    """
    changed = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current = getattr(obj, field.attname)
            new = value.pk if isinstance(value, models.Model) else value
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def apply_links(obj: models.Model, values: dict) -> list[str]:
    """Set each many-to-many field of ``values`` (iterables of objects) whose members differ
    from those stored; the names of those that changed. ``obj`` must be saved."""
    changed = []
    for name, objects in values.items():
        related = getattr(obj, name)
        wanted = {each.pk for each in objects}
        if wanted != set(related.values_list("pk", flat=True)):
            related.set(wanted)
            changed.append(name)
    return changed


def refuse_unknown(data: dict, allowed, *, what: str) -> None:
    """A write given a field it does not take is a programming error, said at once."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"{what} takes no {sorted(unknown)}")


def fields_summary(model: type[models.Model], names) -> str:
    """“Strengths, Interests”: changed fields by their labels, for an audit summary."""
    return ", ".join(str(capfirst(model._meta.get_field(name).verbose_name)) for name in names)
