"""Invitations to join a school, as staff or as a student's whānau: made, sent again, found
by their link and accepted, once. An invitation's email is an outbox row written with it
(``partnerships.outbox``); its key is kept only as a hash. Whānau invitations and joining
are audited on the student's record; staff invitations are not.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partnerships import audit, mail, outbox
from partnerships.models import (
    AuditEvent,
    Invitation,
    OutboxEmail,
    School,
    Staff,
    User,
    WhanauLink,
    WhanauMember,
    hash_key,
)

INVITATION_LIFETIME = datetime.timedelta(days=14)


class InvitationError(Exception):
    """An invitation that can no longer be accepted; ``reason`` says why."""

    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def new_key(invitation: Invitation) -> str:
    key = secrets.token_urlsafe(32)
    invitation.key_hash = hash_key(key)
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.sent_at = None
    return key


# The invitation email -----------------------------------------------------------

INVITATION = "invitation"

# Why an invitation email did not go, for staff (stored untranslated).
WITHDRAWN = gettext_noop("The invitation no longer exists.")
ACCEPTED = gettext_noop("The invitation had already been accepted.")
REPLACED = gettext_noop("A newer link was sent instead.")
EXPIRED = gettext_noop("The link had expired before it could be sent.")


def outbox_key(invitation_id: int, key: str) -> str:
    # A link sent again has a new key, so it is a new email; the same link is written once.
    return f"invitation:{invitation_id}:{hash_key(key)[:16]}"


def _send(invitation: Invitation, key: str) -> None:
    """Write the invitation email in the caller's transaction."""
    outbox.enqueue(
        kind=INVITATION,
        key=outbox_key(invitation.pk, key),
        # The link needs the key itself, and the invitation keeps only its hash. The key is a
        # way in, so the row holds it only while the email waits: the kind's ``sent`` and
        # ``failed`` hooks remove it from the row, and none is kept at rest after sending.
        params={"invitation": invitation.pk, "key": key},
        school=invitation.school_id,
    )


def _forget_key(params: dict) -> None:
    """Keep no working link at rest once its email is done with (sent, refused or skipped)."""
    OutboxEmail.objects.filter(key=outbox_key(params["invitation"], params["key"])).update(
        params={"invitation": params["invitation"]}
    )


def _invitation_sent(params: dict, at: datetime.datetime) -> None:
    Invitation.objects.filter(pk=params["invitation"], key_hash=hash_key(params["key"])).update(
        sent_at=at
    )
    _forget_key(params)


def _invitation_failed(params: dict, reason: str) -> None:
    _forget_key(params)


@outbox.KINDS.register(INVITATION, sent=_invitation_sent, failed=_invitation_failed)
def invitation_email(params: dict):
    """The link to join, while it is still the invitation's link and can still be used."""
    invitation = (
        Invitation.objects.select_related("school", "student", "invited_by")
        .filter(pk=params["invitation"])
        .first()
    )
    if invitation is None:
        raise outbox.NotToSendError(WITHDRAWN)
    if invitation.is_accepted:
        raise outbox.NotToSendError(ACCEPTED)
    if invitation.key_hash != hash_key(params["key"]):
        raise outbox.NotToSendError(REPLACED)
    if invitation.is_expired:
        raise outbox.NotToSendError(EXPIRED)
    # The link's last day is the school's day.
    with timezone.override(invitation.school.zone):
        return mail.compose(
            template="partnerships/email/invitation",
            to=invitation.email,
            language=invitation_language(invitation),
            context={
                "invitation": invitation,
                "school": invitation.school,
                "url": mail.absolute_url(reverse("invitation_accept", args=[params["key"]])),
            },
        )


def invitation_language(invitation: Invitation) -> str:
    """The language the invitee reads: their own choice where the school or an account knows
    it (a whānau member's record at the school first), else the one chosen when inviting."""
    if invitation.kind == Invitation.Kind.WHANAU:
        known = (
            WhanauMember.objects.filter(school_id=invitation.school_id)
            .filter(Q(email=invitation.email) | Q(user__email=invitation.email))
            .order_by("pk")
            .values_list("preferred_language", flat=True)
            .first()
        )
        if known:
            return known
    return (
        User.objects.filter(email=invitation.email)
        .values_list("preferred_language", flat=True)
        .first()
        or invitation.language
        or settings.LANGUAGE_CODE
    )


# Inviting and joining -----------------------------------------------------------


def invitation_create_staff(*, school: School, email: str, name: str, role: str, by: User):
    """Invite someone to join a school's staff. Returns the invitation."""
    email = email.strip().lower()
    if Staff.objects.filter(school=school, user__email=email).exists():
        raise ValidationError({"email": _("This person is already on the staff.")})
    with transaction.atomic():
        invitation = Invitation(
            school=school,
            kind=Invitation.Kind.STAFF,
            email=email,
            name=name,
            role=role,
            invited_by=by,
        )
        key = new_key(invitation)
        invitation.save()
        _send(invitation, key)
    return invitation


def invitation_create_whanau(
    *, student, email: str, name: str, relationship: str, language: str, by: User
) -> Invitation:
    """Invite a whānau member to a student's learning. Returns the invitation."""
    email = email.strip().lower()
    if WhanauLink.objects.filter(student=student, whanau__email=email).exists():
        raise ValidationError(
            {
                "email": _("This person is already linked to %(name)s.")
                % {"name": student.display_name}
            }
        )
    with transaction.atomic():
        invitation = Invitation(
            school_id=student.school_id,
            kind=Invitation.Kind.WHANAU,
            email=email,
            name=name,
            student=student,
            relationship=relationship,
            language=language,
            invited_by=by,
        )
        key = new_key(invitation)
        invitation.save()
        audit.record(
            actor=by,
            action=AuditEvent.Action.INVITED,
            obj=invitation,
            student=student,
            summary=_("Invited %(name)s (%(email)s)") % {"name": name, "email": email},
        )
        _send(invitation, key)
    return invitation


def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send a fresh link: the old one stops working and the clock restarts."""
    if invitation.is_accepted:
        raise ValidationError(_("This invitation has already been accepted."))
    with transaction.atomic():
        key = new_key(invitation)
        invitation.save(update_fields=["key_hash", "expires_at", "sent_at"])
        _send(invitation, key)
    return invitation


def invitation_for_key(key: str) -> Invitation:
    """The invitation a link leads to, or ``InvitationError`` saying why it can't be used."""
    invitation = (
        Invitation.objects.select_related("school", "student")
        .filter(key_hash=hash_key(key))
        .first()
    )
    # An invitation to a leaver's record (kept only to read) leads nowhere, like one withdrawn.
    if invitation is None or (invitation.student_id and invitation.student.left_on):
        raise InvitationError(InvitationError.UNKNOWN)
    if invitation.is_accepted:
        raise InvitationError(InvitationError.USED, invitation)
    if invitation.is_expired:
        raise InvitationError(InvitationError.EXPIRED, invitation)
    return invitation


def invitation_accept(
    *, key: str, name: str, password: str | None = None, language: str | None = None
) -> User:
    """Accept an invitation: make (or find) the account and the membership, once.

    Two clicks on the same link at once: only one wins, the other is told the
    invitation is used. Nothing is half-written.
    """
    with transaction.atomic():
        invitation = invitation_for_key(key)
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            raise InvitationError(InvitationError.USED, invitation)

        user = User.objects.filter(email=invitation.email).first()
        if user is None:
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                name=name,
                preferred_language=language or invitation.language,
            )
        elif password and not user.has_usable_password():
            user.set_password(password)
            user.save(update_fields=["password"])
        if not user.is_active:  # someone who left, invited back
            user.is_active = True
            user.save(update_fields=["is_active"])

        if invitation.kind == Invitation.Kind.STAFF:
            # Someone who left and is invited back takes up their old row again, in the role
            # they are invited to now; someone on the staff keeps theirs.
            staff, created = Staff.everyone.get_or_create(
                school=invitation.school, user=user, defaults={"role": invitation.role}
            )
            if not created and staff.left_at is not None:
                staff.left_at, staff.role = None, invitation.role
                staff.save(update_fields=["left_at", "role"])
        else:
            member = _member_for(invitation, user, name=name, language=language)
            link, _created = WhanauLink.objects.get_or_create(
                whanau=member,
                student=invitation.student,
                defaults={
                    "relationship": invitation.relationship or WhanauLink.Relationship.PARENT
                },
            )
            audit.record(
                actor=user,
                action=AuditEvent.Action.JOINED,
                obj=link,
                student=invitation.student,
                summary=_("%(name)s accepted the invitation") % {"name": name},
            )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    return user


def _member_for(invitation: Invitation, user: User, *, name: str, language: str | None):
    """The whānau member who accepted: theirs if they have one at the school, else the record
    an import made for this email (now theirs), else a new one."""
    member = WhanauMember.objects.filter(school=invitation.school, user=user).first()
    if member is None:
        member = (
            WhanauMember.objects.select_for_update()
            .filter(school=invitation.school, user__isnull=True, email=invitation.email)
            .order_by("pk")
            .first()
        )
        if member is not None:
            member.user = user
            member.save(update_fields=["user"])
    if member is None:
        member = WhanauMember.objects.create(
            school=invitation.school,
            user=user,
            name=name,
            email=invitation.email,
            preferred_language=language or invitation.language,
        )
    return member
