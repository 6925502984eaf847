"""The statuses every municipality starts with; it changes the list in the workspace."""

from django.db import migrations

STATUSES = [
    ("adopted", "aangenomen", 50),
    ("partly_adopted", "deels aangenomen", 40),
    ("not_adopted", "niet aangenomen", 0),
    ("in_progress", "in behandeling", 10),
    ("implemented", "uitgevoerd", 100),
]


def seed(apps, schema_editor):
    status_model = apps.get_model("council", "AnswerStatus")
    for order, (key, label, progress) in enumerate(STATUSES, start=1):
        status_model.objects.get_or_create(
            key=key, defaults={"label": label, "progress": progress, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("council", "0001_answers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
