"""The choice whānau make about photos and recordings of their child."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import MediaConsent

# What each choice means, in plain words, shown under it.
EXPLAINED = {
    MediaConsent.WHANAU_ONLY: _(
        "Photos and recordings of your child are shared with you and their other whānau on "
        "Mahi Tahi, and nowhere else."
    ),
    MediaConsent.CLASS_DISPLAYS: _(
        "As well as with their whānau, kaiako may use them in class displays: on the classroom "
        "wall, or in work shared with the class and its families."
    ),
}
NOT_A_CHOICE = _("Please choose where photos and recordings of your child may be seen.")


class MediaConsentForm(forms.Form):
    consent = forms.ChoiceField(
        label=_("Where may photos and recordings of your child be seen?"),
        choices=MediaConsent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": NOT_A_CHOICE, "invalid_choice": NOT_A_CHOICE},
    )

    def options(self) -> list[dict]:
        """Each choice with its explanation, as the page lists them."""
        chosen = self["consent"].value()
        return [
            {"value": value, "label": label, "help": EXPLAINED[value], "checked": value == chosen}
            for value, label in MediaConsent.choices
        ]
