"""Forms for inviting people, joining, and whānau details and preferences."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from partnerships.cards import clean_key
from partnerships.languages import LanguageSelect, own_names
from partnerships.models import (
    CARD_CODE_LENGTH,
    Classroom,
    Staff,
    Student,
    User,
    WhanauLink,
    WhanauMember,
    normalise_card_code,
)


def offer_languages(field, languages, *, keep: str | None = None) -> None:
    """Offer only the school's languages (``School.languages``), each in its own name; and the
    one already chosen, so a family's other changes still save when the school stops offering
    theirs."""
    field.widget = LanguageSelect(attrs=field.widget.attrs)
    field.widget.is_required = field.required
    offered = [code for code in languages or [] if isinstance(code, str)] or None
    field.choices = own_names(None if offered is None else [*offered, keep])
    if offered and field.initial not in offered:
        field.initial = offered[0]


class StaffInviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Staff.Role.choices, initial=Staff.Role.TEACHER
    )


class WhanauInviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    relationship = forms.ChoiceField(
        label=_("Relationship to the student"),
        choices=WhanauLink.Relationship.choices,
        initial=WhanauLink.Relationship.PARENT,
    )
    language = forms.ChoiceField(
        label=_("Language for the invitation"), choices=settings.LANGUAGES, initial="en"
    )

    def __init__(self, *args, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_languages(self.fields["language"], languages)


class WhanauJoinForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    language = forms.ChoiceField(label=_("Your language"), choices=settings.LANGUAGES)

    def __init__(self, *args, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_languages(self.fields["language"], languages, keep=self.initial.get("language"))


class StaffJoinForm(SetPasswordMixin, forms.Form):
    """A new member of staff gives their name and, for a new account, chooses a password."""

    error_messages = {"password_mismatch": _("The two passwords are not the same.")}

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Choose a password"), label2=_("Type the password again")
    )

    def __init__(self, *args, email: str, needs_password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        if not needs_password:  # an existing account keeps the password it has
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self):
        cleaned = super().clean()
        if "password1" in self.fields:
            self.validate_passwords()
            # Checked against the account-to-be, so a password like the email is refused.
            self.validate_password_for_user(User(email=self.email), "password1")
        return cleaned


class WhanauLinkForm(forms.ModelForm):
    class Meta:
        model = WhanauLink
        fields = ["relationship", "has_access", "receives_weekly_update"]


PREFERENCE_FIELDS = [
    "preferred_language",
    "preferred_contact",
    "preferred_meeting_times",
    "needs_childcare",
    "needs_interpreter",
    "interpreter_language",
    "accessibility_needs",
]


class WhanauMemberForm(forms.ModelForm):
    """A whānau member's contact details and preferences, as staff record them."""

    class Meta:
        model = WhanauMember
        fields = ["name", "phone", *PREFERENCE_FIELDS]

    def __init__(self, *args, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_languages(
            self.fields["preferred_language"], languages, keep=self.instance.preferred_language
        )


class WhanauPreferencesForm(forms.ModelForm):
    """The same preferences, as the whānau member sets them for themselves."""

    class Meta:
        model = WhanauMember
        fields = ["phone", *PREFERENCE_FIELDS]
        labels = {
            "preferred_meeting_times": _("Times that suit you for a conversation"),
            "needs_childcare": _("I need childcare to come to a meeting"),
            "needs_interpreter": _("I would like an interpreter"),
        }

    def __init__(self, *args, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_languages(
            self.fields["preferred_language"], languages, keep=self.instance.preferred_language
        )


class CardCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code on your card"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    # The key a card's QR code carries (``partnerships.cards``), passed on from its link.
    key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nobody types the key: anything that is not one is ignored (not even a NUL is an
        # error the child would see nothing of, on a hidden field).
        self.fields["key"].validators = []

    def clean_code(self) -> str:
        code = normalise_card_code(self.cleaned_data["code"])
        if len(code) != CARD_CODE_LENGTH:
            raise forms.ValidationError(
                _("A card code has %(n)s letters and numbers, like ABCD-2345."),
                params={"n": CARD_CODE_LENGTH},
            )
        return code

    def clean_key(self) -> str:
        return clean_key(self.cleaned_data["key"])


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
        # Only this school's classes and current staff can be chosen: a forged id, or someone
        # who has left, is a field error.
        self.fields["classroom"].queryset = Classroom.objects.filter(school_id=school_id)
        self.fields["assigned_teachers"].queryset = User.objects.filter(
            staff_memberships__school_id=school_id, staff_memberships__left_at__isnull=True
        ).order_by("name")


class RecordHistoryForm(forms.Form):
    """Which of a student's audit events a leader reads: everything, the looks, or the changes."""

    EVERYTHING, VIEWS, CHANGES = "", "views", "changes"

    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (EVERYTHING, _("Views and changes")),
            (VIEWS, _("Who looked at the record")),
            (CHANGES, _("Changes only")),
        ],
    )


def an_id(value: str) -> int | None:
    """A number sent by the page (an id, a time's start), or None: ASCII digits only ("²" is
    a digit to ``str.isdigit``, and no number to the database), short enough to be one."""
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None
