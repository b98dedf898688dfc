"""Forms for a student's details and learner profile, and for signing in with a card."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learners.models import CARD_CODE_LENGTH, Classroom, Student, normalise_card_code
from partnerships.models import User


class StudentForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = [
            "first_name",
            "last_name",
            "preferred_name",
            "year_level",
            "classroom",
            "start_date",
            "is_priority_learner",
            "assigned_teachers",
            *Student.PROFILE_FIELDS,
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in Student.PROFILE_FIELDS
                if name != "languages"
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        school_id = self.instance.school_id
        # Only this school's classes and staff can be chosen: a forged id is a field error.
        self.fields["classroom"].queryset = Classroom.objects.filter(school_id=school_id)
        self.fields["assigned_teachers"].queryset = User.objects.filter(
            staff_memberships__school_id=school_id
        ).order_by("name")


class CardCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code on your card"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_card_code(self.cleaned_data["code"])
        if len(code) != CARD_CODE_LENGTH:
            raise forms.ValidationError(
                _("A card code has %(n)s letters and numbers, like ABCD-2345."),
                params={"n": CARD_CODE_LENGTH},
            )
        return code
