"""Rows for the setup pages: the school's settings and terms, switching school, staff who leave."""

import datetime

from django.urls import reverse
from django.utils import timezone

from partnerships.models import Staff, Term
from tests import factories
from tests.access.outcomes import (
    ANY_LEADER,
    ANY_STAFF,
    PAGE,
    POST_ONLY,
    SAVED,
    Outcome,
    Row,
    only,
)

# The switch keeps its choice in the session (in the cache here): no table changes.
SWITCHED = Outcome(302, changes=False)


def _term(things) -> Term:
    """A term of the world's school, made once per test."""
    if "term" not in things.__dict__:
        things.__dict__["term"] = Term.objects.create(
            school=things.world.school,
            name="Term 1 2026",
            starts_on=datetime.date(2026, 2, 2),
            ends_on=datetime.date(2026, 4, 17),
        )
    return things.__dict__["term"]


def _former(things) -> Staff:
    """A teacher of the world's school who left last week."""
    if "former" not in things.__dict__:
        things.__dict__["former"] = factories.StaffFactory(
            school=things.world.school, left_at=timezone.now() - datetime.timedelta(days=7)
        )
    return things.__dict__["former"]


def _settings_body(things) -> dict:
    """The school's settings, with the transition conversation due a week later."""
    return {
        "name": "Kōwhai School",
        "timezone": "Pacific/Auckland",
        "weekly_update_weekday": "4",
        "weekly_update_time": "15:00",
        "languages": ["en", "mi"],
        "transition_days": "28",
        "update_reminder_hours": "24",
        "updates_need_approval": "on",
    }


def _terms_body(things) -> dict:
    """One new term (next year's first), the other rows left as they were offered."""
    return {
        "term-TOTAL_FORMS": "4",
        "term-INITIAL_FORMS": "0",
        "term-MIN_NUM_FORMS": "0",
        "term-MAX_NUM_FORMS": "4",
        "term-0-name": "Term 1 2030",
        "term-0-starts_on": "2030-02-04",
        "term-0-ends_on": "2030-04-12",
    }


ROWS = {
    # Each leader, for the school they lead (never another's).
    "school_settings": Row(
        url=lambda t: reverse("school_settings"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, SAVED),
        data=_settings_body,
    ),
    "school_terms": Row(
        url=lambda t: reverse("school_terms"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, SAVED),
        data=_terms_body,
    ),
    # A term of the world's school: its leader only; another school's leader gets no page.
    "term_edit": Row(
        url=lambda t: reverse("term_edit", args=[_term(t).pk]),
        get=only(("leader",), PAGE),
        post=only(("leader",), SAVED),
        data=lambda t: {"name": "Term One", "starts_on": "2026-02-02", "ends_on": "2026-04-17"},
    ),
    "term_delete": Row(
        url=lambda t: reverse("term_delete", args=[_term(t).pk]),
        get=POST_ONLY,
        post=only(("leader",), SAVED),
    ),
    # Staff choose among their own schools (the world's school is not the other leader's:
    # they are told so, and nothing changes).
    "school_switch": Row(
        url=lambda t: reverse("school_switch"),
        get=POST_ONLY,
        post=only(ANY_STAFF, SWITCHED),
        data=lambda t: {"school": t.world.school.pk},
    ),
    # The world's school's leader, for its staff.
    "staff_leave": Row(
        url=lambda t: reverse(
            "staff_leave", args=[Staff.objects.get(user=t.world.other_teacher).pk]
        ),
        get=POST_ONLY,
        post=only(("leader",), SAVED),
    ),
    "staff_restore": Row(
        url=lambda t: reverse("staff_restore", args=[_former(t).pk]),
        get=POST_ONLY,
        post=only(("leader",), SAVED),
    ),
}
