"""Ākonga, their classes, who they are, and how they sign in."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
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
    def for_school(self, school):
        return self.filter(school=school)

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
