"""Statements of correction as a record's page shows them
(``includes/correction_statement.html``)."""

from django import template

from partnerships.privacy.statements import statements_shown

register = template.Library()


@register.filter
def correction_statements(statements) -> list:
    """A record's stored statements, each with its ``heading`` (whose voice, the day, in the
    reader's language) and ``text``."""
    return statements_shown(statements)
