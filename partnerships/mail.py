"""Email as three templates per message: subject, plain text and HTML, in the reader's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def compose(
    *,
    template: str,
    to: str,
    context: dict,
    language: str = settings.LANGUAGE_CODE,
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    """Build a multipart email from ``<template>_subject.txt``, ``_message.txt`` and ``.html``."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}_message.txt", context)
        html = render_to_string(f"{template}_message.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message


def absolute_url(path: str) -> str:
    """A link for an email, which has no request to build one from."""
    return settings.SITE_URL.rstrip("/") + path
