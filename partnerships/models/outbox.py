"""The outbox: every email the app sends is a row here first, written in the same transaction
as the change that causes it, and sent by one module (``partnerships.outbox``)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models.schools import School


def new_message_id() -> str:
    # Fixed when the row is written, so a send repeated after a crash carries the same id and
    # the receiving server and the family's mail program can drop the copy.
    return f"<{uuid.uuid4().hex}@mahitahi.outbox>"


class OutboxQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting to go, its time come, and nobody holding it (or their lease run out)."""
        return self.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=OutboxEmail.Status.QUEUED,
            send_after__lte=now,
        )


class OutboxEmail(models.Model):
    """One email to one person, about one thing: its ``kind`` says how to build it from
    ``params`` when it is sent, so it always reflects who may still be told."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")
        SKIPPED = "skipped", _("Not sent")

    # What the email is about, once: writing the same key again writes nothing.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    message_id = models.CharField(max_length=100, default=new_message_id, editable=False)
    to = models.CharField(max_length=254, blank=True)  # filled in when it is sent
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField(default=timezone.now)
    # A sender holds the row until this time; a long batch renews it, a dead sender's lapses.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.UUIDField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)  # in plain words, for staff
    sent_at = models.DateTimeField(null=True, blank=True)
    # False while a kind that records its sends in bulk (``sent_many``) has yet to hear of it.
    recorded = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(
                fields=["send_after"], condition=Q(status="queued"), name="outbox_waiting"
            ),
            models.Index(fields=["kind"], condition=Q(recorded=False), name="outbox_unrecorded"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.status}"
