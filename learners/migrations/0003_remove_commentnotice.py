# Teachers hear of whānau comments through notices now (``learners.notices``).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0002_inquirystep"),
    ]

    operations = [
        migrations.DeleteModel(name="CommentNotice"),
    ]
