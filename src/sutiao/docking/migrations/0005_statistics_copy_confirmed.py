# A kept statistics answer records when the peer last confirmed its figures (issue 13 §5 retention): for the copies
# kept before, that is when each was received.

import django.utils.timezone
from django.db import migrations, models


def confirmed_when_received(apps, schema_editor):
    StatisticsCopy = apps.get_model("docking", "StatisticsCopy")
    StatisticsCopy.objects.update(last_confirmed_at=models.F("fetched_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("docking", "0004_statistics_copy"),
    ]

    operations = [
        migrations.AddField(
            model_name="statisticscopy",
            name="last_confirmed_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="最近一次核对"),
        ),
        migrations.RunPython(confirmed_when_received, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="statisticscopy",
            index=models.Index(fields=["last_confirmed_at", "id"], name="docking_statistics_copy_age"),
        ),
    ]
