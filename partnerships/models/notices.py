"""Notices: telling a person that something of theirs happened, when they want to hear.

A ``Notice`` is one thing for one person: a whānau member (who may not have signed in yet,
and is written to at their address with the school) or a user (a student, or staff). Each
person keeps their own rhythm (``Rhythmic``): per kind of notice, at once, a daily or a weekly
digest, or never by email; and quiet hours in which nothing is sent. Whatever the rhythm,
the notice waits on their home page.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models.schools import School


class Rhythm(models.TextChoices):
    INSTANT = "instant", _("At once")
    DAILY = "daily", _("In a daily email")
    WEEKLY = "weekly", _("In a weekly email")
    OFF = "off", _("Not by email")


class Rhythmic(models.Model):
    """How often a person hears from us, and when never: the same for whānau and users."""

    # {kind: rhythm}; a kind not named takes its default (``partnerships.notices``).
    notice_rhythms = models.JSONField(default=dict, blank=True)
    quiet_from = models.TimeField(
        _("quiet from"), null=True, blank=True, default=datetime.time(21, 0)
    )
    quiet_until = models.TimeField(
        _("quiet until"), null=True, blank=True, default=datetime.time(7, 0)
    )
    digest_time = models.TimeField(_("digest time"), default=datetime.time(17, 0))
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest day"), choices=School.Weekday.choices, default=School.Weekday.FRIDAY
    )

    class Meta:
        abstract = True


class Notice(models.Model):
    """One thing to tell one person: who did what, about which child, and where to look."""

    kind = models.CharField(max_length=40)
    # What it is about: with its reader, once (a repeated task or double submit adds nothing).
    key = models.CharField(max_length=200)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "partnerships.Student", on_delete=models.CASCADE, related_name="notices"
    )
    whanau = models.ForeignKey(
        "partnerships.WhanauMember",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=200, blank=True)  # the goal, round, report…
    excerpt = models.CharField(max_length=300, blank=True)  # a few words of what they wrote
    url = models.CharField(max_length=300)  # the exact place, a path on this site
    created_at = models.DateTimeField(default=timezone.now)
    # The email it goes in (an outbox key) and when; blank: on the home page only.
    email_key = models.CharField(max_length=200, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # When its reader first opened it: from the email's link or the home page.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(whanau__isnull=True) ^ Q(user__isnull=True),
                name="notice_has_one_reader",
            ),
            models.UniqueConstraint(
                fields=["key", "whanau"], condition=Q(whanau__isnull=False), name="notice_once_w"
            ),
            models.UniqueConstraint(
                fields=["key", "user"], condition=Q(user__isnull=False), name="notice_once_u"
            ),
        ]
        indexes = [
            models.Index(fields=["whanau", "created_at"]),
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["student", "created_at"]),
            models.Index(fields=["email_key"], condition=~Q(email_key=""), name="notice_email"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
