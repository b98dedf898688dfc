"""Background work for learners: the teachers' digest of new whānau comments."""

from smtplib import SMTPException

from celery import shared_task

from learners import digests


@shared_task
def send_comment_digests() -> int:
    """Beat, hourly: queue one digest per teacher who has whānau comments waiting."""
    recipients = digests.recipients_waiting()
    for recipient_id in recipients:
        send_comment_digest.delay(recipient_id)
    return len(recipients)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_comment_digest(recipient_id: int) -> int:
    """Send one teacher their digest. A repeated or retried run sends each comment once."""
    return digests.comment_digest_send(recipient_id=recipient_id)
