"""The setup pages' queries: the school's settings and its terms."""

import datetime

from django.urls import reverse

from partnerships.models import Term
from tests.query_counts.pages import SIGNED_IN, Page
from tests.query_counts.scene import MORE


def _term(scene) -> Term:
    if "term" not in scene.__dict__:
        scene.__dict__["term"] = Term.objects.create(
            school=scene.world.school,
            name="Term 1 2026",
            starts_on=datetime.date(2026, 2, 2),
            ends_on=datetime.date(2026, 4, 17),
        )
    return scene.__dict__["term"]


def _more_terms(scene) -> list[str]:
    """Terms of the years after: each a row of the list."""
    names = []
    for year in range(2027, 2027 + MORE):
        term = Term.objects.create(
            school=scene.world.school,
            name=f"Term 3 {year}",
            starts_on=datetime.date(year, 7, 20),
            ends_on=datetime.date(year, 9, 25),
        )
        names.append(term.name)
    return names


PAGES = [
    # The school is the one roles_of read with the person's staff memberships.
    Page("school_settings", "leader", lambda s: reverse("school_settings"), SIGNED_IN),
    Page(
        "school_terms",
        "leader",
        lambda s: reverse("school_terms"),
        (*SIGNED_IN, "the school's terms"),
        given=_term,
        more=_more_terms,
    ),
    Page(
        "term_edit",
        "leader",
        lambda s: reverse("term_edit", args=[_term(s).pk]),
        (*SIGNED_IN, "the term, of the school I lead"),
    ),
]
# URL names with no GET page, each with what its POST does.
POST_ONLY: dict[str, str] = {
    "term_delete": "removes a term",
    "school_switch": "chooses which of a person's schools their pages are about",
    "staff_leave": "takes a member of staff off the school: they have left",
    "staff_restore": "puts a former member of staff back on the school",
}
