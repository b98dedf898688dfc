"""Forms for students, their goals, next steps, evidence and comments, and card sign-in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learners.models import (
    COMMENT_MAX_LENGTH,
    Disposition,
    Goal,
    HomeActivity,
    LearningArea,
    NextStep,
)
from partnerships.files import checked_upload


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "success_criteria", "learning_area", "dispositions", "target_date"]
        widgets = {
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dispositions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, school_id: int, can_set_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this school's lists: a forged id from another school is a field error.
        self.fields["learning_area"].queryset = LearningArea.objects.filter(school_id=school_id)
        self.fields["dispositions"].queryset = Disposition.objects.filter(school_id=school_id)
        if can_set_status:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=Goal.Status.choices, initial=self.instance.status
            )


class NextStepForm(forms.ModelForm):
    class Meta:
        model = NextStep
        fields = ["text", "where", "taken_by"]


class HomeActivityForm(forms.ModelForm):
    class Meta:
        model = HomeActivity
        fields = ["title", "instructions"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 4})}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write something before posting."),
            "max_length": _(
                "Please keep a comment under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write something before posting."))
        return body


class HideCommentForm(forms.Form):
    reason = forms.CharField(label=_("Why hide it?"), max_length=300)


class EvidenceForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(
        label=_("Photo or PDF"),
        required=False,
        help_text=_("A photo (JPEG, PNG, GIF or WebP) or a PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    shows_others = forms.BooleanField(
        label=_("This shows other children"),
        required=False,
        help_text=_(
            "Tick this if other children can be seen in the photo or PDF. It is kept from "
            "families until a kaiako has checked it may be shared."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        return checked_upload(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("note") and not cleaned.get("file"):
            raise forms.ValidationError(_("Add a note, a photo or a PDF."))
        # A note alone shows nobody: the box counts only with a photo or PDF.
        cleaned["shows_others"] = bool(cleaned.get("shows_others") and cleaned.get("file"))
        return cleaned
