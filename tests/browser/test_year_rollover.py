"""In a real browser, phone-sized: a leader previews the year rollover with a new class, reads
what will happen, and confirms it once."""

import re
from pathlib import Path

import pytest

from partnerships.models import Classroom, School, Student
from tests import factories
from tests.browser.signing import sign_in_with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp")  # noqa: S108 - screenshots to look at, outside the working tree


def test_a_leader_previews_and_rolls_the_year_over(page, live_server, world):
    """The preview fits a phone's width; confirming moves the class into the new one."""
    tui = factories.ClassroomFactory(school=world.school, name="Tūī", year_level=6)
    factories.StudentFactory(school=world.school, classroom=tui, year_level=6)
    factories.RoundFactory(school=world.school, title="Term 4 three-way conversations")
    year = School.objects.get(pk=world.school.pk).year

    sign_in_with_password(page, live_server.url, world.leader.email)
    page.goto(live_server.url + "/school/year/")
    page.get_by_role("heading", name=f"Roll {year} over into {year + 1}").wait_for()
    page.get_by_role("group", name=re.compile(re.escape(world.classroom.name))).get_by_label(
        "or a new class"
    ).fill("Kea")
    page.get_by_role("button", name="Preview these choices").click()
    preview = page.get_by_role("region", name="What will happen")
    preview.get_by_text("Kea (a new class)").wait_for()
    preview.get_by_text("The booking round “Term 4 three-way conversations” closes.").wait_for()
    page.screenshot(path=SHOTS / "h5-rollover-preview.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name=f"Roll over into {year + 1}").click()
    page.get_by_text(f"School year {year} rolled over into {year + 1}").wait_for()
    page.screenshot(path=SHOTS / "h5-rollover-done.png", full_page=True)
    kea = Classroom.objects.get(school=world.school, name="Kea")
    assert set(kea.students.all()) == {world.student, world.classmate}
    assert Student.objects.get(classroom__isnull=True, school=world.school).left_on is not None
