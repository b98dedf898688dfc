"""The booking rules, now every booking has its round: one active booking per household, child
and round, or one per child and round where the conversation is joint; an interpreter's
language given; a round closes after it opens.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("conversations", "0006_bookings_households")]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="bookings",
                to="conversations.conversationround",
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["round", "student"], name="conversatio_round_i_29088f_idx"),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cancelled_at__isnull", True), ("household__isnull", False)),
                fields=("round", "student", "household"),
                name="one_booking_per_household",
            ),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cancelled_at__isnull", True), ("household__isnull", True)),
                fields=("round", "student"),
                name="one_joint_booking",
            ),
        ),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("needs_interpreter", False),
                    models.Q(("interpreter_language", ""), _negated=True),
                    _connector="OR",
                ),
                name="interpreter_language_given",
            ),
        ),
        migrations.AddConstraint(
            model_name="conversationround",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("opens_at__isnull", True),
                    ("closes_at__isnull", True),
                    ("closes_at__gt", models.F("opens_at")),
                    _connector="OR",
                ),
                name="round_closes_after_it_opens",
            ),
        ),
    ]
