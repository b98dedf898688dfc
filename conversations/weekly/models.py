"""The weekly update home, written by the student, and its deliveries to whānau."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.models import Voice

UPDATE_FIELD_MAX = 1000


def update_photo_path(instance, filename: str) -> str:
    return f"updates/{instance.student.school_id}/{secrets.token_hex(16)}"


class WeeklyUpdateQuerySet(models.QuerySet):
    def ready_to_send(self):
        """Submitted, and approved where the school asks for approval. Never a draft, and
        never a leaver's: their whānau get no more weekly emails."""
        return self.filter(
            Q(status=WeeklyUpdate.Status.APPROVED)
            | Q(status=WeeklyUpdate.Status.SUBMITTED, student__school__updates_need_approval=False),
            student__left_on__isnull=True,
        ).exclude(learned="")


class WeeklyUpdate(models.Model):
    """A student's update to their whānau about this week's learning."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Written")
        APPROVED = "approved", _("Approved")

    student = models.ForeignKey(
        "partnerships.Student", on_delete=models.CASCADE, related_name="weekly_updates"
    )
    week = models.DateField(_("week beginning"))
    learned = models.TextField(_("what I learned"), max_length=UPDATE_FIELD_MAX)
    proud_of = models.TextField(_("what I’m proud of"), max_length=UPDATE_FIELD_MAX, blank=True)
    working_on = models.TextField(
        _("what I’m working on next"), max_length=UPDATE_FIELD_MAX, blank=True
    )
    goal = models.ForeignKey(
        "learners.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the goal it’s part of"),
    )
    question_for_home = models.CharField(_("a question for home"), max_length=300, blank=True)
    photo = models.FileField(_("photo"), upload_to=update_photo_path, blank=True)
    photo_type = models.CharField(max_length=40, blank=True)
    written_with_teacher = models.BooleanField(_("written with my teacher"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when its deliveries are written: from then on it has gone home and cannot change.
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WeeklyUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly update")
        verbose_name_plural = _("weekly updates")
        ordering = ["-week"]
        indexes = [
            # The week's updates waiting for approval, counted for a whole school's week.
            models.Index(fields=["week", "status"], name="update_week_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["student", "week"], name="one_update_per_week"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="approved_update_has_approval_time",
            ),
            # Only a written update goes home.
            models.CheckConstraint(
                condition=~Q(status="draft") | Q(queued_at__isnull=True),
                name="draft_update_never_queued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.week}"


class WeekSend(models.Model):
    """One school's week of updates: when teachers were reminded, and when its updates were
    last written to the outbox (updates approved late are written by a later run)."""

    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, related_name="week_sends"
    )
    week = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "week"], name="one_send_per_school_week"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.week}"


class UpdateDelivery(models.Model):
    """One update to one whānau member: written with its email in the outbox, and marked as
    the outbox sends it (or says why it could not)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    update = models.ForeignKey(WeeklyUpdate, on_delete=models.CASCADE, related_name="deliveries")
    whanau = models.ForeignKey(
        "partnerships.WhanauMember", on_delete=models.CASCADE, related_name="deliveries"
    )
    link = models.ForeignKey(
        "partnerships.WhanauLink", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When they first opened the update in the browser: no tracking pixel in the email.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # Exactly once: the row exists before the email does.
            models.UniqueConstraint(fields=["update", "whanau"], name="deliver_once"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="sent_delivery_has_sent_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.update_id} → {self.whanau_id}: {self.status}"


class UpdateReplyQuerySet(models.QuerySet):
    def unanswered_whanau(self):
        """Whānau replies with no later word from the school on the same update."""
        later = Q(created_at__gt=models.OuterRef("created_at")) | Q(
            created_at=models.OuterRef("created_at"), pk__gt=models.OuterRef("pk")
        )
        answered = UpdateReply.objects.filter(
            later, update=models.OuterRef("update"), voice__in=Voice.school_voices()
        )
        return self.filter(voice=Voice.WHANAU).exclude(models.Exists(answered))


class UpdateReply(models.Model):
    """A reply to a weekly update, from the browser. Whānau replies count as whānau voice."""

    update = models.ForeignKey(WeeklyUpdate, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voice = models.CharField(max_length=16, choices=Voice.choices)
    body = models.TextField(_("your reply"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UpdateReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]
