"""Rows for the privacy pages: retention. Each leader previews their own school's removals;
the page only reads."""

from django.urls import reverse

from tests.access.outcomes import ANY_LEADER, GET_ONLY, PAGE, Row, only

ROWS: dict = {
    "privacy_retention": Row(
        url=lambda t: reverse("privacy_retention"),
        get=only(ANY_LEADER, PAGE),
        post=GET_ONLY,
    ),
}
