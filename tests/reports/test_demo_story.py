"""The demo's leader and teachers see figures that tell a story: families never reached, a
class that tells more than it listens, overdue transition conversations."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from partnerships import demo
from partnerships.models import School, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    return School.objects.get(name=demo.DEMO_SCHOOL)


def test_the_demo_leaders_dashboard_tells_a_story(client, seeded):
    """Some families not reached, one class doing most of the telling, transitions overdue."""
    client.force_login(User.objects.get(email=demo.LEADER_EMAIL))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    (dashboard,) = [panel for _template, panel in response.context["panels"] if "scope" in panel]
    figures = {figure.key: figure for figure in dashboard["figures"]}
    quiet = demo.hard_to_reach(seeded)
    assert dashboard["not_reached_count"] >= len(quiet) >= 5
    assert "Classes doing most of the telling: Rūma Kea" in figures["voice"].explanation
    overdue = {key: count for key, _label, count in figures["conversations"].drill}
    assert overdue["transition_overdue"] > 0
    assert 0 < int(figures["engagement"].headline.rstrip("%")) < 100


def test_the_demo_teachers_dashboard_is_of_their_class(client, seeded):
    """Hana Whitcombe's dashboard counts her class only, and lists its quiet families."""
    client.force_login(User.objects.get(email=demo.TEACHER_EMAIL))
    response = client.get(reverse("dashboard_students") + "?figure=not_reached")
    classes = {row[1].text for row in response.context["table"].rows}
    assert classes == {"Rūma Tūī (Years 1–2)"}
