"""The week's updates waiting for approval, found from the week rather than from each of a
whole school's students (the teacher's week page counts them)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0008_booking_nudges"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="weeklyupdate",
            index=models.Index(fields=["week", "status"], name="update_week_status"),
        ),
    ]
