"""Ākonga, their classes, who they are, and how they sign in."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

YEAR_LEVELS = [(n, _("Year %(n)s") % {"n": n}) for n in range(0, 14)]


class Classroom(models.Model):
    """A class (akomanga) and the teachers who teach it."""

    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, related_name="classes"
    )
    name = models.CharField(_("name"), max_length=100)
    year_level = models.PositiveSmallIntegerField(
        _("year level"), choices=YEAR_LEVELS, validators=[MaxValueValidator(13)]
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="classes_taught",
        verbose_name=_("teachers"),
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["year_level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="class_name_once_per_school"),
        ]

    def __str__(self) -> str:
        return self.name


class StudentQuerySet(models.QuerySet):
    def in_class_order(self):
        return self.order_by("last_name", "first_name", "pk")


class Student(models.Model):
    """An ākonga, and the learner profile the school and whānau build together."""

    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, related_name="students"
    )
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="students",
        verbose_name=_("class"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=100,
        blank=True,
        help_text=_("The name they like to be called, if different."),
    )
    year_level = models.PositiveSmallIntegerField(
        _("year level"), choices=YEAR_LEVELS, validators=[MaxValueValidator(13)]
    )
    start_date = models.DateField(_("start date"))
    is_priority_learner = models.BooleanField(
        _("priority learner"),
        default=False,
        help_text=_("A learner the school is focusing an inquiry on."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
        help_text=_("Their own sign-in, by card or school email."),
    )
    assigned_teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_students",
        verbose_name=_("also supported by"),
        help_text=_("Teachers outside the class who work with this student, such as a mentor."),
    )

    # The learner profile: who they are, told by them, their whānau and the school.
    strengths = models.TextField(_("strengths"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    interests = models.TextField(_("interests"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    identity_culture = models.TextField(_("identity and culture"), blank=True)
    aspirations = models.TextField(_("aspirations"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StudentQuerySet.as_manager()

    PROFILE_FIELDS = (
        "strengths",
        "needs",
        "interests",
        "languages",
        "identity_culture",
        "aspirations",
    )

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["school", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def full_name(self) -> str:
        return f"{self.display_name} {self.last_name}"


# No 0/O, 1/I/L: a child copies this from a printed card.
CARD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CARD_CODE_LENGTH = 8


def new_card_code() -> str:
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_CODE_LENGTH))


def normalise_card_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


class SignInCardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class SignInCard(models.Model):
    """A printed card (QR code and short code) a young student signs in with.

    The code is kept readable so a teacher can reprint the card; revoking it
    and issuing a new one is how a lost card stops working.
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="sign_in_cards")
    code = models.CharField(max_length=CARD_CODE_LENGTH, unique=True, default=new_card_code)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = SignInCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in card")
        verbose_name_plural = _("sign-in cards")
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_card_per_student",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} ({self.display_code})"

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


# ---------------------------------------------------------------------------
# Goals, written together by the student, their teachers and their whānau.
# ---------------------------------------------------------------------------

DEFAULT_LEARNING_AREAS = [
    _("English"),
    _("The arts"),
    _("Health and physical education"),
    _("Learning languages"),
    _("Mathematics and statistics"),
    _("Science"),
    _("Social sciences"),
    _("Technology"),
    _("Te reo Māori"),
]
DEFAULT_DISPOSITIONS = [_("Resilient"), _("Resourceful"), _("Responsive")]


class SchoolList(models.Model):
    """An entry in a list each school keeps for itself, in the school's own order.

    Each subclass adds its ``school`` foreign key, named for the school's side.
    """

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class LearningArea(SchoolList):
    """A school's list of learning areas (by default, the NZ curriculum's)."""

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

    school = models.ForeignKey(
        "partnerships.School", on_delete=models.CASCADE, related_name="dispositions"
    )

    class Meta(SchoolList.Meta):
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="disposition_once"),
        ]


class Voice(models.TextChoices):
    """Whose voice a contribution is: the dashboards count school voice against whānau/student."""

    STUDENT = "student", _("Student")
    WHANAU = "whanau", _("Whānau")
    TEACHER = "teacher", _("Teacher")
    LEADER = "leader", _("Leader")

    @classmethod
    def school_voices(cls) -> set[str]:
        return {cls.TEACHER, cls.LEADER}


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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [models.Index(fields=["student", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def school_id(self) -> int:
        return self.student.school_id


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
        _("who takes it"), max_length=16, choices=Voice.choices[:3], default=Voice.STUDENT
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    conversation = models.ForeignKey(
        "conversations.LearningConversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_steps",
        help_text=_("The conversation where it was agreed, if any."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def school_id(self) -> int:
        return self.goal.student.school_id


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

    objects = GoalCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["goal", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class CommentNotice(models.Model):
    """One teacher to be told of one whānau comment, in a digest. Claimed before sending."""

    comment = models.ForeignKey(GoalComment, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "recipient"], name="notice_once"),
        ]
        indexes = [models.Index(fields=["recipient", "sent_at"])]

    def __str__(self) -> str:
        return f"comment {self.comment_id} → user {self.recipient_id}"
