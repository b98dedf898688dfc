"""Ākonga and their whānau, and how each whānau member is linked to each student."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.models.choices import choice_label
from partnerships.models.notices import Rhythmic
from partnerships.models.schools import YEAR_LEVELS, Classroom, School


class MediaConsent(models.TextChoices):
    """Where photos and recordings of a child may be seen, as their whānau chose."""

    WHANAU_ONLY = "whanau", _("Only by our own whānau")
    CLASS_DISPLAYS = "class", _("By our whānau, and in class displays")


class StudentQuerySet(models.QuerySet):
    def in_class_order(self):
        return self.order_by("last_name", "first_name", "pk")

    def current(self):
        """Students still at the school: not leavers."""
        return self.filter(left_on__isnull=True)


class Student(models.Model):
    """An ākonga, and the learner profile the school and whānau build together."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="students")
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
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # How the school's student management system knows them: an import finds them by these.
    nsn = models.CharField(
        _("National Student Number"),
        max_length=10,
        blank=True,
        help_text=_("The Ministry of Education's number for this student."),
    )
    school_ref = models.CharField(
        _("school’s own id"),
        max_length=40,
        blank=True,
        help_text=_("The id the school’s student management system gives them."),
    )
    # A leaver's record stays, read-only, for the retention period.
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # When they were marked as having left: retention waits for a preview after that, whatever
    # day they are said to have left.
    left_marked_at = models.DateTimeField(null=True, blank=True, editable=False)
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

    # Whether photos and recordings of them may be shared beyond their own whānau, as their
    # whānau chose (audited; none chosen: their whānau only).
    media_consent = models.CharField(
        _("photos and recordings"),
        max_length=16,
        choices=MediaConsent.choices,
        default=MediaConsent.WHANAU_ONLY,
    )
    media_consent_at = models.DateTimeField(null=True, blank=True, editable=False)

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
        constraints = [
            models.UniqueConstraint(
                fields=["school", "nsn"], condition=~Q(nsn=""), name="student_nsn_once_per_school"
            ),
            models.UniqueConstraint(
                fields=["school", "school_ref"],
                condition=~Q(school_ref=""),
                name="student_ref_once_per_school",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "last_name", "first_name"]),
            # The dashboards' filters: a year level, the priority learners, who started when.
            models.Index(fields=["school", "year_level"]),
            models.Index(fields=["school", "start_date"]),
            models.Index(
                fields=["school"], condition=Q(is_priority_learner=True), name="priority_learners"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_year_level_display(self) -> str:
        return choice_label(self, "year_level")

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def full_name(self) -> str:
        return f"{self.display_name} {self.last_name}"


class Household(models.Model):
    """The whānau members who live together. Within a household what they arrange with the
    school (conversation times and what they need for them) is shared; across households
    (separated parents) it is not. A child belongs to the households of their whānau: more
    than one in shared care. A member in no household lives on their own."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="households")
    name = models.CharField(
        _("name"),
        max_length=150,
        blank=True,
        help_text=_("For staff, to tell households apart: for example “Mum’s house”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name or _("Household %(n)s") % {"n": self.pk}


class WhanauMember(Rhythmic):
    """A parent, caregiver, grandparent… as a school knows them.

    One person may be whānau of several ākonga at the school; their
    preferences live here, once. The link to each student is ``WhanauLink``.
    """

    class Contact(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="whanau_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="whanau_memberships",
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("lives with"),
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    preferred_contact = models.CharField(
        _("best way to reach them"), max_length=16, choices=Contact.choices, default=Contact.EMAIL
    )
    preferred_meeting_times = models.CharField(
        _("times that suit for a conversation"),
        max_length=200,
        blank=True,
        help_text=_("For example: after 2pm, evenings after 7pm, over dinner."),
    )
    needs_childcare = models.BooleanField(_("needs childcare to attend"), default=False)
    needs_interpreter = models.BooleanField(_("would like an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    # Corrections asked for and declined: each person's statement, shown with their details
    # (``partnerships.privacy.statements``: whose voice, the day, the words; never a name).
    correction_statements = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("whānau member")
        verbose_name_plural = _("whānau members")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "user"],
                condition=Q(user__isnull=False),
                name="whanau_member_once_per_school",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_preferred_language_display(self) -> str:
        return choice_label(self, "preferred_language")

    def get_preferred_contact_display(self) -> str:
        return choice_label(self, "preferred_contact")

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class WhanauLinkQuerySet(models.QuerySet):
    def with_access(self):
        return self.filter(has_access=True)


class WhanauLink(models.Model):
    """How one whānau member is connected to one student."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        GRANDPARENT = "grandparent", _("Grandparent")
        AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
        SIBLING = "sibling", _("Brother or sister")
        # Translators: a relationship, beside parent, grandparent and "other whānau": a
        # person who cares for the child in place of a parent.
        CAREGIVER = "caregiver", _("Caregiver")
        OTHER = "other", _("Other whānau")

    whanau = models.ForeignKey(WhanauMember, on_delete=models.CASCADE, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="whanau_links")
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=Relationship.choices, default=Relationship.PARENT
    )
    has_access = models.BooleanField(
        _("has access"),
        default=True,
        help_text=_(
            "Untick for “no access / no contact” (for example a custody order): "
            "this person then sees nothing and is sent nothing about this student."
        ),
    )
    receives_weekly_update = models.BooleanField(_("receives the weekly update"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = WhanauLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("whānau link")
        verbose_name_plural = _("whānau links")
        constraints = [
            models.UniqueConstraint(fields=["whanau", "student"], name="whanau_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.whanau} → {self.student} ({self.get_relationship_display()})"

    def get_relationship_display(self) -> str:
        return choice_label(self, "relationship")
