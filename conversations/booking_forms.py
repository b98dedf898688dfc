"""Forms for families booking conversation times: what they need (said once, for every child
booked together), the time chosen for each child, and asking for another time."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.models import Booking, Slot
from partnerships.forms import an_id

SEEN = "@"  # a time's value on the page: "<slot id>@<its start, as the page showed it>"


class BookingForm(forms.Form):
    """How the family would like to meet and what would help. ``ways`` are the ways the
    chosen times allow (``booking.ways_for``): an online time is only ever online, so that is
    all it offers."""

    how = forms.ChoiceField(label=_("How you’d like to meet"), widget=forms.RadioSelect)
    needs_childcare = forms.BooleanField(label=_("We need childcare"), required=False)
    needs_interpreter = forms.BooleanField(label=_("We’d like an interpreter"), required=False)
    interpreter_language = forms.CharField(
        label=_("Language for the interpreter"),
        max_length=60,
        required=False,
        help_text=_("Needed if you’d like an interpreter. For example: Tongan, Samoan."),
    )
    needs_accessible_room = forms.BooleanField(
        label=_("We need an accessible room"),
        required=False,
        help_text=_("For example: step-free, or somewhere quiet."),
    )
    note = forms.CharField(
        label=_("Anything else"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, ways: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["how"].choices = [(way, Booking.How(way).label) for way in ways]
        if self.initial.get("how") not in ways:
            self.initial["how"] = ways[0]
        self.fields["interpreter_language"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        language = " ".join(cleaned.get("interpreter_language", "").split())
        if not cleaned.get("needs_interpreter"):
            language = ""
        elif not language:
            self.add_error("interpreter_language", _("Say which language the interpreter is for."))
        cleaned["interpreter_language"] = language
        return cleaned


def needs_from(source) -> dict:
    """What to fill the form with: a booking the household made, or a member's preferences
    (their accessibility needs become the note, so the teacher reads them)."""
    if isinstance(source, Booking):
        return {
            "how": source.how,
            "needs_childcare": source.needs_childcare,
            "needs_interpreter": source.needs_interpreter,
            "interpreter_language": source.interpreter_language,
            "needs_accessible_room": source.needs_accessible_room,
            "note": source.note,
        }
    return {
        "needs_childcare": source.needs_childcare,
        "needs_interpreter": source.needs_interpreter,
        "interpreter_language": source.interpreter_language,
        "needs_accessible_room": bool(source.accessibility_needs),
        "note": source.accessibility_needs,
    }


def seen_value(slot: Slot) -> str:
    """A time's value on the page, carrying when it started as shown: if staff change the
    time before the family books, the booking is refused rather than made at another hour."""
    return f"{slot.pk}{SEEN}{int(slot.starts_at.timestamp())}"


def read_seen(value: str) -> tuple[int, int | None] | None:
    """``(slot id, start as shown)`` from a posted value, or None for anything else. A bare
    id (a link, an older page) is read without its start."""
    pk, _sep, seen = value.partition(SEEN)
    if an_id(pk) is None or (seen and an_id(seen) is None):
        return None
    return int(pk), int(seen) if seen else None


def has_moved(slot: Slot, seen: int | None) -> bool:
    return seen is not None and seen != int(slot.starts_at.timestamp())


class TimeRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What times would suit you?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: any weekday after 6pm, or a phone call at lunchtime."),
    )
