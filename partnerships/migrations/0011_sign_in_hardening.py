from django.db import migrations, models

import partnerships.models.sign_in


def give_each_card_its_key(apps, schema_editor):
    # A default computed once would give every card already printed the same key.
    SignInCard = apps.get_model("partnerships", "SignInCard")
    cards = list(SignInCard.objects.only("pk"))
    for card in cards:
        card.qr_key = partnerships.models.sign_in.new_card_key()
    SignInCard.objects.bulk_update(cards, ["qr_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0010_audit_staff_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="leaders_need_two_factor",
            field=models.BooleanField(
                default=False,
                help_text="A leader without an authenticator app is asked to set one up first.",
                verbose_name="leaders sign in with two-factor authentication",
            ),
        ),
        migrations.AddField(
            model_name="signincard",
            name="qr_key",
            field=models.CharField(default="", editable=False, max_length=22),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_card_its_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signincard",
            name="qr_key",
            field=models.CharField(
                default=partnerships.models.sign_in.new_card_key, editable=False, max_length=22
            ),
        ),
    ]
