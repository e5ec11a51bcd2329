from django.db import migrations

from sutiao.investor.mediation.figures import refresh_all


def backfill(apps, schema_editor):
    """The figures of the mediations that existed before they were kept on the row: the same recompute the
    operators' command runs (mediation.figures.refresh_all), over this migration's models, a batch a transaction
    (the migration is not atomic: a long backfill holds no lock on the whole table, and run again it redoes all)."""
    refresh_all(apps=apps)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("investor", "0030_mediation_figures"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
