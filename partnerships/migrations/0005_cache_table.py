"""The database cache table that stands in for Redis while it is down (``partnerships.cache``).

Made here rather than by ``createcachetable`` by hand, so every database (tests, ``make run``,
production) has it whether or not its settings use it yet.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "mahi_tahi_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0004_outbox")]

    operations = [migrations.RunPython(create, drop)]
