"""Forms for recording conversations, offering times and booking them."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.models import (
    Booking,
    ConversationRound,
    LearningConversation,
    Place,
)
from learners.models import Goal
from partnerships.models import User, WhanauMember

EARLIEST_YEAR = 2000  # a conversation recorded as held before this is a typing slip


class ConversationForm(forms.ModelForm):
    class Meta:
        model = LearningConversation
        fields = [
            "kind",
            "held_at",
            "place",
            "led_by",
            "student_attended",
            "whanau_attendees",
            "staff_attendees",
            "others",
            "school_noticed",
            "whanau_see",
            "student_said",
            "agreed_next_steps",
            "follow_up_on",
            "goals",
            "staff_notes",
        ]
        widgets = {
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "whanau_attendees": forms.CheckboxSelectMultiple,
            "staff_attendees": forms.CheckboxSelectMultiple,
            "goals": forms.CheckboxSelectMultiple,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "school_noticed",
                    "whanau_see",
                    "student_said",
                    "agreed_next_steps",
                    "staff_notes",
                )
            },
        }
        labels = {"school_noticed": _("What school has noticed (“we noticed…”)")}

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this student's people and goals: a forged id is a field error.
        self.fields["whanau_attendees"].queryset = WhanauMember.objects.filter(
            links__student=student, links__has_access=True
        )
        self.fields["staff_attendees"].queryset = User.objects.filter(
            staff_memberships__school_id=student.school_id
        ).order_by("name")
        self.fields["goals"].queryset = Goal.objects.filter(student=student)

    def clean_held_at(self):
        held_at = self.cleaned_data["held_at"]
        if held_at > timezone.now():
            raise forms.ValidationError(
                _("This records a conversation already held: its time can’t be in the future.")
            )
        # Year 1 in New Zealand is 1 BC in UTC: stored, it could never be read back.
        if held_at.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                _("That is too long ago: choose a time from %(year)s on."),
                params={"year": EARLIEST_YEAR},
            )
        return held_at


class ReflectionForm(forms.Form):
    body = forms.CharField(
        label=_("Your reflection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How did it go? Anything you’d add about what you see at home?"),
    )


class RoundForm(forms.ModelForm):
    class Meta:
        model = ConversationRound
        fields = ["title", "kind"]


MINUTES = [(10, "10"), (15, "15"), (20, "20"), (30, "30"), (45, "45")]


class SlotSeriesForm(forms.Form):
    """A run of times: e.g. 2pm to 4pm in 15-minute conversations, or 7pm to 8pm online."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    first = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    last = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.TypedChoiceField(
        label=_("Each conversation (minutes)"), choices=MINUTES, coerce=int, initial=15
    )
    place = forms.ChoiceField(label=_("Where and how"), choices=Place.choices)


class BookingForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = [
            "how",
            "needs_childcare",
            "needs_interpreter",
            "interpreter_language",
            "needs_accessible_room",
            "note",
        ]


class TimeRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What times would suit you?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: any weekday after 6pm, or a phone call at lunchtime."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=500)
