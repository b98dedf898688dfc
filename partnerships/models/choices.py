"""A choice field's label for a row, as ``get_<field>_display`` gives it, made cheaply.

Django's own method turns every label of the field's choices into text on each call (they
are translated lazily), so a list of fifty rows with a year level or a relationship each
translated hundreds of strings. Here each field's labels become text once per language.
"""

import functools

from django.utils.translation import get_language


@functools.cache
def _labels(field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


def choice_label(instance, name: str):
    """The label of ``instance``'s choice in field ``name``, in the active language (the
    value itself if it is not among the choices, as with ``get_<field>_display``)."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return _labels(field, get_language()).get(value, value)
