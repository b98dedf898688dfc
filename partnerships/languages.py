"""The languages on offer, each named in its own words.

A language choice reads "English" and "Te reo Māori" on every page, whichever language the
page is in, the way people look for their own language; each name carries its ``lang`` so a
screen reader says "Te reo Māori" in a te reo voice on an English page, and "English" in an
English voice on a te reo page.
"""

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language_info


def own_names(codes=None) -> list[tuple[str, str]]:
    """(code, the language's own name) for ``codes`` (every language when None), in the
    order of ``settings.LANGUAGES``."""
    return [
        (code, get_language_info(code)["name_local"])
        for code, _name in settings.LANGUAGES
        if codes is None or code in codes
    ]


class LanguageSelect(forms.Select):
    """A select whose options are marked with the language each one names."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


def marked_names(codes=None) -> list[tuple[str, str]]:
    """As ``own_names``, each name wrapped in a ``lang`` span: for checkbox labels, where the
    name is text beside the box rather than an option."""
    return [
        (code, format_html('<span lang="{}">{}</span>', code, name))
        for code, name in own_names(codes)
    ]


def in_each_language(make) -> list:
    """``make()`` once in each language of the site, in the order of ``settings.LANGUAGES``:
    for reading back words as any page may have shown them."""
    made = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            made.append(make())
    return made
