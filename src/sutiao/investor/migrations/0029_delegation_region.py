# The region of a delegation's case (issue 13: the oversight figures by region): the province of the delegating
# court, read from the court's case number (kernel.regions, sutiao.regions) as the court platform reads it, kept on
# the delegation and indexed; the delegations received before get theirs here, a chunk at a time. The column is
# then required to be set (a row written around the inbound handler is refused).

from django.db import migrations, models

from sutiao import regions
from sutiao.listing import around_table_rebuild


def backfill_regions(apps, schema_editor):
    regions.backfill(apps.get_model("investor", "Delegation"), "court_case_number")


class Migration(migrations.Migration):
    dependencies = [
        ("investor", "0028_agreement_redrafted_from"),
    ]

    operations = around_table_rebuild(
        "investor_delegation",
        migrations.AddField(
            model_name="delegation",
            name="region",
            field=models.CharField(default="", editable=False, max_length=8, verbose_name="地区"),
            preserve_default=False,
        ),
        migrations.RunPython(backfill_regions, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="delegation",
            index=models.Index(fields=["region", "received_at"], name="investor_delegation_region"),
        ),
        migrations.AddConstraint(
            model_name="delegation",
            constraint=models.CheckConstraint(
                condition=models.Q(("region", ""), _negated=True), name="investor_delegation_region_set"
            ),
        ),
    )
