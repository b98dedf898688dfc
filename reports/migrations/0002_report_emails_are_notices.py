from django.db import migrations

# Untranslated, as the outbox stores its reasons; shown to staff in their language.
REASON = "Report emails were replaced by notices: this one was not sent."


def retire_report_emails(apps, schema_editor):
    # A report email still waiting has no builder any more: its readers were told by notice.
    apps.get_model("partnerships", "OutboxEmail").objects.filter(
        kind="report_published", status="queued"
    ).update(status="skipped", reason=REASON, claimed_until=None)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0009_notices"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(retire_report_emails, migrations.RunPython.noop)]
