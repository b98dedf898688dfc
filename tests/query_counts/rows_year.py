"""The year pages' queries."""

from django.urls import reverse

from tests.query_counts.pages import SIGNED_IN, Page

PAGES: list = [
    # The rollover's preview of the usual choices: measured with one class, then with more,
    # each with a student (at the top year level in use, so listed as leaving).
    Page(
        "year_rollover",
        "leader",
        lambda s: reverse("year_rollover"),
        (
            *SIGNED_IN,
            "the school's classes, archived ones too",
            "the current students, counted by class and year level",
            "the students at the top year level (who leave), with their classes",
            "conversations' year end: the school's open booking rounds",
            "conversations' year end: written weekly updates not yet sent",
        ),
        more=lambda s: s.more_classes(show_teachers=False),
    ),
]
# URL names with no GET page, each with what its POST does.
POST_ONLY: dict[str, str] = {
    "student_leave": "marks a student as having left the school",
    "student_return": "undoes a student's leaving",
}
