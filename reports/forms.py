"""Forms of written reports: the school's part, the student's reflection, the family's words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports import publishing, services
from reports.models import DispositionProgress, Report

NOT_REPORTED = [("", _("Not reported this round"))]


class ReportForm(forms.Form):
    """A level and a short comment per learning area, progress per disposition, and the
    teacher's words. Fields are made from the school's own lists."""

    teacher_comment = forms.CharField(
        label=_("Teacher’s comment"),
        required=False,
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you know of their learning this round, in words the family uses."),
    )
    support_note = forms.CharField(
        label=_("Learning support"),
        required=False,
        max_length=services.SUPPORT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Report._meta.get_field("support_note").help_text,
    )

    def __init__(self, *args, report: Report, areas, dispositions, levels, **kwargs):
        initial = {"teacher_comment": report.teacher_comment, "support_note": report.support_note}
        for judgement in report.judgements.all():
            initial[f"area_{judgement.learning_area_id}"] = str(judgement.level_id)
            initial[f"area_{judgement.learning_area_id}_comment"] = judgement.comment
        for progress in report.dispositions.all():
            initial[f"disposition_{progress.disposition_id}"] = progress.progress
            initial[f"disposition_{progress.disposition_id}_comment"] = progress.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.areas, self.dispositions = areas, dispositions
        level_choices = NOT_REPORTED + [(str(level.pk), level.label) for level in levels]
        for area in areas:
            self.fields[f"area_{area.pk}"] = forms.ChoiceField(
                label=area.label, choices=level_choices, required=False
            )
            self.fields[f"area_{area.pk}_comment"] = self._comment(area.label)
        progress_choices = NOT_REPORTED + list(DispositionProgress.Progress.choices)
        for disposition in dispositions:
            self.fields[f"disposition_{disposition.pk}"] = forms.ChoiceField(
                label=disposition.label, choices=progress_choices, required=False
            )
            self.fields[f"disposition_{disposition.pk}_comment"] = self._comment(disposition.label)

    @staticmethod
    def _comment(name: str) -> forms.CharField:
        return forms.CharField(
            label=_("Comment on %(name)s") % {"name": name},
            required=False,
            max_length=services.SHORT_MAX,
        )

    def rows(self) -> dict:
        """Bound fields in pairs (the choice and its comment), for the template's tables."""
        return {
            "areas": [
                (self[f"area_{area.pk}"], self[f"area_{area.pk}_comment"]) for area in self.areas
            ],
            "dispositions": [
                (self[f"disposition_{each.pk}"], self[f"disposition_{each.pk}_comment"])
                for each in self.dispositions
            ],
        }

    def for_service(self) -> dict:
        data = self.cleaned_data
        return {
            "teacher_comment": data["teacher_comment"],
            "support_note": data["support_note"],
            "judgements": {
                area.pk: {
                    "level": int(data[f"area_{area.pk}"]) if data[f"area_{area.pk}"] else None,
                    "comment": data[f"area_{area.pk}_comment"],
                }
                for area in self.areas
            },
            "dispositions": {
                each.pk: {
                    "progress": data[f"disposition_{each.pk}"],
                    "comment": data[f"disposition_{each.pk}_comment"],
                }
                for each in self.dispositions
            },
        }


class ReflectionForm(forms.Form):
    text = forms.CharField(
        label=_("My reflection"),
        max_length=services.REFLECTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What am I proud of? What was hard, and how did I keep going? What do I want to "
            "learn next?"
        ),
        error_messages={"required": _("Write a few words about your learning.")},
    )


class HomeHelpForm(forms.Form):
    prefix = "home"  # beside ResponseForm on one page: its own ids
    text = forms.CharField(
        label=_("How you can help at home"),
        max_length=publishing.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Write it together: what you will do at home, and what the student will do."),
        error_messages={"required": _("Write a few words about how you will help at home.")},
    )


class ResponseForm(forms.Form):
    prefix = "response"
    text = forms.CharField(
        label=_("Your response to the school"),
        max_length=publishing.RESPONSE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your response first.")},
    )
