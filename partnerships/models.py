"""Schools, the people in them, and the links between whānau and ākonga."""

import datetime
import hashlib
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, **extra_fields):
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff, whānau or ākonga.

    What a person may do comes from their memberships (``Staff``,
    ``WhanauMember``, ``Student.user``), not from the account itself. Young
    students sign in with a card and may have no email.
    """

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_staff = models.BooleanField(
        _("can use the admin site"),
        default=False,
        help_text=_("For the people who run the service, not for teachers."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email or f"#{self.pk}"

    def save(self, *args, **kwargs):
        # One spelling per address, so look-ups and the unique index agree.
        self.email = self.email.strip().lower() if self.email else None
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


class SchoolQuerySet(models.QuerySet):
    def with_counts(self):
        """Students, staff, classes and whānau counted in SQL, one subquery each."""
        from django.apps import apps

        def count_of(model_label: str, **filters):
            model = apps.get_model(model_label)
            rows = (
                model.objects.filter(school=models.OuterRef("pk"), **filters)
                .order_by()
                .values("school")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(models.Subquery(rows), 0)

        return self.annotate(
            student_count=count_of("learners.Student"),
            priority_count=count_of("learners.Student", is_priority_learner=True),
            unconnected_count=count_of(
                "learners.Student",
                whanau_links__isnull=True,
            ),
            staff_count=count_of("partnerships.Staff"),
            class_count=count_of("learners.Classroom"),
            whanau_count=count_of("partnerships.WhanauMember"),
        )


class School(models.Model):
    """A kura: the tenant. Nothing of one school is ever visible to another."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Pacific/Auckland", validators=[validate_timezone]
    )
    weekly_update_weekday = models.PositiveSmallIntegerField(
        _("weekly update day"), choices=Weekday.choices, default=Weekday.FRIDAY
    )
    weekly_update_time = models.TimeField(
        _("weekly update time"),
        default=datetime.time(15, 0),
        help_text=_("Local time at the school when the weekly updates go home."),
    )
    updates_need_approval = models.BooleanField(
        _("a teacher approves weekly updates before they are sent"), default=True
    )
    update_reminder_hours = models.PositiveSmallIntegerField(
        _("remind about unwritten updates this many hours before sending"), default=24
    )
    transition_days = models.PositiveSmallIntegerField(
        _("transition conversation due after (days)"),
        default=21,
        help_text=_("How long after a student starts their transition conversation is due."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def week_of(self, moment: datetime.datetime) -> datetime.date:
        """The Monday of the school week that ``moment`` falls in, in the school's time zone."""
        local = moment.astimezone(self.zone).date()
        return local - datetime.timedelta(days=local.weekday())

    def send_time(self, week: datetime.date) -> datetime.datetime:
        """When the week's updates go home: the school's day and time in that week."""
        day = week + datetime.timedelta(days=self.weekly_update_weekday)
        return datetime.datetime.combine(day, self.weekly_update_time, tzinfo=self.zone)


class Staff(models.Model):
    """A person working at a school, as a teacher (kaiako) or a leader."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        LEADER = "leader", _("Leader")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TEACHER)
    title = models.CharField(
        _("title"), max_length=100, blank=True, help_text=_("For example: Tumuaki, Team leader.")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="staff_once_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.school})"


class WhanauMember(models.Model):
    """A parent, caregiver, grandparent… as a school knows them.

    One person may be whānau of several ākonga at the school; their
    preferences live here, once. The link to each student is ``WhanauLink``.
    """

    class Contact(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        IN_PERSON = "in_person", _("In person")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="whanau_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="whanau_memberships",
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
        CAREGIVER = "caregiver", _("Caregiver")
        OTHER = "other", _("Other whānau")

    whanau = models.ForeignKey(WhanauMember, on_delete=models.CASCADE, related_name="links")
    student = models.ForeignKey(
        "learners.Student", on_delete=models.CASCADE, related_name="whanau_links"
    )
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


def hash_key(key: str) -> str:
    """Secrets sent by email are stored only as their hash."""
    return hashlib.sha256(key.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring invitation to join a school as staff or as whānau."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        WHANAU = "whanau", _("Whānau")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Staff.Role.choices, blank=True)
    student = models.ForeignKey(
        "learners.Student",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=WhanauLink.Relationship.choices, blank=True
    )
    language = models.CharField(
        _("language for the email"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    # Claimed by the task that sends the email, so a retried task sends it once.
    sent_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="staff", student__isnull=True) & ~Q(role="")
                | Q(kind="whanau", student__isnull=False, role=""),
                name="invitation_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class AuditEvent(models.Model):
    """Who viewed or changed a student's record, and when. Written only by ``audit.record``."""

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
        "learners.Student",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("what"), max_length=60)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

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
