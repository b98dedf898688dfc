"""Email as three templates per message: subject, plain text and HTML, in the reader's language.

``compose`` renders one email. ``Composer`` renders many from the same templates: a week's
updates are thousands of emails that differ only in a few values, so it renders each
template once per language and shape, with markers where those values go, and fills each
email's values into that.
"""

import itertools
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape


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
        subject, text, html = (
            render_to_string(name, context) for name in _template_names(template)
        )
    return _message(subject, text, html, to=to, headers=headers)


def absolute_url(path: str) -> str:
    """A link for an email, which has no request to build one from."""
    return settings.SITE_URL.rstrip("/") + path


def _template_names(template: str) -> tuple[str, str, str]:
    return f"{template}_subject.txt", f"{template}_message.txt", f"{template}_message.html"


def _message(subject: str, text: str, html: str, *, to: str, headers) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message


# Many emails from one set of templates --------------------------------------------------


class Varies:
    """A text in a ``Composer`` context that differs from one email to the next."""

    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = str(value)


# Private-use characters appear in no template or translation. The "&" shows
# whether the template escaped the value there (HTML) or not (plain text, the subject), and
# the "Xx" that no filter changed it (a filter that did leaves markers behind).
_MARKER = "\ue000{}&Xx\ue001"
_MARKED = re.compile("\ue000(\\d+)(&amp;|&)Xx\ue001")
_STRAY = re.compile("[\ue000\ue001]")


class Composer:
    """Composes many emails from one set of three templates, each email exactly as
    ``compose`` would write it.

    The context is plain data: dicts, strings, booleans, ``None``, and a ``Varies`` for each
    text that differs between emails. Each language and shape (the plain data, and which
    varying texts are empty, since a template may ask ``{% if %}`` of them) is rendered
    once, with markers where the varying texts go. The templates may print a varying text,
    escaped or not, and test whether it is empty; anything else would work on the marker,
    not the text. A filter that changes a marker is noticed, and that shape is rendered per
    email as ``compose`` does; a comparison is not, so the templates must not compare them.

    A composer keeps what it rendered for as long as it lives: make one for a batch, not
    one for the life of the process (templates and school names change).
    """

    def __init__(self, template: str):
        self.template = template
        self._skeletons: dict = {}

    def compose(
        self,
        *,
        to: str,
        context: dict,
        language: str = settings.LANGUAGE_CODE,
        headers: dict | None = None,
    ) -> EmailMultiAlternatives:
        values: list[str] = []
        shape = _shape(context, values)
        key = (language, shape)
        if key not in self._skeletons:
            self._skeletons[key] = self._render(context, language)
        skeleton = self._skeletons[key]
        if skeleton is None:
            return compose(
                template=self.template,
                to=to,
                context=_filled(context),
                language=language,
                headers=headers,
            )
        subject, text, html = (_fill(parts, values) for parts in skeleton)
        return _message(subject, text, html, to=to, headers=headers)

    def _render(self, context: dict, language: str) -> tuple | None:
        """The three templates with markers for the varying texts, split at the markers;
        ``None`` if a marker did not come through unchanged."""
        with translation.override(language):
            rendered = [
                render_to_string(name, _marked(context, itertools.count()))
                for name in _template_names(self.template)
            ]
        skeleton = []
        for text in rendered:
            pieces = _MARKED.split(text)
            # split() alternates text, marker number, "&" or "&amp;", text, …
            literals = pieces[::3]
            if any(_STRAY.search(literal) for literal in literals):
                return None
            slots = [
                (int(number), amp == "&amp;")
                for number, amp in zip(pieces[1::3], pieces[2::3], strict=True)
            ]
            skeleton.append((literals, slots))
        return tuple(skeleton)


def _shape(context, values: list[str]):
    """What a rendering depends on besides the varying texts, which go into ``values`` in
    the order ``_marked`` numbers them."""
    if isinstance(context, Varies):
        values.append(context.value)
        return Varies, bool(context.value)
    if isinstance(context, dict):
        return tuple((name, _shape(value, values)) for name, value in sorted(context.items()))
    if isinstance(context, list | tuple):
        return tuple(_shape(value, values) for value in context)
    return context


def _marked(context, numbers):
    """The context with a marker for each non-empty varying text (numbered as ``_shape``
    lists them) and an empty string for each empty one."""
    if isinstance(context, Varies):
        number = next(numbers)
        return _MARKER.format(number) if context.value else ""
    if isinstance(context, dict):
        return {name: _marked(value, numbers) for name, value in sorted(context.items())}
    if isinstance(context, list | tuple):
        return [_marked(value, numbers) for value in context]
    return context


def _filled(context):
    """The context with each varying text in place, to render as ``compose`` does."""
    if isinstance(context, Varies):
        return context.value
    if isinstance(context, dict):
        return {name: _filled(value) for name, value in context.items()}
    if isinstance(context, list | tuple):
        return [_filled(value) for value in context]
    return context


def _fill(parts: tuple, values: list[str]) -> str:
    literals, slots = parts
    out = [literals[0]]
    for (number, escaped), literal in zip(slots, literals[1:], strict=True):
        value = values[number]
        out.append(conditional_escape(value) if escaped else value)
        out.append(literal)
    return "".join(out)
