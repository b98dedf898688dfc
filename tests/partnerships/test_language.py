"""English and te reo Māori: the interface follows the person's choice."""

import pytest
from django.urls import reverse

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
