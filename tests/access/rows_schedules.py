"""Rows for a round's schedule, door lists and who has not booked: the school's staff only
(a leader the whole round, a teacher their own times and students)."""

from django.urls import reverse

from tests.access.outcomes import GET_ONLY, PAGE, SAVED, Row, only
from tests.access.rows_conversations import SCHOOL_STAFF

ROWS = {
    "round_schedule": Row(
        url=lambda t: reverse("round_schedule", args=[t.booking.round_id]),
        get=only(SCHOOL_STAFF, PAGE),
        post=GET_ONLY,
    ),
    "round_door_lists": Row(
        url=lambda t: reverse("round_door_lists", args=[t.booking.round_id]),
        get=only(SCHOOL_STAFF, PAGE),
        post=GET_ONLY,
    ),
    # Each of the school's staff reminds the whānau of their own students who have not
    # booked (each has one with an email address in the test world); a leader any class.
    "round_not_booked": Row(
        url=lambda t: reverse("round_not_booked", args=[t.slot.round_id]),
        get=only(SCHOOL_STAFF, PAGE),
        post=only(SCHOOL_STAFF, SAVED),
        data=lambda t: {"classroom": ""},
    ),
}
