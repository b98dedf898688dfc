"""The teachers' digest of whānau comments: one email, not one per comment.

Each (comment, teacher) pair is a ``CommentNotice`` row. A run claims the
rows it will send with a conditional UPDATE, so two workers never both send
them; a claim left by a worker that died is taken again after an hour.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from learners.access import comments_visible_to
from learners.models import CommentNotice
from partnerships import mail
from partnerships.models import User

STALE_CLAIM = datetime.timedelta(hours=1)


def _unsent(now):
    return CommentNotice.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM), sent_at__isnull=True
    )


def recipients_waiting() -> list[int]:
    now = timezone.now()
    return list(_unsent(now).values_list("recipient_id", flat=True).distinct().order_by())


def comment_digest_send(*, recipient_id: int) -> int:
    """Claim, compose and send one teacher's digest; returns how many comments it held."""
    now = timezone.now()
    with transaction.atomic():
        claimed = _unsent(now).filter(recipient_id=recipient_id).update(claimed_at=now)
    if not claimed:
        return 0
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    notices = CommentNotice.objects.filter(recipient_id=recipient_id, claimed_at=now)
    # The access rules decide again at sending time: a teacher who has left the
    # class, or a comment since hidden, is not sent.
    comments = []
    if recipient is not None and recipient.email:
        comments = list(
            comments_visible_to(recipient)
            .filter(notices__in=notices, hidden_at__isnull=True)
            .select_related("author", "goal__student")
            .order_by("created_at")
        )
    if comments:
        message = mail.compose(
            template="learners/email/comment_digest",
            to=recipient.email,
            language=recipient.preferred_language,
            context={
                "recipient": recipient,
                "comments": comments,
                "inbox_url": mail.absolute_url(reverse("inbox")),
            },
        )
        try:
            message.send()
        except Exception:
            notices.update(claimed_at=None)  # give the claim back for the retry
            raise
    notices.update(sent_at=timezone.now())
    return len(comments)
