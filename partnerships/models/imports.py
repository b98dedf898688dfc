"""Imports from a school's student management system: a file read once, mapped, checked, then
applied; and the column mappings a school keeps for next time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerships.models.schools import School


class ImportPreset(models.Model):
    """A named column mapping (“KAMAR export”), kept per school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_presets")
    name = models.CharField(_("name"), max_length=80)
    # field name → column header, as the file names it
    mapping = models.JSONField(_("mapping"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import preset")
        verbose_name_plural = _("import presets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="import_preset_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One file on its way in: uploaded → mapped → checked (the preview) → imported.

    The file is read once at upload into ``headers`` and ``rows``; they are emptied when the
    import ends or is discarded, so a child's details are not kept twice."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Choosing columns")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Stopped")
        DISCARDED = "discarded", _("Discarded")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.MAPPING
    )
    headers = models.JSONField(default=list)
    rows = models.JSONField(default=list)  # the file's rows after the header, as text
    header_row = models.PositiveIntegerField(default=1)  # the file's row number of the headers
    mapping = models.JSONField(default=dict)  # field name → column header
    options = models.JSONField(default=dict)  # e.g. whether to invite new whānau
    preview = models.JSONField(default=dict)  # the check's counts, changes and row errors
    result = models.JSONField(default=dict)  # what the import did
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)  # why it stopped, in the leader's words
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return self.filename
