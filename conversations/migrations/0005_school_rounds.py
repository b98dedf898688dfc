"""School-wide rounds and households' bookings, first step: the new columns, each nullable or
with a default. The bookings learn their round and household in 0006, and the rules that
need them are added in 0007: on PostgreSQL a table whose rows were just updated cannot be
altered in the same transaction, so each step is a migration of its own.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


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
    ]
