"""What a dashboard is about: whose students, which of them, over which period.

Filters come from the URL, so anything may arrive: an unknown class, another school's class,
dates the wrong way round. A filter that cannot be used is named in plain words and the page
shows the unfiltered figures, never an error page and never another school's numbers.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.access import classes_visible_to, students_led_by, students_managed_by
from partnerships.models import YEAR_LEVELS, School, Student, Term
from partnerships.roles import request_roles
from reports import periods
from reports.periods import Period

PERIOD_CHOICES = [
    ("term", _("This term")),
    ("4weeks", _("Last 4 weeks")),
    ("week", _("This week")),
    ("custom", _("Chosen dates")),
]
DEFAULT_WEEKS = 4  # "not reached" after this many weeks without two-way contact
EARLIEST = datetime.date(2000, 1, 1)


class DashboardFilters(forms.Form):
    classroom = forms.ModelChoiceField(
        label=_("Class"),
        queryset=None,
        required=False,
        empty_label=_("All classes"),
        error_messages={"invalid_choice": _("We couldn’t find that class among yours.")},
    )
    year_level = forms.TypedChoiceField(
        label=_("Year level"),
        choices=[("", _("All year levels")), *YEAR_LEVELS],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Year levels go from 0 to 13.")},
    )
    priority = forms.BooleanField(label=_("Priority learners only"), required=False)
    period = forms.ChoiceField(
        label=_("Period"),
        choices=PERIOD_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("That is not a period we know.")},
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("The first day is not a date.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("The last day is not a date.")},
    )
    weeks = forms.IntegerField(
        label=_("Not reached for (weeks)"),
        min_value=1,
        max_value=52,
        required=False,
        error_messages={
            "invalid": _("Weeks must be a whole number from 1 to 52."),
            "min_value": _("Weeks must be a whole number from 1 to 52."),
            "max_value": _("Weeks must be a whole number from 1 to 52."),
        },
    )

    def __init__(self, *args, classes: QuerySet, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = classes
        self.today = today

    def controls(self) -> list[dict]:
        """Each filter as plain data for the page to draw: Django's widget templates cost
        more than the rest of a kept dashboard put together."""
        controls = []
        for bound in self:
            value = bound.value()
            control = {
                "name": bound.name,
                "id": bound.id_for_label,
                "label": bound.label,
                "value": "" if value is None else str(value),
                "type": bound.field.widget.input_type,
            }
            if isinstance(bound.field, forms.ChoiceField):
                control["options"] = [
                    (str(choice), label, str(choice) == control["value"])
                    for choice, label in bound.field.choices
                ]
            controls.append(control)
        return controls

    def clean(self):
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            if "start" not in self.errors and "end" not in self.errors:
                raise forms.ValidationError(_("Chosen dates need a first and a last day."))
        elif end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        elif start < EARLIEST or end > self.today + datetime.timedelta(days=366):
            raise forms.ValidationError(
                _("Choose dates from %(earliest)s to a year from now.")
                % {"earliest": EARLIEST.year}
            )
        return data


@dataclass
class Scope:
    """The students and period a dashboard is about, and what was wrong with the filters."""

    school: School
    students: QuerySet[Student]  # within the access rules, filters applied
    period: Period
    trends: list[Period]
    weeks: int
    now: datetime.datetime
    form: DashboardFilters
    errors: list[str] = field(default_factory=list)
    query: str = ""  # the filters in use, for links that keep them

    @property
    def today(self) -> datetime.date:
        return self.now.astimezone(self.school.zone).date()


def dashboard_school(request) -> School:
    """A leader's school; a teacher's own school (the first, if they work in several)."""
    roles = request_roles(request)
    return roles.led_school or roles.staff_school


def scope_for(request, params) -> Scope:
    """Read the filters; with any mistake, say so and use none of them."""
    school = dashboard_school(request)
    now = timezone.now()
    today = now.astimezone(school.zone).date()
    terms = list(Term.objects.filter(school=school).recent(today, periods.TREND_TERMS))
    roles = request_roles(request)
    # A leader's scope is the whole school: said simply, so the planner can use the school's
    # index rather than weigh every path by which a person may manage a student.
    if school.pk in roles.led_school_ids:
        students = students_led_by(request.user).current().filter(school=school)
    else:
        students = students_managed_by(request.user).filter(school=school)
    classes = classes_visible_to(request.user).filter(school=school)
    form = DashboardFilters(params, classes=classes, today=today)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    errors = [] if valid else [str(error) for errors in form.errors.values() for error in errors]

    if data.get("classroom"):
        students = students.filter(classroom=data["classroom"])
    if data.get("year_level") is not None:
        students = students.filter(year_level=data["year_level"])
    if data.get("priority"):
        students = students.filter(is_priority_learner=True)
    chosen = data.get("period") or "term"
    if chosen == "week":
        period = periods.this_week(school, today)
    elif chosen == "4weeks":
        period = periods.last_four_weeks(school, today)
    elif chosen == "custom":
        period = periods.custom(school, data["start"], data["end"])
    else:
        period = periods.this_term(school, today, terms)
    kept = {}
    if valid:
        kept = {
            key: value
            for key, value in params.items()
            if key in form.fields and value not in ("", None) and key != "page"
        }
    return Scope(
        school=school,
        students=students,
        period=period,
        trends=periods.trend_periods(school, today, terms),
        weeks=data.get("weeks") or DEFAULT_WEEKS,
        now=now,
        form=form,
        errors=errors,
        query=urlencode(sorted(kept.items())),
    )
