"""The import pages' forms: the file to upload, which column holds what, and the go-ahead."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from partnerships.imports.fields import FIELDS
from partnerships.imports.services import MAX_BYTES

KIND_CHOICES = [
    ("students", _("Students (one row each, with their caregivers)")),
    ("caregivers", _("Caregivers (one row each)")),
]
EXAMPLES = 3  # the file's first rows shown for each column
EXAMPLE_LENGTH = 24  # characters of each example in a column's choice


def _upload_help() -> str:
    return _("A CSV or Excel (.xlsx) file of up to %(size)s.") % {"size": filesizeformat(MAX_BYTES)}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Your file"),
        help_text=lazy(_upload_help, str)(),
        error_messages={
            "required": _("Choose the file your student system exported."),
            "empty": _("That file is empty. Export it again from your student system."),
            "invalid": _("That did not arrive as a file. Choose it again."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    kind = forms.ChoiceField(
        label=_("Each row of the file is"),
        choices=KIND_CHOICES,
        initial="students",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what each row of the file is.")},
    )


def column_examples(headers: list[str], rows: list[list[str]]) -> dict[str, list[str]]:
    """The first few values under each column (blank cells skipped), for the leader to see
    what each holds."""
    examples: dict[str, list[str]] = {header: [] for header in headers}
    for row in rows[: EXAMPLES * 10]:
        for header, cell in zip(headers, row, strict=False):
            value = str(cell).strip()
            if value and len(examples[header]) < EXAMPLES:
                examples[header].append(value)
    return examples


def _shorten(text: str) -> str:
    return text if len(text) <= EXAMPLE_LENGTH else text[: EXAMPLE_LENGTH - 1] + "…"


class MappingForm(forms.Form):
    """For each field of the kind, the file's column that holds it (or none)."""

    preset_name = forms.CharField(
        label=_("Save these columns as"),
        max_length=80,
        required=False,
        help_text=_("A name such as “KAMAR export”, to choose these columns again next time."),
    )

    def __init__(self, *args, kind: str, headers: list[str], examples: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = [("", _("Not in this file"))]
        for header in dict.fromkeys(h for h in headers if h):
            shown = ", ".join(_shorten(value) for value in examples.get(header, []))
            choices.append((header, f"{header} ({shown})" if shown else header))
        fields = {}
        for field in FIELDS[kind]:
            fields[field.name] = forms.ChoiceField(
                label=field.label,
                choices=choices,
                required=field.required,
                help_text=field.help,
                error_messages={
                    "required": _("Choose the column that holds this: it is needed."),
                    "invalid_choice": _("That column is not in this file. Choose another."),
                },
            )
        # The columns first, in the kind's order; the preset's name last.
        self.fields = fields | {"preset_name": self.fields["preset_name"]}

    def groups(self) -> list[tuple[str, list]]:
        """The fields' bound fields, grouped as the kind groups them (student, caregiver 1…)."""
        grouped: dict[str, list] = {}
        for field in FIELDS[self.kind]:
            grouped.setdefault(str(field.group), []).append(self[field.name])
        return list(grouped.items())

    def mapping(self) -> dict[str, str]:
        return {field.name: self.cleaned_data.get(field.name) or "" for field in FIELDS[self.kind]}


class ConfirmForm(forms.Form):
    invite = forms.BooleanField(
        label=_("Email an invitation to each new whānau member"),
        required=False,
        initial=True,
    )
