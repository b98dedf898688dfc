from django.db import migrations, models

HID = "Hid a comment: "


def reasons_to_staff_note(apps, schema_editor):
    # Why a comment was hidden was kept in the summary, which families read in a goal's
    # history: it moves to the note only staff see.
    AuditEvent = apps.get_model("partnerships", "AuditEvent")
    for event in AuditEvent.objects.filter(summary__startswith=HID).only("summary"):
        event.staff_note = event.summary[len(HID) :]
        event.summary = HID.removesuffix(": ")
        event.save(update_fields=["summary", "staff_note"])


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0009_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="staff_note",
            field=models.CharField(blank=True, max_length=300, verbose_name="note for staff"),
        ),
        migrations.RunPython(reasons_to_staff_note, migrations.RunPython.noop),
    ]
