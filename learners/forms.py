"""Forms for students, their goals, next steps, evidence and comments, and card sign-in."""

import io

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from learners.models import (
    CARD_CODE_LENGTH,
    COMMENT_MAX_LENGTH,
    Classroom,
    Disposition,
    Evidence,
    Goal,
    HomeActivity,
    LearningArea,
    NextStep,
    Student,
    normalise_card_code,
)
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

    def save(self, commit=True):
        if "status" in self.cleaned_data:
            self.instance.status = self.cleaned_data["status"]
        return super().save(commit)


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


# What each accepted file starts with. The browser's word for the type is not trusted.
FILE_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", Evidence.Kind.PHOTO),
    (b"\x89PNG\r\n\x1a\n", "image/png", Evidence.Kind.PHOTO),
    (b"GIF87a", "image/gif", Evidence.Kind.PHOTO),
    (b"GIF89a", "image/gif", Evidence.Kind.PHOTO),
    (b"%PDF-", "application/pdf", Evidence.Kind.PDF),
]


def _sniff(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, kind in FILE_SIGNATURES:
        if head.startswith(signature):
            return content_type, kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", Evidence.Kind.PHOTO
    return None


PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}


def _without_metadata(upload, content_type: str) -> ContentFile:
    """Re-encode a photo: upright, and without EXIF data such as where it was taken."""
    try:
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            if content_type == "image/jpeg" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format=PILLOW_FORMATS[content_type], quality=88)
    except (OSError, Image.DecompressionBombError, ValueError) as error:
        raise forms.ValidationError(
            _("We couldn’t read that photo. Try taking it again or saving it as a JPEG.")
        ) from error
    return ContentFile(out.getvalue(), name=upload.name)


def checked_upload(upload, *, photos_only: bool = False):
    """A size- and type-checked upload (photos re-encoded without EXIF), or a ValidationError.

    Sets ``checked_content_type`` and ``evidence_kind`` on the returned file.
    """
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise forms.ValidationError(
            _("That file is %(size)s MB; the limit is %(limit)s MB. Try a smaller photo."),
            params={
                "size": round(upload.size / 1_000_000, 1),
                "limit": settings.EVIDENCE_MAX_BYTES // 1_000_000,
            },
        )
    head = upload.read(16)
    upload.seek(0)
    sniffed = _sniff(head)
    if sniffed is None or (photos_only and sniffed[1] != Evidence.Kind.PHOTO):
        if photos_only:
            raise forms.ValidationError(_("Only photos (JPEG, PNG, GIF, WebP) can be added."))
        raise forms.ValidationError(_("Only photos (JPEG, PNG, GIF, WebP) and PDFs can be added."))
    content_type, kind = sniffed
    if kind == Evidence.Kind.PHOTO:
        upload = _without_metadata(upload, content_type)
    upload.checked_content_type, upload.evidence_kind = content_type, kind
    return upload


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

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        return checked_upload(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("note") and not cleaned.get("file"):
            raise forms.ValidationError(_("Add a note, a photo or a PDF."))
        return cleaned
