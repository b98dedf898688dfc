"""Rows for the partnership dashboard (reports/): staff see their own school's or classes'
figures; nobody else has a dashboard. Each staff member's figures are only of students they
manage, which ``test_matrix`` checks by the world's student's name on every page shown."""

from django.urls import reverse

from tests.access.outcomes import ANY_STAFF, GET_ONLY, PAGE, Row, only

ROWS = {
    "dashboard": Row(
        url=lambda t: reverse("dashboard") + f"?classroom={t.world.classroom.pk}",
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
    "dashboard_students": Row(
        url=lambda t: reverse("dashboard_students") + "?figure=not_reached",
        get=only(ANY_STAFF, PAGE),
        post=GET_ONLY,
    ),
}
