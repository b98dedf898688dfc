"""The roles of the test world, what a role may get from a URL, and shorthands for the rows."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

# Attributes of the ``world`` fixture (tests/conftest.py), plus nobody signed in.
ROLES = (
    "anonymous",
    "leader",  # leads the school
    "teacher",  # teaches the student's class
    "other_teacher",  # teaches another class at the same school
    "whanau",  # linked to the student, with access
    "no_access_whanau",  # linked to the student, "no access / no contact"
    "other_whanau",  # whānau of another family at the same school
    "student_user",  # the student
    "other_school_leader",  # leads another school
)
SIGNED_IN = ROLES[1:]


@dataclass(frozen=True)
class Outcome:
    """What one role gets from one URL with one method.

    ``changes``: True when the request must write something (the body is a real change),
    False when it must leave every table of the project's apps as it was, None when the
    matrix does not say (a page that records who viewed it).
    """

    status: int
    to_sign_in: bool = False  # a 302 to the sign-in page (password or emailed code)
    changes: bool | None = None
    xfail: str = ""  # a known access bug: the cell is expected to fail until it is fixed

    def bug(self, reason: str) -> "Outcome":
        """The right outcome, which the app does not give yet: ``HIDDEN.bug("shows …")``.

        The cell is then a strict xfail: it says the bug is there, and fails once it is gone.
        """
        return replace(self, xfail=reason)


PAGE = Outcome(200)  # the page is shown
FORM_ERRORS = Outcome(200, changes=False)  # the page again, saying what to fix
SAVED = Outcome(302, changes=True)  # done, and sent on
SAVED_HERE = Outcome(200, changes=True)  # done, and said so on the same page
REDIRECT = Outcome(302)  # sent on elsewhere (not to sign in)
REFUSED = Outcome(302, changes=False)  # sent back, nothing done
HIDDEN = Outcome(404, changes=False)  # "no such page": must not learn it exists
SIGN_IN = Outcome(302, to_sign_in=True, changes=False)
NOT_ALLOWED = Outcome(405, changes=False)  # the view does not take this method


def only(allowed: Iterable[str], outcome: Outcome, *, others: Outcome = HIDDEN) -> dict:
    """``allowed`` get ``outcome``; other signed-in roles ``others``; signed out, sign in."""
    allowed = set(allowed)
    unknown = allowed - set(ROLES)
    assert not unknown, f"not a role: {unknown}"
    return {role: outcome if role in allowed else others for role in SIGNED_IN} | {
        "anonymous": outcome if "anonymous" in allowed else SIGN_IN
    }


def everyone(outcome: Outcome) -> dict:
    return dict.fromkeys(ROLES, outcome)


# Who stands where, for the student of the test world.
STAFF_OF_STUDENT = ("leader", "teacher")  # may manage the student's record
SEES_STUDENT = ("leader", "teacher", "whanau", "student_user")
ANY_STAFF = ("leader", "teacher", "other_teacher", "other_school_leader")  # their own school
ANY_LEADER = ("leader", "other_school_leader")  # their own school
WHANAU_WITH_ACCESS = ("whanau", "other_whanau")  # each their own family
# Roles that must never see the world's student at all (names, records, notes).
OUTSIDERS = (
    "anonymous",
    "other_teacher",
    "no_access_whanau",
    "other_whanau",
    "other_school_leader",
)

# A view decorated @login_required @require_POST, asked with GET.
POST_ONLY = only((), NOT_ALLOWED, others=NOT_ALLOWED)
# A page that only shows things: a POST is refused before anything is looked up.
GET_ONLY = everyone(NOT_ALLOWED)


@dataclass(frozen=True)
class Row:
    """One URL pattern: how to reach it in the test world, and what each role gets.

    ``url`` and ``data`` (the POST body) take the test's ``Things``, and make whatever the
    URL points at. A POST body is one that would succeed for a role allowed to post, so a
    refused role is seen to change nothing.
    """

    url: Callable
    get: dict
    post: dict
    data: Callable = field(default=lambda things: {})

    def __post_init__(self):
        for method, cells in (("GET", self.get), ("POST", self.post)):
            assert set(cells) == set(ROLES), f"{method} needs a cell for each role"
