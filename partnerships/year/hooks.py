"""What the apps above do at the end of a school year, registered as they load.

An app adds an entry to ``YEAR_END`` in its ``AppConfig.ready``::

    @YEAR_END.register("conversations", preview=rounds_to_close)
    def rounds_close(school, by): ...

``preview(school)`` says in plain words what it would do (a list of lines, nothing written);
the function itself does it, inside the year rollover's transaction. The ground floor runs
them without naming the apps.
"""

from partnerships.models import School, User
from partnerships.registry import Registry

YEAR_END = Registry()


def year_end_preview(school: School) -> list[str]:
    """Every app's lines of what the year's end will do at this school."""
    lines = []
    for entry in YEAR_END:
        lines += entry.details["preview"](school)
    return lines


def year_end_apply(school: School, by: User) -> list[str]:
    """Run every app's year end; the lines each says it did, for the audit summary."""
    done = []
    for entry in YEAR_END:
        done += entry.function(school, by) or []
    return done
