"""Background work for partnerships. Tasks take ids, claim their work, then call the mail code."""

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from partnerships import mail, outbox
from partnerships.models import Invitation, hash_key


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_invitation(invitation_id: int, key: str) -> bool:
    """Email an invitation link, once: a retried or repeated task sends nothing more."""
    invitation = (
        Invitation.objects.select_related("school", "student", "invited_by")
        .filter(pk=invitation_id, key_hash=hash_key(key), accepted_at__isnull=True)
        .first()
    )
    if invitation is None:  # accepted, or a newer link was sent instead
        return False
    claimed = Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    message = mail.compose(
        template="partnerships/email/invitation",
        to=invitation.email,
        language=invitation.language,
        context={
            "invitation": invitation,
            "url": mail.absolute_url(reverse("invitation_accept", args=[key])),
        },
    )
    try:
        message.send()
    except Exception:
        # Give the claim back so the retry sends it.
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)
        raise
    return True


# Below the broker's visibility timeout (an hour), so a task is never handed out twice while it
# still runs; the sweep stops sending a little before its soft limit.
SWEEP_SECONDS = 240


@shared_task(soft_time_limit=SWEEP_SECONDS + 30, time_limit=SWEEP_SECONDS + 60)
def send_outbox() -> int:
    """Send every email that is due. Beat runs it every minute; a write nudges it at once."""
    deadline = timezone.now() + datetime.timedelta(seconds=SWEEP_SECONDS)
    return outbox.send_due(deadline=deadline).sent
