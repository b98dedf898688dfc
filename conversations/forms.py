"""Forms for recording conversations, offering times and booking them."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conversations.models import (
    ConversationRound,
    LearningConversation,
    Place,
)
from conversations.rounds import (
    BREAK_AFTER_MAX,
    BREAK_MAX,
    LINK_MAX,
    MINUTES_MAX,
    MINUTES_MIN,
    WAYS,
)
from learners.models import Goal
from partnerships.models import Classroom, User, WhanauMember

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
            staff_memberships__school_id=student.school_id,
            staff_memberships__left_at__isnull=True,
        ).order_by("name")
        self.fields["goals"].queryset = Goal.objects.filter(student=student)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Who took part is history: someone the form no longer offers (they left the
            # school, or their access was turned off) had no box to untick, so stays.
            for name in ("staff_attendees", "whanau_attendees"):
                if name in cleaned:
                    offered = self.fields[name].queryset.values("pk")
                    kept = getattr(self.instance, name).exclude(pk__in=offered)
                    cleaned[name] = [*cleaned[name], *kept]
        return cleaned

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


class SchoolDateTimeField(forms.DateTimeField):
    """A date and time typed in the school's own time zone (``zone``), whatever the browser's:
    a leader on holiday overseas still opens booking at 9am school time."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args, zone=None, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        with timezone.override(self.zone or timezone.get_current_timezone()):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(self.zone or timezone.get_current_timezone()):
            return super().prepare_value(value)


def _number(low: int, high: int, **kwargs) -> forms.IntegerField:
    """A whole number; its range is the round service's to check, in the leader's words."""
    return forms.IntegerField(
        widget=forms.NumberInput(attrs={"min": low, "max": high}),
        error_messages={"required": _("Give a number."), "invalid": _("Give a whole number.")},
        **kwargs,
    )


class RoundForm(forms.Form):
    """A leader opens a round: who it is for, when families book, and how the times run."""

    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("For example: Term 2 goal-setting conversations."),
        error_messages={"required": _("Give the round a title, such as “Term 2 goal-setting”.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of conversation"),
        choices=LearningConversation.Kind.choices,
        initial=LearningConversation.Kind.GOAL_SETTING,
    )
    classes = forms.ModelMultipleChoiceField(
        label=_("Classes"),
        queryset=Classroom.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave them all unticked for the whole school."),
        error_messages={"invalid_choice": _("Choose classes of your own school.")},
    )
    opens_at = SchoolDateTimeField(
        label=_("Booking opens"),
        required=False,
        help_text=_("School time. Leave empty to open booking now."),
    )
    closes_at = SchoolDateTimeField(
        label=_("Booking closes"),
        help_text=_("School time. After this, families can no longer book or change a time."),
        error_messages={"required": _("Say when booking closes.")},
    )
    minutes = _number(MINUTES_MIN, MINUTES_MAX, label=_("Each conversation (minutes)"), initial=15)
    break_minutes = _number(0, BREAK_MAX, label=_("Break (minutes)"), initial=0)
    break_after = _number(
        0,
        BREAK_AFTER_MAX,
        label=_("A break after every … conversations"),
        initial=0,
        help_text=_("0 for no breaks."),
    )
    ways = forms.MultipleChoiceField(
        label=_("Ways to meet"),
        choices=[(way, Place(way).label) for way in WAYS],
        initial=[Place.AT_SCHOOL],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Teachers offer times in these ways; online times carry a meeting link."),
        error_messages={"required": _("Choose at least one way to meet.")},
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = Classroom.objects.filter(school=school).order_by(
            "year_level", "name"
        )
        for name in ("opens_at", "closes_at"):
            self.fields[name].zone = school.zone

    def clean(self):
        cleaned = super().clean()
        if "opens_at" in cleaned and cleaned["opens_at"] is None:
            cleaned["opens_at"] = timezone.now().replace(second=0, microsecond=0)
        if cleaned.get("break_minutes") and not cleaned.get("break_after"):
            self.add_error("break_after", _("Say after how many conversations the break comes."))
        return cleaned


WHOSE = [
    ("all", _("Every teacher of this round’s classes")),
    ("chosen", _("The teachers I tick")),
    ("me", _("Just me")),
]


class SlotSeriesForm(forms.Form):
    """A run of times in a round: e.g. 3:15pm to 5pm at school, or 6:30pm to 8pm online.

    Each conversation is the round's length, with its breaks. A leader (``teachers`` given:
    those of the round's classes) may offer the run for every teacher, or those ticked."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    first = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    last = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.ChoiceField(label=_("Way to meet"), widget=forms.RadioSelect)
    location = forms.CharField(
        label=_("Room or place"),
        max_length=200,
        required=False,
        help_text=_("A room at school (if you like), or where you’ll meet away from school."),
    )
    meeting_link = forms.CharField(
        label=_("Meeting link"),
        max_length=LINK_MAX,
        required=False,
        help_text=_("For online times. Leave empty to use the link already set for this round."),
    )

    def __init__(self, *args, conversation_round: ConversationRound, teachers=None, **kwargs):
        super().__init__(*args, **kwargs)
        ways = [way for way in WAYS if way in (conversation_round.ways or [Place.AT_SCHOOL])]
        self.fields["place"].choices = [(way, Place(way).label) for way in ways]
        self.fields["place"].initial = ways[0] if ways else None
        if Place.ONLINE not in ways:
            del self.fields["meeting_link"]
        if not {Place.AT_SCHOOL, Place.ELSEWHERE} & set(ways):
            del self.fields["location"]
        if teachers is not None:
            self.fields["who"] = forms.ChoiceField(
                label=_("Whose times"),
                choices=WHOSE,
                initial="all",
                widget=forms.RadioSelect,
            )
            self.fields["teachers"] = forms.ModelMultipleChoiceField(
                label=_("Teachers"),
                queryset=teachers,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Choose teachers of this round’s classes.")},
            )
            self.fields["include_weekend"] = forms.BooleanField(
                label=_("Include the weekend"),
                required=False,
                help_text=_("Only when the school is really open that day."),
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("who") == "chosen" and not cleaned.get("teachers"):
            self.add_error("teachers", _("Tick the teachers to offer these times for."))
        return cleaned


class MeetingLinkForm(forms.Form):
    meeting_link = forms.CharField(
        label=_("My meeting link for this round"),
        max_length=LINK_MAX,
        help_text=_("Used for all your online times in this round; families booked are told."),
        error_messages={"required": _("Give the link families join the meeting by.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=500)
