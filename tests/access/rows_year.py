"""Rows for the year pages: a student leaving or back, and the year rollover."""

from django.urls import reverse

from partnerships.models import Student
from partnerships.year.services import Plan
from tests.access.outcomes import ANY_LEADER, PAGE, POST_ONLY, SAVED, Row, only


def _leaver_url(things) -> str:
    """The student marked as having left, so that undoing it is a change."""
    student = things.world.student
    Student.objects.filter(pk=student.pk).update(left_on=student.start_date, classroom=None)
    return reverse("student_return", args=[student.pk])


ROWS = {
    # A leader of the student's school marks them as left (today, with no date given).
    "student_leave": Row(
        url=lambda t: reverse("student_leave", args=[t.world.student.pk]),
        get=POST_ONLY,
        post=only(["leader"], SAVED),
    ),
    "student_return": Row(
        url=_leaver_url,
        get=POST_ONLY,
        post=only(["leader"], SAVED),
    ),
    # Each leader previews and rolls over their own school's year.
    "year_rollover": Row(
        url=lambda t: reverse("year_rollover"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, SAVED),
        data=lambda t: {
            "from_year": t.world.school.year,
            "step": "1",
            "top_year": "13",
            "confirm": "1",
            "previewed": Plan(step=1, top_year=13).signature(),  # the choices as previewed
        },
    ),
}
