"""A round's schedule, door lists and who has not booked: the same queries for a school's
whole round as for one booking (more teachers, days, bookings, children and classes)."""

from django.urls import reverse

from tests.query_counts.pages import AUDIT_LISTED, SIGNED_IN, Page

ROUND = "the round, with school, if at my school"
TIMES = (
    "the times shown, with their teachers",
    "their active bookings, with child, class and whānau member (prefetch)",
)
NOT_BOOKED_SUMMARY = (
    ROUND,
    "per class: children, and those not booked",
    "per class: whānau members a reminder would reach (their ids, to count them in all)",
)
NOT_BOOKED_END = ("reminders sent in the round, with who sent them",)
NOT_BOOKED_CHILDREN = (
    *AUDIT_LISTED,
    "children not booked, with class",
    "their whānau with access, with households",
    "their active bookings in the round",
    "reminders they were sent in the round",
)


def _schedule(scene) -> str:
    return reverse("round_schedule", args=[scene.round.pk])


def _door_lists(scene) -> str:
    return reverse("round_door_lists", args=[scene.round.pk])


def _not_booked(scene) -> str:
    return reverse("round_not_booked", args=[scene.round.pk])


PAGES = [
    Page(
        "round_schedule",
        "leader",
        _schedule,
        (
            *SIGNED_IN,
            ROUND,
            "teachers offering times in the round (a filter)",
            "the days of the round's times (a filter)",
            *TIMES,
            *AUDIT_LISTED,
            "per day: times, booked, childcare, interpreters, accessible rooms",
            "interpreters per language and time",
            "class teachers of the round with no times in it",
        ),
        given=lambda s: s.schedule,
        more=lambda s: s.more_on_schedule(),
    ),
    Page(
        "round_schedule",
        "teacher",
        _schedule,
        (*SIGNED_IN, ROUND, "the days of my times (a filter)", *TIMES, *AUDIT_LISTED),
        given=lambda s: s.schedule,
        more=lambda s: s.more_on_schedule(own_only=True),
    ),
    Page(
        "round_door_lists",
        "leader",
        _door_lists,
        (*SIGNED_IN, ROUND, *TIMES, *AUDIT_LISTED),
        given=lambda s: s.schedule,
        more=lambda s: s.more_on_schedule(),
    ),
    Page(
        "round_door_lists",
        "teacher",
        _door_lists,
        (*SIGNED_IN, ROUND, *TIMES, *AUDIT_LISTED),
        given=lambda s: s.schedule,
        more=lambda s: s.more_on_schedule(own_only=True),
    ),
    Page(
        "round_not_booked",
        "teacher",
        _not_booked,
        (*SIGNED_IN, *NOT_BOOKED_SUMMARY, *NOT_BOOKED_CHILDREN, *NOT_BOOKED_END),
        given=lambda s: s.not_booked,
        more=lambda s: s.more_not_booked(),
    ),
    # A leader's: each class's figures, then the children of the class chosen.
    Page(
        "round_not_booked",
        "leader",
        _not_booked,
        (*SIGNED_IN, *NOT_BOOKED_SUMMARY, *NOT_BOOKED_END),
        given=lambda s: s.not_booked,
        more=lambda s: s.more_classes_not_booked(),
    ),
    Page(
        "round_not_booked",
        "leader",
        lambda s: f"{_not_booked(s)}?classroom={s.world.classroom.pk}",
        (*SIGNED_IN, *NOT_BOOKED_SUMMARY, *NOT_BOOKED_CHILDREN, *NOT_BOOKED_END),
        given=lambda s: s.not_booked,
        more=lambda s: s.more_not_booked(),
    ),
]
