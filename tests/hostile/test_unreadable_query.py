"""A NUL character in a query string is refused before any view: PostgreSQL cannot hold one
in a text value, so a search box given ``%00`` was a server error."""

import pytest
from django.urls import reverse

from tests.access.snapshot import fingerprint

UNREADABLE = "That address has characters we cannot read. Check the link and try again."


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("school_students", "q=Aroha%00"),
        ("school_whanau", "q=%00"),
        ("dashboard", "classroom=1%00"),
        ("dashboard_students", "figure=not_reached&page=%00"),
        ("home", "%00=1"),
    ],
)
def test_a_nul_in_the_query_string_is_a_plain_400(client, world, page, query):
    """Refused in plain words with a 400, and nothing is written."""
    client.force_login(world.leader)
    before = fingerprint()

    response = client.get(f"{reverse(page)}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == UNREADABLE
    assert fingerprint() == before


def test_a_search_without_one_still_searches(client, world):
    """An ordinary search, odd characters and all, is answered as before."""
    client.force_login(world.leader)
    response = client.get(reverse("school_students"), {"q": f"{world.student.first_name}%_\\"})
    assert response.status_code == 200
