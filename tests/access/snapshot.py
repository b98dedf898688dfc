"""What the database holds, to tell whether a request changed anything."""

import functools

from django.apps import apps
from django.db import connection

PROJECT_APPS = ("partnerships", "learners", "conversations", "reports")


@functools.cache
def _tables() -> tuple[str, ...]:
    """Every table of the project's apps, many-to-many tables too."""
    models = apps.get_models(include_auto_created=True)
    return tuple(
        sorted(
            {
                model._meta.db_table
                for model in models
                if model._meta.app_label in PROJECT_APPS and model._meta.managed
            }
        )
    )


def fingerprint() -> tuple:
    """(table, digest of all its rows) for each table, in one query; counts off PostgreSQL."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        each = "(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t)"
    else:
        each = "(SELECT count(*) FROM {})"
    sql = "SELECT " + ", ".join(each.format(quote(table)) for table in _tables())
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(zip(_tables(), cursor.fetchone(), strict=True))


def changed_tables(before: tuple, after: tuple) -> list[str]:
    return [table for (table, old), (_, new) in zip(before, after, strict=True) if old != new]
