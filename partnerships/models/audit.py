"""The audit trail of who viewed or changed a student's record."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models.people import Student
from partnerships.models.schools import School


class AuditEventQuerySet(models.QuerySet):
    def views(self):
        return self.filter(action=AuditEvent.Action.VIEWED)

    def changes(self):
        return self.exclude(action=AuditEvent.Action.VIEWED)


class AuditEvent(models.Model):
    """Who viewed or changed a student's record, and when. Written only by ``partnerships.audit``:
    a change by ``record`` (or ``record_many``), a look by ``viewed``, once a visit."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        INVITED = "invited", _("Invited")
        JOINED = "joined", _("Joined")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("what"), max_length=60)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # What only the school's staff may read (why a comment was hidden): never in ``summary``,
    # which whānau and the student see in a goal's history.
    staff_note = models.CharField(_("note for staff"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "-at"], name="audit_student_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"

    @property
    def object_label(self) -> str:
        """What was viewed or changed, in the reader's language: “student”, “goal”…"""
        from django.apps import apps

        try:
            return apps.get_model(self.object_type)._meta.verbose_name
        except (LookupError, ValueError):
            return self.object_type

    @property
    def is_view(self) -> bool:
        return self.action == self.Action.VIEWED
