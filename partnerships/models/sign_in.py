"""Ways in without a password of their own: invitations and printed sign-in cards."""

import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models.people import Student, WhanauLink
from partnerships.models.schools import School, Staff


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
        Student,
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
    # When the outbox sent it (its "sent" hook): the email itself is sent once by the outbox.
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


# No 0/O, 1/I/L: a child copies this from a printed card.
CARD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CARD_CODE_LENGTH = 8


def new_card_code() -> str:
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_CODE_LENGTH))


def normalise_card_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


# The QR code carries a longer secret than anyone types: 128 random bits, URL-safe.
CARD_KEY_BYTES = 16
CARD_KEY_LENGTH = 22  # characters of token_urlsafe(16)


def new_card_key() -> str:
    return secrets.token_urlsafe(CARD_KEY_BYTES)


class SignInCardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class SignInCard(models.Model):
    """A printed card (QR code and short code) a young student signs in with.

    The short code is what a child types; the QR code carries it with a long random key, so
    a scan is never a guess and is not held back by the limits on typed codes
    (``partnerships.cards``). Both are kept readable so a teacher can reprint the card;
    revoking it and issuing a new one is how a lost card stops working.
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="sign_in_cards")
    code = models.CharField(max_length=CARD_CODE_LENGTH, unique=True, default=new_card_code)
    qr_key = models.CharField(max_length=CARD_KEY_LENGTH, default=new_card_key, editable=False)
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

    @property
    def qr_path(self) -> str:
        """Where the card's QR code leads: the sign-in page with the code and the key."""
        return f"{reverse('card_sign_in_qr', args=[self.code])}?{urlencode({'key': self.qr_key})}"
