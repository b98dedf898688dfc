"""Privacy under the Privacy Act 2020: a school's notice and retention policy, the requests
people make for their information (IPP 6) or its correction (IPP 7), and the exports that
answer them or let a school take all its data elsewhere."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models.people import Student
from partnerships.models.schools import School, Staff

# Years, whatever the setting: long enough for any policy, short enough to be a policy.
YEARS = [MinValueValidator(1), MaxValueValidator(50)]


class PrivacyPolicy(models.Model):
    """A school's privacy notice, privacy officer and how long it keeps what it holds.

    A school without a row has the defaults (``privacy.policy_of``): the notice template,
    every leader as privacy officer, records kept 7 years after a student leaves."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="privacy")
    # Empty: the notice template, filled in with the school's name.
    notice = models.TextField(_("privacy notice"), max_length=20000, blank=True)
    notice_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    officer = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy officer"),
        help_text=_("The leader who answers privacy requests. Nobody chosen: every leader."),
    )
    records_years = models.PositiveSmallIntegerField(
        _("keep a student’s records for (years after they leave)"), default=7, validators=YEARS
    )
    evidence_years = models.PositiveSmallIntegerField(
        _("keep photos and files of learning for (years after they are added)"),
        default=7,
        validators=YEARS,
    )
    audit_years = models.PositiveSmallIntegerField(
        _("keep the record of who viewed and changed what for (years)"),
        default=7,
        validators=YEARS,
    )
    # Retention removes nothing until 14 days after a period was last set or changed, so
    # leaders see in the preview what will go before it goes.
    periods_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("privacy policy")
        verbose_name_plural = _("privacy policies")

    def __str__(self) -> str:
        return str(self.school)


class PrivacyRequest(models.Model):
    """Someone asks for the information the school holds about them (access) or for a change
    to it (correction). Due 20 working days after it is received."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access to my information")
        CORRECTION = "correction", _("Correction of my information")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SENT = "sent", _("Information sent")
        CORRECTED = "corrected", _("Corrected")
        DECLINED = "declined", _("Declined, with the statement attached")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="privacy_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_requests"
    )
    # The child the request is about, for whānau; the student themself; none for staff.
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    details = models.TextField(_("what you are asking for"), max_length=4000, blank=True)
    # A correction: the record to change ("learners.goal", its id), and the change asked for.
    record_type = models.CharField(max_length=60, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    due_on = models.DateField(_("due"))
    # An access request: whether the school agreed to include the child's record.
    include_student = models.BooleanField(default=False)
    # A correction declined: why, and the person's statement of correction, shown with the record.
    response = models.TextField(_("our answer"), max_length=4000, blank=True)
    statement = models.TextField(_("statement of correction"), max_length=4000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["school", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_at:%Y-%m-%d})"


def export_path(instance, filename: str) -> str:
    # A random name: nothing about whose export it is.
    return f"exports/{instance.school_id}/{secrets.token_hex(16)}"


class PrivacyExport(models.Model):
    """A zip built in the background: a person's information (for an access request) or a whole
    school's. Stored encrypted, downloaded only by the person it is for, gone after a week."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be built")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be built")
        EXPIRED = "expired", _("Expired")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="privacy_exports")
    # None: the whole school's data, for the leader who asked.
    request = models.OneToOneField(
        PrivacyRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="export"
    )
    # The only person who may download it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_exports"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=export_path, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("privacy export")
        verbose_name_plural = _("privacy exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.school_id}/{self.pk} {self.status}"
