"""One row per page and role: its URL, each SQL query it makes, and what it lists.

``queries`` names every query in the order the page makes them; the test pins their
number exactly. ``more`` adds ``MORE`` rows of what the page lists: the count must not
change, so a query made per row fails the test. A page whose count does grow is an N+1
to fix in the app: its row says so in ``grows``, and the test is a strict xfail.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.query_counts.scene import Scene

# Every signed-in page: the session, its user, and the person's roles (``roles_of``), which
# the time-zone middleware needs on every page.
SIGNED_IN = (
    "session",
    "user",
    "roles: staff memberships, with their schools",
    "roles: whānau with access? own student? their time zones",
)
# ``relation_to``: is the person the student's whānau, do they manage them, lead their school.
RELATION = "relation: whānau? manages? leads? (one query)"
# A page that shows a student's record writes who viewed it (``audit.viewed``): one
# conditional INSERT, which adds nothing when this visit already has its row.
AUDIT_VIEWED = ("audit: INSERT the 'viewed' event, unless this visit has one",)
# A page listing students (a class list): the same, one INSERT … SELECT for all of them.
AUDIT_LISTED = ("audit: INSERT a 'viewed' event for each student listed, unless they have one",)


@dataclass(frozen=True)
class Page:
    name: str  # the URL name
    role: str  # a World attribute, or "anonymous"
    url: Callable[[Scene], str]
    queries: tuple[str, ...]
    # Makes what the page shows at its first size, beyond what ``url`` itself needs.
    given: Callable[[Scene], object] | None = None
    more: Callable[[Scene], list[str]] | None = None
    # The role must not see what ``more`` adds (for example whānau on a student's page).
    more_hidden: bool = False
    status: int = 200
    grows: str = ""  # a known N+1, with the counts seen at both sizes

    def __str__(self) -> str:
        return f"{self.name}-{self.role}"
