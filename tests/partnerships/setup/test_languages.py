"""The languages a school offers are the ones its whānau are offered."""

import pytest
from django.urls import reverse

from partnerships.forms import WhanauInviteForm
from partnerships.models import School, WhanauMember

pytestmark = pytest.mark.django_db


def _only_te_reo(world) -> None:
    School.objects.filter(pk=world.school.pk).update(languages=["mi"])


def _options(response, name: str) -> list[str]:
    field = response.context["form"].fields[name]
    return [code for code, _label in field.choices]


def test_the_invitation_form_offers_only_the_schools_languages(client, world):
    """A school offering te reo Māori only invites whānau in te reo Māori."""
    _only_te_reo(world)
    client.force_login(world.teacher)
    response = client.get(reverse("student_whanau", args=[world.student.pk]))
    assert _options(response, "language") == ["mi"]
    assert response.context["form"].fields["language"].initial == "mi"


def test_a_language_not_offered_is_refused_on_the_invitation(world):
    """English, no longer offered, is not a choice when inviting."""
    form = WhanauInviteForm(
        {"name": "Mere", "email": "mere@example.org", "relationship": "mother", "language": "en"},
        languages=["mi"],
    )
    assert "language" in form.errors


def test_preferences_offer_the_schools_languages_and_keep_ones_own(client, world):
    """A whānau member keeps their English while the school offers only te reo Māori, and can
    still save their other preferences."""
    _only_te_reo(world)
    client.force_login(world.whanau)
    response = client.get(reverse("whanau_preferences"))
    assert _options(response, "preferred_language") == ["en", "mi"]
    WhanauMember.objects.filter(user=world.whanau).update(preferred_language="mi")
    response = client.get(reverse("whanau_preferences"))
    assert _options(response, "preferred_language") == ["mi"]


def test_every_language_is_offered_by_default(client, world):
    """A school offering every language shows them all."""
    client.force_login(world.teacher)
    response = client.get(reverse("student_whanau", args=[world.student.pk]))
    assert _options(response, "language") == ["en", "mi"]
