"""A school's yes-or-no settings (leaders sign in with two factors, reports wait for approval,
each household books its own conversation): each changed by the school's leaders, and
audited on the school. The apps name their settings; this is how any of them is changed.
"""

from django.db import transaction

from partnerships import audit
from partnerships.access import require_leader
from partnerships.models import AuditEvent, School


def school_setting_set(*, school: School, by, name: str, value: bool, summary: str) -> bool:
    """Set the school's setting ``name`` to ``value``, saying ``summary`` in the audit trail;
    whether anything changed (setting it as it was records nothing)."""
    require_leader(by, school.pk)
    with transaction.atomic():
        changed = (
            School.objects.filter(pk=school.pk).exclude(**{name: value}).update(**{name: value})
        )
        if changed:
            setattr(school, name, value)
            audit.record(actor=by, action=AuditEvent.Action.CHANGED, obj=school, summary=summary)
    return bool(changed)
