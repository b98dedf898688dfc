"""School-wide rounds, households' bookings, and moves in place.

Each booking learns its round (from its time) and a household: the whānau member who booked
it is given a household of their own where they have none, as nobody yet knows who lives
with whom. An interpreter asked for without a language is kept, marked "not given".
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NOT_GIVEN = "(not given)"


def bookings_forward(apps, schema_editor):
    Booking = apps.get_model("conversations", "Booking")
    Household = apps.get_model("partnerships", "Household")
    WhanauMember = apps.get_model("partnerships", "WhanauMember")
    Slot = apps.get_model("conversations", "Slot")
    Booking.objects.update(
        round_id=models.Subquery(
            Slot.objects.filter(pk=models.OuterRef("slot_id")).values("round_id")
        )
    )
    members = WhanauMember.objects.filter(household__isnull=True, bookings__isnull=False)
    for member in members.distinct().iterator():
        member.household = Household.objects.create(school_id=member.school_id)
        member.save(update_fields=["household"])
        Booking.objects.filter(whanau=member).update(household=member.household)
    Booking.objects.filter(needs_interpreter=True, interpreter_language="").update(
        interpreter_language=NOT_GIVEN
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0004_outbox_sends"),
        ("partnerships", "0012_households"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="booking",
            name="household",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="bookings",
                to="partnerships.household",
            ),
        ),
        migrations.AddField(
            model_name="booking",
            name="round",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="bookings",
                to="conversations.conversationround",
            ),
        ),
        migrations.AddField(
            model_name="booking",
            name="sequence",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="break_after",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="How many conversations in a row before a break; 0 for no breaks.",
                verbose_name="a break after every",
            ),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="break_minutes",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="break (minutes)"),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="classes",
            field=models.ManyToManyField(
                blank=True,
                help_text="Leave empty for the whole school.",
                related_name="conversation_rounds",
                to="partnerships.classroom",
                verbose_name="classes",
            ),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="closes_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="booking closes"),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="minutes",
            field=models.PositiveSmallIntegerField(
                default=15, verbose_name="each conversation (minutes)"
            ),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="opens_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="booking opens"),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="per_household",
            field=models.BooleanField(
                default=True, verbose_name="each household books its own time"
            ),
        ),
        migrations.AddField(
            model_name="conversationround",
            name="ways",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="How families may meet in this round; times are offered in these ways.",
                verbose_name="ways to meet",
            ),
        ),
        migrations.AddField(
            model_name="slot",
            name="location",
            field=models.CharField(
                blank=True,
                help_text="A room at school, or the place away from school: for example the marae.",
                max_length=200,
                verbose_name="where",
            ),
        ),
        migrations.AddField(
            model_name="slot",
            name="meeting_link",
            field=models.URLField(blank=True, max_length=500, verbose_name="meeting link"),
        ),
        migrations.RunPython(bookings_forward, migrations.RunPython.noop),
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
