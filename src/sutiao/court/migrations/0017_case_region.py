# The region of a case (issue 13: the oversight figures by region): the province of its court, read from the case
# number (kernel.regions, sutiao.regions), kept on the case and indexed; the cases registered before get theirs here,
# a chunk at a time. The column is then required to be set (a row written around register_case is refused).

from django.db import migrations, models

from sutiao import regions
from sutiao.listing import around_table_rebuild


def backfill_regions(apps, schema_editor):
    regions.backfill(apps.get_model("court", "Case"), "number")


class Migration(migrations.Migration):
    dependencies = [
        ("court", "0016_mediator_training"),
    ]

    operations = around_table_rebuild(
        "court_case",
        migrations.AddField(
            model_name="case",
            name="region",
            field=models.CharField(default="", editable=False, max_length=8, verbose_name="地区"),
            preserve_default=False,
        ),
        migrations.RunPython(backfill_regions, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["region"], name="court_case_region"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(condition=models.Q(("region", ""), _negated=True), name="court_case_region_set"),
        ),
    )
