"""The audit trail: the one way any app records who viewed or changed a student's record.

A change is one row, written by its service (``record``). A look is one row per visit
(``viewed``): the same person looking at the same thing of the same student again within
``VISIT`` adds nothing, so a leader reads who looked and when, not every reload.
"""

import datetime

from django.db import connection, models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from partnerships.models import AuditEvent, School, Student

# A second look at the same thing within this time is part of the same visit.
VISIT = datetime.timedelta(minutes=30)


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    student=None,
    summary: str = "",
    staff_note: str = "",
) -> AuditEvent:
    """Write one audit row. ``obj`` (or ``student``) must be or belong to a school.

    ``summary`` may be read by whānau and the student (a goal's history); what only staff may
    read (why a comment was hidden) goes in ``staff_note``."""
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
        staff_note=staff_note[:300],
    )


def record_many(*, actor, action: str, rows) -> None:
    """``record`` for many changes of one kind at once, in one query. ``rows``: for each, the
    object changed, its student (whose school the row belongs to) and the summary."""
    actor = actor if actor is not None and actor.is_authenticated else None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            school_id=student.school_id,
            actor=actor,
            student=student,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            summary=summary[:300],
        )
        for obj, student, summary in rows
    )


# In the order ``viewed`` writes them.
_VIEW_COLUMNS = (
    "school",
    "actor",
    "student",
    "action",
    "object_type",
    "object_id",
    "summary",
    "staff_note",
    "at",
)


def viewed(request, *, student, obj: models.Model | None = None, what: str = "") -> None:
    """Record that the signed-in person looked at a student's record, once a visit.

    ``student``: a ``Student``, its id, or a queryset of the students a page lists (a class
    list): then each of them gets the row, so each child's history shows who saw them listed.
    ``obj``: what was looked at, if not the student themselves; ``what``: the page, in words.
    One query whatever happens: an ``INSERT … SELECT`` that skips each student already having
    this person's row for this thing and page from the last ``VISIT``.
    """
    user = request.user
    if not user.is_authenticated:
        return
    if isinstance(student, QuerySet):
        ids_sql, ids_params = student.order_by().values("pk").query.sql_with_params()
        which, which_params = f"IN ({ids_sql})", list(ids_params)
    else:
        which, which_params = "= %s", [getattr(student, "pk", student)]
    q = connection.ops.quote_name
    student_id = f"s.{q(Student._meta.pk.column)}"
    if obj is None:
        object_type, object_id, object_params = Student._meta.label_lower, student_id, []
    else:
        object_type, object_id, object_params = obj._meta.label_lower, "%s", [obj.pk]
    now = timezone.now()
    at, since = (connection.ops.adapt_datetimefield_value(t) for t in (now, now - VISIT))
    fields = {name: AuditEvent._meta.get_field(name).column for name in _VIEW_COLUMNS}
    columns = ", ".join(q(column) for column in fields.values())
    same = " AND ".join(
        f"e.{q(fields[name])} = {value}"
        for name, value in [
            ("student", student_id),
            ("actor", "%s"),
            ("action", "%s"),
            ("object_type", "%s"),
            ("object_id", object_id),
            ("summary", "%s"),
        ]
    )
    what = what[:300]
    # Only names from the models and Django's own compiled SQL are put in; values are params.
    sql = (
        f"INSERT INTO {q(AuditEvent._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT s.{q(Student._meta.get_field('school').column)}, %s, {student_id}, %s, %s, "
        f"{object_id}, %s, '', %s "
        f"FROM {q(Student._meta.db_table)} s WHERE {student_id} {which} AND NOT EXISTS "
        f"(SELECT 1 FROM {q(AuditEvent._meta.db_table)} e WHERE {same} "
        f"AND e.{q(fields['at'])} > %s)"
    )
    action = AuditEvent.Action.VIEWED.value
    params = [user.pk, action, object_type, *object_params, what, at]
    params += [*which_params, user.pk, action, object_type, *object_params, what, since]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
