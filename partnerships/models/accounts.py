"""The people who sign in: staff, whānau and ākonga share one account model."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models.notices import Rhythmic


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


class User(AbstractBaseUser, PermissionsMixin, Rhythmic):
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
    # Their home page shows what is new since the visit before this one.
    home_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When they last read their school's privacy notice: whānau see it at their first sign-in.
    privacy_notice_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

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
