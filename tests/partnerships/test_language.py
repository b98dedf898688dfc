"""English and te reo Māori: the interface follows the person's choice."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from learners.models import Disposition, LearningArea
from partnerships.models import Student
from reports.content import present
from reports.models import AchievementLevel

pytestmark = pytest.mark.django_db


def test_whanau_who_prefer_te_reo_see_it_after_signing_in(client, world):
    """A whānau member whose preferred language is te reo Māori gets it straight away."""
    world.whanau.preferred_language = "mi"
    world.whanau.save(update_fields=["preferred_language"])
    client.force_login(world.whanau)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert '<html lang="mi">' in content
    assert "Aku tamariki" in content
    assert response.cookies["django_language"].value == "mi"


def test_footer_switch_wins_over_the_preference(client, world):
    """Choosing English in the footer keeps English, whatever the account says."""
    world.whanau.preferred_language = "mi"
    world.whanau.save(update_fields=["preferred_language"])
    client.force_login(world.whanau)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in content
    assert "My tamariki" in content


def test_signed_out_pages_follow_the_switch(client, db):
    """Anyone can switch the sign-in page to te reo Māori."""
    client.post(reverse("set_language"), {"language": "mi", "next": "/"})
    assert "Takiuru" in client.get(reverse("home")).content.decode()


def test_the_switch_is_remembered_after_the_browser_closes(client, db):
    """The language cookie lasts a year: a parent who chose te reo keeps it next week."""
    response = client.post(reverse("set_language"), {"language": "mi", "next": "/"})
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 60 * 60


def test_a_year_level_is_shown_in_the_language_of_the_page():
    """Year levels are labels made when shown, not when the code was loaded."""
    student = Student(year_level=7)
    with translation.override("mi"):
        assert student.get_year_level_display() == "Tau 7"
        assert dict(Student._meta.get_field("year_level").choices)[7] == "Tau 7"
    with translation.override("en"):
        assert student.get_year_level_display() == "Year 7"


def test_the_lists_every_school_starts_with_are_shown_in_the_readers_language():
    """A default learning area, disposition or achievement level reads in te reo on a te reo
    page; a name the school typed itself is shown as typed."""
    with translation.override("mi"):
        assert LearningArea(name="Mathematics and statistics").label == "Pāngarau"
        assert str(LearningArea(name="Kapa haka")) == "Kapa haka"
        assert Disposition(name="Resilient").label == "Manawaroa"
        assert AchievementLevel(name="At expectations").label != "At expectations"
    assert LearningArea(name="Mathematics and statistics").label == "Mathematics and statistics"


def test_a_published_report_shows_its_fixed_names_in_the_readers_language():
    """A report's frozen content keeps the school's names; ``present`` translates the defaults
    for whoever reads it, when they read it."""
    content = {
        "scale": ["Working towards expectations", "At expectations", "Our own level"],
        "judgements": [{"area": "Science", "level": "At expectations", "index": 1}],
        "dispositions": [{"name": "Responsive", "progress": "growing"}],
        "goals": [{"area": "Kapa haka", "status": "active"}],
    }
    with translation.override("mi"):
        shown = present(content)
    judgement = shown["judgements"][0]
    assert judgement["area"] == "Pūtaiao"
    assert [step["name"] for step in judgement["steps"]][2] == "Our own level"
    assert judgement["steps"][1]["name"] == judgement["level"] != "At expectations"
    assert shown["dispositions"][0]["name"] == "Urupare"
    assert shown["goals"][0]["area"] == "Kapa haka"


def test_language_choices_name_each_language_in_its_own_words(client, world):
    """On an English page "Te reo Māori" is marked lang="mi"; on a te reo page "English" is
    still "English", marked lang="en": people look for their own language."""
    client.force_login(world.whanau)
    for page_language in ("en", "mi"):
        client.cookies["django_language"] = page_language
        content = client.get(reverse("whanau_preferences")).content.decode()
        assert f'<html lang="{page_language}">' in content
        assert re.search(r'<option value="mi"[^>]* lang="mi"[^>]*>Te reo Māori</option>', content)
        assert re.search(r'<option value="en"[^>]* lang="en"[^>]*>English</option>', content)
