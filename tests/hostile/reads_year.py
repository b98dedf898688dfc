"""What the year pages read from a request (see ``reads.py``)."""

import datetime

from django.utils import timezone

from partnerships.year.services import Plan


def _rollover(things) -> dict:
    """The rollover's choices, with each of the world's classes' fields."""
    world = things.world
    other = world.other_student.classroom_id
    fields = {
        "from_year": [world.school.year],
        "step": ["1", "0", "2"],
        "top_year": ["13", "4", "0"],
        "preview": ["1"],
        "confirm": ["1"],
        "previewed": [Plan(step=1, top_year=13).signature(), ""],
    }
    for classroom_id in (world.classroom.pk, other):
        fields[f"to_{classroom_id}"] = ["", world.classroom.pk, other]
        fields[f"new_{classroom_id}"] = ["", "Kea", "Tūī"]
    return fields


GET_PARAMS: dict = {}
POST_FIELDS: dict = {
    "student_leave": {
        "left_on": lambda t: [
            timezone.localdate().isoformat(),
            (timezone.localdate() - datetime.timedelta(days=7)).isoformat(),
            "",
        ]
    },
    "year_rollover": _rollover,
}
FILE_FIELDS: dict = {}
