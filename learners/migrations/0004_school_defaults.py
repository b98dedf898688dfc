"""Schools made before goals existed get the default learning areas and dispositions."""

from django.db import migrations

AREAS = [
    "English",
    "The arts",
    "Health and physical education",
    "Learning languages",
    "Mathematics and statistics",
    "Science",
    "Social sciences",
    "Technology",
    "Te reo Māori",
]
DISPOSITIONS = ["Resilient", "Resourceful", "Responsive"]


def add_defaults(apps, schema_editor):
    School = apps.get_model("partnerships", "School")
    LearningArea = apps.get_model("learners", "LearningArea")
    Disposition = apps.get_model("learners", "Disposition")
    for school in School.objects.filter(learning_areas__isnull=True):
        LearningArea.objects.bulk_create(
            [LearningArea(school=school, name=name, position=i) for i, name in enumerate(AREAS)]
        )
        Disposition.objects.bulk_create(
            [Disposition(school=school, name=name, position=i) for i, name in enumerate(DISPOSITIONS)]
        )


class Migration(migrations.Migration):
    dependencies = [("learners", "0003_goals")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
