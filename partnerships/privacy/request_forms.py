"""The forms of privacy requests: asking, and the officer's answers (send the export,
correct the record, or decline with the person's statement attached)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import PrivacyRequest
from partnerships.privacy.hooks import Correctable

ME = "me"
TEXT_MAX = PrivacyRequest._meta.get_field("details").max_length
ANSWER_MAX = PrivacyRequest._meta.get_field("response").max_length


class RequestForm(forms.Form):
    """Whom it is about (whānau: a child or themself; a student or staff: themself) and what
    they want. A correction's record comes from the page's address, not the form."""

    about = forms.ChoiceField(
        label=_("Who is it about?"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("We could not find that among your records.")},
    )
    details = forms.CharField(
        label=_("What would you like?"),
        help_text=_("For example: everything you hold, or only this year’s reports."),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, data=None, *, kind: str, choices: list[tuple[str, str]]):
        super().__init__(data)
        self.kind = kind
        field = self.fields["about"]
        field.choices = choices
        field.initial = choices[0][0] if choices else None
        if kind == PrivacyRequest.Kind.CORRECTION:
            # Whose record it is follows from the record itself.
            del self.fields["about"]
            details = self.fields["details"]
            details.label = _("What should it say, and why?")
            details.help_text = _("Write it as it should read, and tell us what is wrong now.")
            details.required = True

    def student_id(self) -> int | None:
        about = self.cleaned_data.get("about", ME)
        return None if about in (ME, None) else int(about)


class ExportForm(forms.Form):
    include_student = forms.BooleanField(required=False)


class CorrectForm(forms.Form):
    """The record's texts as the officer corrects them, from what they say now."""

    response = forms.CharField(
        label=_("A note for the person (optional)"),
        max_length=ANSWER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data=None, *, correctable: Correctable, current: dict[str, str]):
        super().__init__(data, prefix="correct")
        fields = {}
        for field in correctable.fields:
            kind = forms.EmailField if field.name == "email" else forms.CharField
            widget = forms.Textarea(attrs={"rows": 3}) if field.long else None
            fields[field.name] = kind(
                label=field.label,
                max_length=field.max_length,
                required=field.required,
                initial=current.get(field.name, ""),
                **({"widget": widget} if widget else {}),
            )
        self.fields = {**fields, "response": self.fields["response"]}

    def values(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if name != "response"}


class DeclineForm(forms.Form):
    response = forms.CharField(
        label=_("Why the record stays as it is"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statement = forms.CharField(
        label=_("Their statement of correction"),
        help_text=_("Shown with the record wherever it appears. Their own words, as they asked."),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, prefix="decline", **kwargs)
