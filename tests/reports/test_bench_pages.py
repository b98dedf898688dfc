"""The pages the load benchmark measures: each answers its person, as that person sees it."""

import pytest
from django.core.management.base import CommandError

from reports.bench.pages import ROLES, MissingDataError, demo_school, pages, person
from reports.bench.seeding import seed


@pytest.mark.django_db
def test_every_page_measured_answers_its_person(client):
    """Seeded as the command seeds, each role's pages open for the demo's own login (a 404 or
    a redirect would measure nothing), and each role has its home, goals and goal."""
    lines = []
    seed(1, 60, lines.append)
    assert any("term of activity" in line for line in lines)
    school = demo_school()
    for role in ROLES:
        plan = pages(role, school)
        client.force_login(person(role, school))
        for page in plan:
            response = client.get(page.path)
            assert response.status_code == 200, (page, response.status_code)
        assert {"home", "goals", "goal"} <= {page.name for page in plan}


@pytest.mark.django_db
def test_a_school_without_its_demo_data_is_named():
    """Before seeding there is no demo school to measure, and the error says to seed."""
    with pytest.raises(MissingDataError, match="seed"):
        demo_school()


def test_seeding_refuses_what_the_demo_cannot_build(db):
    """A seed the demo refuses (too few students) is a command error, not a traceback."""
    with pytest.raises(CommandError):
        seed(1, 1, print)
