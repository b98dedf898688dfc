"""What the apps above do when a staff member leaves a school, registered as they load.

An app adds an entry to ``STAFF_LEFT`` in its ``AppConfig.ready``; each function takes the
staff row and who marked them as left, runs inside ``staff_leave``'s transaction, and returns
lines for the leader: what it did, and what is left for a person to arrange.
"""

from partnerships.models import Staff, User
from partnerships.registry import Registry

STAFF_LEFT = Registry()


def staff_left(staff: Staff, by: User) -> list[str]:
    """Every app's part of someone leaving; the lines each says."""
    lines = []
    for entry in STAFF_LEFT:
        lines += entry.function(staff, by) or []
    return lines
