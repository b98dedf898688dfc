"""The leaving form and the year rollover's choices."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Classroom
from partnerships.models.schools import YEAR_LEVELS
from partnerships.year.services import ClassPlan, Plan

STEPS = [
    (1, _("Up one year level")),
    (0, _("Stay at the same year level")),
    (2, _("Up two year levels")),
]


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("Left on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today."),
    )

    def left_on_or_today(self):
        return self.cleaned_data["left_on"] or timezone.localdate()


class RolloverForm(forms.Form):
    """The year levels' step and top, and for each current class where its students go: a
    class chosen from the list, or a new class's name typed in (``to_<id>``, ``new_<id>``)."""

    from_year = forms.IntegerField(widget=forms.HiddenInput)
    step = forms.TypedChoiceField(label=_("Year levels"), choices=STEPS, coerce=int, initial=1)
    top_year = forms.TypedChoiceField(
        label=_("Top year level"),
        choices=YEAR_LEVELS,
        coerce=int,
        help_text=_("Students already at this year level (or above) leave the school."),
    )

    def __init__(self, data=None, *, classes: list[Classroom], year: int, top_year: int):
        super().__init__(data, initial={"from_year": year, "step": 1, "top_year": top_year})
        self.classes = [classroom for classroom in classes if classroom.archived_on is None]
        for classroom in self.classes:
            others = [(str(c.pk), c.name) for c in self.classes if c.pk != classroom.pk]
            self.fields[f"to_{classroom.pk}"] = forms.ChoiceField(
                label=_("Moves up to"),
                choices=[("", _("%(name)s (the same class)") % {"name": classroom.name}), *others],
                required=False,
            )
            self.fields[f"new_{classroom.pk}"] = forms.CharField(
                label=_("or a new class"),
                max_length=Classroom._meta.get_field("name").max_length,
                required=False,
                help_text=_("Type a name to make a new class for them."),
            )

    def rows(self):
        """Each current class with its two fields, for the table."""
        return [
            (classroom, self[f"to_{classroom.pk}"], self[f"new_{classroom.pk}"])
            for classroom in self.classes
        ]

    def plan(self) -> Plan:
        data = self.cleaned_data
        return Plan(
            step=data["step"],
            top_year=data["top_year"],
            classes={
                classroom.pk: ClassPlan(
                    to_classroom_id=int(data[f"to_{classroom.pk}"] or classroom.pk),
                    new_name=data[f"new_{classroom.pk}"],
                )
                for classroom in self.classes
            },
        )
