"""Weekly updates written for sending before the outbox existed still go home: each delivery
still waiting (or failed, with tries left under the old rules) gets its outbox row."""

from django.db import migrations

OLD_MAX_ATTEMPTS = 5


def enqueue_waiting(apps, schema_editor):
    UpdateDelivery = apps.get_model("conversations", "UpdateDelivery")
    OutboxEmail = apps.get_model("partnerships", "OutboxEmail")
    waiting = UpdateDelivery.objects.filter(status="queued") | UpdateDelivery.objects.filter(
        status="failed", attempts__lt=OLD_MAX_ATTEMPTS
    )
    rows = [
        OutboxEmail(
            kind="weekly_update",
            key=f"weekly-update:{delivery_id}",
            params={"delivery": delivery_id},
            school_id=school_id,
        )
        for delivery_id, school_id in waiting.values_list("pk", "update__student__school_id")
    ]
    OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0002_updatedelivery_read_at"),
        ("partnerships", "0004_outbox"),
    ]

    operations = [migrations.RunPython(enqueue_waiting, migrations.RunPython.noop)]
