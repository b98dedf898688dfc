"""Each booking learns its round (from its time) and a household: the whānau member who booked
it is given a household of their own where they have none, as nobody yet knows who lives
with whom. An interpreter asked for without a language is kept, marked "not given", so the
rule that a language is given (0007) holds for every row.
"""

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
    dependencies = [("conversations", "0005_school_rounds")]

    operations = [migrations.RunPython(bookings_forward, migrations.RunPython.noop)]
