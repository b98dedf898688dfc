"""The form a person sets their rhythm with: per kind of notice, quiet hours, digest times."""

import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnerships.models import Rhythm, School
from partnerships.notices import Kind

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class NoticeSettingsForm(forms.Form):
    """One choice per kind the person may hear of, then when they hear nothing."""

    quiet = forms.BooleanField(label=_("Hold emails overnight (quiet hours)"), required=False)
    quiet_from = forms.TimeField(label=_("Quiet from"), required=False, widget=TIME)
    quiet_until = forms.TimeField(label=_("Quiet until"), required=False, widget=TIME)
    digest_time = forms.TimeField(label=_("Digests come at"), widget=TIME)
    digest_weekday = forms.TypedChoiceField(
        label=_("The weekly digest comes on"), choices=School.Weekday.choices, coerce=int
    )

    def __init__(self, *args, kinds: list[Kind], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [k for k in kinds if not k.always]
        self.always = [k for k in kinds if k.always]
        for entry in self.kinds:
            # Not required: a kind left out (a form from before it existed) keeps its rhythm.
            self.fields[f"kind_{entry.name}"] = forms.ChoiceField(
                label=gettext(entry.label),
                choices=Rhythm.choices,
                widget=forms.Select(attrs={"class": "form-select"}),
                required=False,
            )

    def kind_fields(self):
        return [self[f"kind_{entry.name}"] for entry in self.kinds]

    def clean(self):
        data = super().clean()
        if data.get("quiet"):
            start, end = data.get("quiet_from"), data.get("quiet_until")
            if start is None or end is None:
                raise forms.ValidationError(_("Say when your quiet hours start and end."))
            if start == end:
                raise forms.ValidationError(
                    _("Quiet hours need to start and end at different times.")
                )
            digest = data.get("digest_time")
            if digest and _inside(digest, start, end):
                self.add_error(
                    "digest_time", _("Choose a time outside your quiet hours for your digests.")
                )
        return data

    def rhythms(self) -> dict[str, str]:
        chosen = {entry.name: self.cleaned_data[f"kind_{entry.name}"] for entry in self.kinds}
        return {name: rhythm for name, rhythm in chosen.items() if rhythm}


def _inside(at: datetime.time, start: datetime.time, end: datetime.time) -> bool:
    return start <= at < end if start < end else (at >= start or at < end)


def initial_for(person, kinds: list[Kind]) -> dict:
    """The form's starting values from a person's saved rhythm."""
    from partnerships.notices import rhythm_of

    initial = {
        "quiet": person.quiet_from is not None and person.quiet_until is not None,
        "quiet_from": person.quiet_from or datetime.time(21, 0),
        "quiet_until": person.quiet_until or datetime.time(7, 0),
        "digest_time": person.digest_time,
        "digest_weekday": person.digest_weekday,
    }
    initial.update({f"kind_{k.name}": rhythm_of(person, k.name) for k in kinds})
    return initial
