"""Written reports to whānau: rounds, each student's report, the versions whānau read, and what
the family writes back.

A report is written by its teacher, reflected on by the student, and published as a version:
a frozen copy (``ReportVersion.content``) that whānau and the student read and download. A
correction after publishing is edited on the report and published as the next version; every
version is kept. "How you can help at home" and responses belong to the report, not a version:
they are the family's, written after the school's part went home.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from learners.models import Disposition, LearningArea, SchoolList
from partnerships.models import Classroom, School, Student, Voice

# The scale a school starts with: (name, whether a judgement at it signals a concern).
DEFAULT_SCALE = [
    (gettext_noop("Working towards expectations"), True),
    (gettext_noop("At expectations"), False),
    (gettext_noop("Beyond expectations"), False),
]


class AchievementLevel(SchoolList):
    """A point on the school's achievement scale, lowest first."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="achievement_levels")
    defaults = tuple(name for name, _concern in DEFAULT_SCALE)
    is_concern = models.BooleanField(
        _("signals a concern"),
        default=False,
        help_text=_(
            "A judgement at this level must have been talked through with whānau before the "
            "report goes home."
        ),
    )

    class Meta(SchoolList.Meta):
        verbose_name = _("achievement level")
        verbose_name_plural = _("achievement levels")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="achievement_level_once"),
        ]


class ReportRound(models.Model):
    """A reporting round, such as “Mid-year 2026”: the classes it covers and when it is due."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="report_rounds")
    name = models.CharField(_("name"), max_length=100, help_text=_("For example: Mid-year 2026."))
    period_starts_on = models.DateField(
        _("covers learning since"),
        help_text=_(
            "Concerns in a report must have been talked through with whānau since this day."
        ),
    )
    due_on = models.DateField(_("reports go home by"))
    classes = models.ManyToManyField(
        Classroom, related_name="report_rounds", verbose_name=_("classes")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report round")
        verbose_name_plural = _("report rounds")
        ordering = ["-due_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="report_round_name_once"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("period_starts_on")),
                name="report_round_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("report_round_detail", args=[self.pk])


class Report(models.Model):
    """One student's report in a round: what the school writes, and the student's reflection.

    ``status`` is where the next version stands; ``published_version`` is the number of the
    version whānau read (0 before the first). Editing a published report starts a correction:
    the status goes back to draft while whānau keep reading the version they have.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REFLECTION = "reflection", _("With the student to reflect")
        READY = "ready", _("Ready")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    round = models.ForeignKey(ReportRound, on_delete=models.CASCADE, related_name="reports")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    teacher_comment = models.TextField(_("teacher’s comment"), max_length=4000, blank=True)
    support_note = models.TextField(
        _("learning support"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Support the student has or needs. Whānau must have talked this through with you "
            "before the report goes home."
        ),
    )
    student_reflection = models.TextField(_("my reflection"), max_length=4000, blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    home_help = models.TextField(_("how you can help at home"), max_length=4000, blank=True)
    home_help_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    home_help_voice = models.CharField(max_length=16, choices=Voice.choices, blank=True)
    home_help_at = models.DateTimeField(null=True, blank=True)
    published_version = models.PositiveSmallIntegerField(default=0)
    # The last time the no-surprises check held it back, and what it held: cleared on publishing.
    held_at = models.DateTimeField(null=True, blank=True)
    held = models.JSONField(default=list, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["student__last_name", "student__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="one_report_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.student}"

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_version > 0

    @property
    def is_correction(self) -> bool:
        """Published before, with changes whānau have not been sent yet."""
        return self.is_published and self.status != self.Status.PUBLISHED


class Judgement(models.Model):
    """Where a student stands in one learning area, on the school's scale."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="judgements")
    learning_area = models.ForeignKey(LearningArea, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(AchievementLevel, on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "learning_area"], name="one_judgement_per_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learning_area}: {self.level}"


class DispositionProgress(models.Model):
    """How a student is growing in one of the school's learning dispositions."""

    class Progress(models.TextChoices):
        STRENGTH = "strength", _("A strength")
        GROWING = "growing", _("Growing")
        CONCERN = "concern", _("A concern we are working on")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dispositions")
    disposition = models.ForeignKey(Disposition, on_delete=models.PROTECT, related_name="+")
    progress = models.CharField(_("progress"), max_length=16, choices=Progress.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "disposition"], name="one_progress_per_disposition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disposition}: {self.get_progress_display()}"


class ReportVersion(models.Model):
    """A report as it went home: what whānau read, print and keep. Never changed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    changed = models.JSONField(default=list)  # the sections that differ from the version before
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField()
    unraised = models.JSONField(default=list)  # concerns published anyway, by a leader
    # At most 200 characters, so it survives whole in the audit row's summary (300).
    override_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} (v{self.number})"


class ReportResponse(models.Model):
    """What whānau or the student say back to the school about a published report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voice = models.CharField(max_length=16, choices=Voice.choices)
    body = models.TextField(_("your response"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("response to a report")
        verbose_name_plural = _("responses to reports")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class PublishRun(models.Model):
    """Publishing a class's reports in the background: its progress, and what the check held."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Publishing")
        DONE = "done", _("Done")

    round = models.ForeignKey(ReportRound, on_delete=models.CASCADE, related_name="runs")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    report_ids = models.JSONField(default=list)  # what it publishes, in order, fixed at the start
    done = models.PositiveIntegerField(default=0)
    published = models.PositiveIntegerField(default=0)
    held = models.JSONField(default=list)  # ids of reports the no-surprises check held back
    not_ready = models.JSONField(default=list)  # ids of reports not ready to publish
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("publishing a class")
        verbose_name_plural = _("publishing classes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.classroom}"

    @property
    def total(self) -> int:
        return len(self.report_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100
