"""Writes for schools, staff and whānau: each validates, runs in one transaction, is audited."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import audit
from partnerships.models import (
    AuditEvent,
    Invitation,
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


def _new_key(invitation: Invitation) -> str:
    key = secrets.token_urlsafe(32)
    invitation.key_hash = hash_key(key)
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.sent_at = None
    return key


def _send_on_commit(invitation: Invitation, key: str) -> None:
    from partnerships.tasks import send_invitation

    send_invitation.delay_on_commit(invitation.pk, key)


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
        key = _new_key(invitation)
        invitation.save()
        _send_on_commit(invitation, key)
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
        key = _new_key(invitation)
        invitation.save()
        audit.record(
            actor=by,
            action=AuditEvent.Action.INVITED,
            obj=invitation,
            student=student,
            summary=_("Invited %(name)s (%(email)s)") % {"name": name, "email": email},
        )
        _send_on_commit(invitation, key)
    return invitation


def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send a fresh link: the old one stops working and the clock restarts."""
    if invitation.is_accepted:
        raise ValidationError(_("This invitation has already been accepted."))
    with transaction.atomic():
        key = _new_key(invitation)
        invitation.save(update_fields=["key_hash", "expires_at", "sent_at"])
        _send_on_commit(invitation, key)
    return invitation


def invitation_for_key(key: str) -> Invitation:
    """The invitation a link leads to, or ``InvitationError`` saying why it can't be used."""
    invitation = (
        Invitation.objects.select_related("school", "student")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if invitation is None:
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

        if invitation.kind == Invitation.Kind.STAFF:
            Staff.objects.get_or_create(
                school=invitation.school, user=user, defaults={"role": invitation.role}
            )
        else:
            member, _created = WhanauMember.objects.get_or_create(
                school=invitation.school,
                user=user,
                defaults={
                    "name": name,
                    "email": invitation.email,
                    "preferred_language": language or invitation.language,
                },
            )
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


def whanau_link_update(*, link_form, member_form, by: User) -> WhanauLink:
    """Save a student's whānau link and that person's preferences together, and audit it."""
    link = link_form.instance
    changed = [
        f for f in (audit.changes_summary(link_form), audit.changes_summary(member_form)) if f
    ]
    with transaction.atomic():
        member_form.save()
        link = link_form.save()
        if changed:
            audit.record(
                actor=by,
                action=AuditEvent.Action.CHANGED,
                obj=link,
                student=link.student,
                summary=_("%(name)s: %(fields)s")
                % {"name": link.whanau.name, "fields": ", ".join(changed)},
            )
    return link


def whanau_preferences_update(*, user: User, preferences: dict) -> int:
    """A whānau member sets their own preferences, at every school that knows them."""
    with transaction.atomic():
        count = WhanauMember.objects.filter(user=user).update(**preferences)
        if "preferred_language" in preferences:
            user.preferred_language = preferences["preferred_language"]
            user.save(update_fields=["preferred_language"])
    return count
