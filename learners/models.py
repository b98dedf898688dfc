"""What a learner learns: goals written together, next steps, evidence, talk about them, and
the inquiry cycle for priority learners."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from partnerships.models import Student, Voice

# The lists a school starts with: stored under these English names, shown in the reader's
# language for as long as the school keeps the name (a name the school typed is shown as typed).
DEFAULT_LEARNING_AREAS = [
    gettext_noop("English"),
    gettext_noop("The arts"),
    gettext_noop("Health and physical education"),
    gettext_noop("Learning languages"),
    gettext_noop("Mathematics and statistics"),
    gettext_noop("Science"),
    gettext_noop("Social sciences"),
    gettext_noop("Technology"),
    gettext_noop("Te reo Māori"),
]
DEFAULT_DISPOSITIONS = [
    gettext_noop("Resilient"),
    gettext_noop("Resourceful"),
    gettext_noop("Responsive"),
]


def shown_name(name: str, defaults) -> str:
    """A school list's name in the active language: a default translated, the school's own as
    it was typed."""
    return gettext(name) if name in defaults else name


class SchoolList(models.Model):
    """An entry in a list each school keeps for itself, in the school's own order.

    Each subclass adds its ``school`` foreign key, named for the school's side.
    """

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    defaults: tuple[str, ...] = ()  # the names every school starts with, in English

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return shown_name(self.name, self.defaults)


class LearningArea(SchoolList):
    """A school's list of learning areas (by default, the NZ curriculum's)."""

    defaults = tuple(DEFAULT_LEARNING_AREAS)

    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, related_name="learning_areas"
    )

    class Meta(SchoolList.Meta):
        verbose_name = _("learning area")
        verbose_name_plural = _("learning areas")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="learning_area_once"),
        ]


class Disposition(SchoolList):
    """A learning disposition a school builds, such as resilient, resourceful, responsive."""

    defaults = tuple(DEFAULT_DISPOSITIONS)

    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, related_name="dispositions"
    )

    class Meta(SchoolList.Meta):
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="disposition_once"),
        ]


def goal_url(goal_id: int, section: str = "") -> str:
    """A goal's page, at one of its sections (``next-steps``, ``evidence``, ``comments``)."""
    url = reverse("goal_detail", args=[goal_id])
    return f"{url}#{section}" if section else url


class GoalQuerySet(models.QuerySet):
    def in_list_order(self):
        """Active first, then achieved, then set aside; newest first within each."""
        order = models.Case(
            models.When(status=Goal.Status.ACTIVE, then=0),
            models.When(status=Goal.Status.ACHIEVED, then=1),
            default=2,
        )
        return self.alias(status_order=order).order_by("status_order", "-created_at", "-pk")

    def with_agreement(self):
        """Whether the student, their whānau and a teacher have agreed, as booleans from SQL."""
        agreed = GoalAgreement.objects.filter(goal=models.OuterRef("pk"))
        return self.annotate(
            student_agreed=models.Exists(agreed.filter(voice=Voice.STUDENT)),
            whanau_agreed=models.Exists(agreed.filter(voice=Voice.WHANAU)),
            school_agreed=models.Exists(agreed.filter(voice__in=Voice.school_voices())),
        )


class Goal(models.Model):
    """A learning goal, co-constructed: who proposed it, and who has agreed to it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        SET_ASIDE = "set_aside", _("Set aside")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    success_criteria = models.TextField(
        _("what success looks like"),
        max_length=2000,
        help_text=_("How will we all know when this goal is reached?"),
    )
    learning_area = models.ForeignKey(
        LearningArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("learning area"),
    )
    dispositions = models.ManyToManyField(
        Disposition, blank=True, related_name="goals", verbose_name=_("dispositions it builds")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_by_voice = models.CharField(_("proposed by"), max_length=16, choices=Voice.choices)
    # Corrections asked for and declined: each person's statement, shown with the goal
    # (``partnerships.privacy.statements``: whose voice, the day, the words; never a name).
    correction_statements = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [models.Index(fields=["student", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self, section: str = "") -> str:
        return goal_url(self.pk, section)


class GoalAgreement(models.Model):
    """One person's agreement to a goal as it stands. Changing the goal asks again."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voice = models.CharField(max_length=16, choices=Voice.choices)
    agreed_at = models.DateTimeField(_("agreed"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(fields=["goal", "user"], name="agree_once_per_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.user} agreed to {self.goal}"


class NextStep(models.Model):
    """An agreed next step towards a goal, at school, at home or both."""

    class Where(models.TextChoices):
        SCHOOL = "school", _("At school")
        HOME = "home", _("At home")
        BOTH = "both", _("At school and at home")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="next_steps")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("next step"), max_length=300)
    where = models.CharField(_("where"), max_length=8, choices=Where.choices, default=Where.SCHOOL)
    taken_by = models.CharField(
        _("who takes it"), max_length=16, choices=Voice.partner_choices(), default=Voice.STUDENT
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return goal_url(self.goal_id, "next-steps")

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class HomeActivity(models.Model):
    """Something a family can do at home for a next step, written to need no help."""

    next_step = models.ForeignKey(NextStep, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=150)
    instructions = models.TextField(
        _("how to do it at home"),
        max_length=2000,
        help_text=_("Plain steps a family can follow without help, e.g. a game to play."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("home-learning activity")
        verbose_name_plural = _("home-learning activities")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


def evidence_path(instance, filename: str) -> str:
    # A random name: the original may hold a child's name, and is kept in the row instead.
    return f"evidence/{instance.goal.student.school_id}/{secrets.token_hex(16)}"


class Evidence(models.Model):
    """Evidence of learning on a goal: a note, a photo or a PDF, from anyone on the goal."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        PHOTO = "photo", _("Photo")
        PDF = "pdf", _("PDF")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voice = models.CharField(max_length=16, choices=Voice.choices)
    # A photo or recording that shows other children is held from whānau until a teacher has
    # checked those children's consent and confirmed it may be shared.
    shows_others = models.BooleanField(_("shows other children"), default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name or self.note[:50]


class GoalCommentQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(hidden_at__isnull=True)

    def unanswered_whanau(self):
        """Whānau comments with no later word from the school on the same goal."""
        answered = GoalComment.objects.filter(
            goal=models.OuterRef("goal"),
            voice__in=Voice.school_voices(),
            created_at__gt=models.OuterRef("created_at"),
        )
        return self.shown().filter(voice=Voice.WHANAU).exclude(models.Exists(answered))


COMMENT_MAX_LENGTH = 2000


class GoalComment(models.Model):
    """A comment on a goal. Its voice (whose it is) feeds the listening dashboards."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voice = models.CharField(max_length=16, choices=Voice.choices)
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Corrections asked for and declined: each person's statement, shown with the comment
    # (``partnerships.privacy.statements``: whose voice, the day, the words; never a name).
    correction_statements = models.JSONField(default=list, blank=True, editable=False)

    objects = GoalCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["goal", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return goal_url(self.goal_id, "comments")


class InquiryStep(models.Model):
    """One dated, signed step of the inquiry cycle for a priority learner.

    The stages run in the order they are declared: identify, know the learner, respond with
    deliberate actions, recognise impact, refocus. Whānau see the steps shared with them and
    may add to those stages; what they write is always shared.
    """

    class Stage(models.TextChoices):
        IDENTIFY = "identify", _("Why a priority")
        KNOW = "know", _("Knowing the learner")
        RESPOND = "respond", _("Deliberate actions")
        IMPACT = "impact", _("Evidence of impact")
        REFOCUS = "refocus", _("Next focus")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="inquiry_steps")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    text = models.TextField(_("what we know, did or saw"), max_length=4000)
    where = models.CharField(
        _("where"),
        max_length=8,
        choices=NextStep.Where.choices,
        blank=True,
        help_text=_("For deliberate actions: at school, at home or both."),
    )
    shared_with_whanau = models.BooleanField(_("shared with whānau"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voice = models.CharField(max_length=16, choices=Voice.choices)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("inquiry step")
        verbose_name_plural = _("inquiry steps")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["student", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(voice=Voice.WHANAU) | models.Q(shared_with_whanau=True),
                name="inquiry_whanau_step_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.text[:50]}"
