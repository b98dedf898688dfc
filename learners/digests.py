"""The teachers' digest of whānau comments: one email, not one per comment.

Each (comment, teacher) pair is a ``CommentNotice`` row. The hourly run hands each teacher's
waiting notices to one outbox email (``partnerships.outbox``), claiming them in the same
transaction, so a notice is in one digest only, even when two runs overlap. The outbox sends
it once; when it has gone, its notices are marked sent.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from learners.access import comments_visible_to
from learners.models import CommentNotice
from partnerships import mail, outbox
from partnerships.models import OutboxEmail, User

DIGEST = "comment_digest"

# Why a digest did not go, for staff (stored untranslated).
NO_ADDRESS = gettext_noop("The teacher has left or has no email address.")
NOTHING_LEFT = gettext_noop("The comments were hidden, or the teacher no longer teaches them.")


def comment_digests_enqueue() -> int:
    """Write one digest for each teacher with whānau comments waiting; how many were written."""
    now = timezone.now()
    notices = defaultdict(list)
    schools = defaultdict(set)
    with transaction.atomic():
        # A conditional claim: notices another run has claimed meanwhile no longer match.
        CommentNotice.objects.filter(claimed_at__isnull=True, sent_at__isnull=True).update(
            claimed_at=now
        )
        claimed = (
            CommentNotice.objects.filter(claimed_at=now, sent_at__isnull=True)
            .order_by("pk")
            .values_list("pk", "recipient_id", "comment__goal__student__school_id")
        )
        for notice_id, recipient_id, school_id in claimed:
            notices[recipient_id].append(notice_id)
            schools[recipient_id].add(school_id)
        if notices:
            outbox.enqueue_many(
                [
                    OutboxEmail(
                        kind=DIGEST,
                        key=f"comment-digest:{recipient_id}:{ids[-1]}",
                        params={"recipient": recipient_id, "notices": ids},
                        school_id=_one_school(schools[recipient_id]),
                    )
                    for recipient_id, ids in notices.items()
                ]
            )
    return len(notices)


def _one_school(school_ids: set[int]) -> int | None:
    # A teacher at two schools gets one digest, which belongs to neither.
    return next(iter(school_ids)) if len(school_ids) == 1 else None


def _notices_sent(params: dict, at: datetime.datetime) -> None:
    CommentNotice.objects.filter(pk__in=params["notices"]).update(sent_at=at)


@outbox.KINDS.register(DIGEST, sent=_notices_sent)
def comment_digest_email(params: dict):
    """One teacher's digest of the comments in it that they may still see."""
    recipient = User.objects.filter(pk=params["recipient"], is_active=True).first()
    if recipient is None or not recipient.email:
        raise outbox.NotToSendError(NO_ADDRESS)
    # The access rules decide again at sending time: a teacher who has left the
    # class, or a comment since hidden, is not sent.
    comments = list(
        comments_visible_to(recipient)
        .filter(
            notices__in=CommentNotice.objects.filter(pk__in=params["notices"], recipient=recipient),
            hidden_at__isnull=True,
        )
        .select_related("author", "goal__student")
        .order_by("created_at")
    )
    if not comments:
        raise outbox.NotToSendError(NOTHING_LEFT)
    return mail.compose(
        template="learners/email/comment_digest",
        to=recipient.email,
        language=recipient.preferred_language,
        context={
            "recipient": recipient,
            "comments": comments,
            "inbox_url": mail.absolute_url(reverse("inbox")),
        },
    )
