"""The outbox's email, sent as a worker would and read as the family would."""

from django.core import mail

from partnerships import outbox


def send() -> list:
    """Send whatever is due now; the emails that went, and only those."""
    mail.outbox.clear()
    outbox.send_due()
    return list(mail.outbox)


def html(message) -> str:
    """The HTML part of a multipart email."""
    return message.alternatives[0][0]
