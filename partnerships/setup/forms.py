"""Forms for a school's details, its terms, and choosing which school to work in."""

import zoneinfo

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from partnerships.languages import marked_names
from partnerships.models import School

FIRST_ZONE = "Pacific/Auckland"  # most schools using Mahi Tahi are in Aotearoa


def _field(name: str):
    return School._meta.get_field(name)


# The regions of the time zone database's own names (“Pacific/Auckland”), without its older
# aliases (“NZ”, “US/Eastern”, “Etc/GMT-12”).
REGIONS = {
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}


def timezone_choices(keep: str = "") -> list[tuple[str, str]]:
    """Every time zone of a region, Aotearoa's first, then the Chatham Islands', then the rest
    by name; and ``keep``, the school's own, if it is not among them."""
    first = [FIRST_ZONE, "Pacific/Chatham"]
    rest = sorted(
        zone
        for zone in zoneinfo.available_timezones() - set(first)
        if zone.split("/")[0] in REGIONS or zone == keep
    )
    return [(zone, zone.replace("_", " ")) for zone in first + rest]


class QuickSelect(forms.Select):
    """A long list (every time zone) written out at once: through the widget's template for
    each option, its few hundred options were most of the page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, " selected" if str(code) == str(value) else "", label)
                for code, label in self.choices
            ),
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)


class SchoolForm(forms.Form):
    """A school's details, as its leaders set them. A plain form: the school itself changes
    only through ``school_update``."""

    name = forms.CharField(label=_("Name of the school"), max_length=200)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, widget=QuickSelect)
    weekly_update_weekday = forms.TypedChoiceField(
        label=_("Day the weekly updates go home"),
        choices=School.Weekday.choices,
        coerce=int,
    )
    weekly_update_time = forms.TimeField(
        label=_("Time they go home"),
        help_text=_field("weekly_update_time").help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the school offers its whānau"),
        help_text=_("Whānau choose among these for the app and their emails."),
        choices=marked_names,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Offer whānau at least one language.")},
    )
    transition_days = forms.IntegerField(
        label=_("Transition conversation due after (days)"),
        help_text=_field("transition_days").help_text,
        min_value=1,
        max_value=365,
    )
    update_reminder_hours = forms.IntegerField(
        label=_("Remind ākonga about unwritten updates (hours before they go)"),
        min_value=0,
        max_value=168,
    )
    updates_need_approval = forms.BooleanField(
        label=_("A teacher approves weekly updates before they are sent"), required=False
    )

    @classmethod
    def for_school(cls, school: School, data=None) -> "SchoolForm":
        form = cls(data, initial={name: getattr(school, name) for name in cls.base_fields})
        form.fields["timezone"].choices = timezone_choices(keep=school.timezone)
        return form

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the school its name."))
        return name


class TermForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("For example: Term 2 2027."))
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class NewTermForm(TermForm):
    """A row for a new term, offered with a name: a row given no dates is skipped."""

    def __init__(self, *args, suggested_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = suggested_name
        self.fields["name"].help_text = ""  # each row is named already: no example needed

    def has_changed(self) -> bool:
        return any(self.data.get(self.add_prefix(name)) for name in ("starts_on", "ends_on"))


class _NewTerms(forms.BaseFormSet):
    """Rows for new terms, named “Term 1 2027”… ready for their dates: a row given no dates
    is skipped, so a leader adds one term or a whole year's at once."""

    def __init__(self, *args, year: int, **kwargs):
        self.names = [
            _("Term %(n)s %(year)s") % {"n": index + 1, "year": year}
            for index in range(self.max_num)
        ]
        super().__init__(*args, **kwargs)

    def clean(self):
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("Give at least one term its first and last day."))

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.names):
            kwargs["suggested_name"] = self.names[index]
        return kwargs


NewTermsFormSet = forms.formset_factory(
    NewTermForm, formset=_NewTerms, extra=4, max_num=4, absolute_max=4, validate_max=True
)


class SchoolSwitchForm(forms.Form):
    school = forms.TypedChoiceField(label=_("School"), coerce=int)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(school.pk, school.name) for school in schools]
        self.fields["school"].error_messages["invalid_choice"] = _(
            "That school is not one you work in."
        )
