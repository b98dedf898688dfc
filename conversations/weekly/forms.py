"""The student's weekly update form, and whānau replies."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.weekly.models import WeeklyUpdate
from learners.models import Goal
from partnerships.files import checked_upload


class PhotoInput(forms.ClearableFileInput):
    """Choose a photo. The page shows the current one itself, as a preview through the photo
    view: its stored name is an internal path, with no address of its own to link to.

    Ticking the page's "remove" box (``clear_checkbox_name``) still clears it."""

    def is_initial(self, value) -> bool:
        return False


class WeeklyUpdateForm(forms.ModelForm):
    """This week's update, in the student's own words."""

    class Meta:
        model = WeeklyUpdate
        fields = ["learned", "proud_of", "working_on", "goal", "question_for_home", "photo"]
        widgets = {
            "learned": forms.Textarea(attrs={"rows": 3}),
            "proud_of": forms.Textarea(attrs={"rows": 2}),
            "working_on": forms.Textarea(attrs={"rows": 2}),
            "photo": PhotoInput(attrs={"accept": "image/*"}),
        }
        error_messages = {
            field: {
                "max_length": _(
                    "Please keep this under %(limit_value)d characters (it has %(show_value)d)."
                )
            }
            for field in ("learned", "proud_of", "working_on", "question_for_home")
        }

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(
            student=student, status=Goal.Status.ACTIVE
        )
        self.fields["learned"].error_messages["required"] = _(
            "Write a little about what you learned: an update can’t go home empty."
        )

    @property
    def photo_clear_name(self) -> str:
        """The "remove this photo" box's name, as the photo's widget reads it."""
        return self.fields["photo"].widget.clear_checkbox_name(self.add_prefix("photo"))

    @property
    def photo_clear_id(self) -> str:
        return self.fields["photo"].widget.clear_checkbox_id(self.photo_clear_name)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo is not self.initial.get("photo"):
            photo = checked_upload(photo, photos_only=True)
        return photo


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something before sending your reply.")},
    )
