"""A mediation's source is a delegation or a direct application. The primary key was the delegation itself
(a one-to-one key); it becomes a plain UUID with the same values, and the delegation a nullable link beside
the application's. Done in steps each database applies without losing a row or a reference: the key stops
being a foreign key under its old column, takes its new name (PostgreSQL and SQLite both carry the other
tables' references along with a column rename), and the links are added and filled."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, Q


def fill_delegation(apps, schema_editor):
    apps.get_model("investor", "Mediation").objects.update(delegation_id=F("id"))


class Migration(migrations.Migration):
    dependencies = [("investor", "0009_direct_applications")]

    operations = [
        migrations.AlterField(
            "mediation", "delegation", models.UUIDField(primary_key=True, serialize=False, db_column="delegation_id")
        ),
        migrations.RenameField("mediation", "delegation", "id"),
        migrations.AlterField("mediation", "id", models.UUIDField(primary_key=True, serialize=False, editable=False)),
        migrations.AddField(
            "mediation",
            "delegation",
            models.OneToOneField(
                null=True,
                blank=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="mediation",
                to="investor.delegation",
            ),
        ),
        migrations.RunPython(fill_delegation, migrations.RunPython.noop),
        migrations.AddField(
            "mediation",
            "application",
            models.OneToOneField(
                null=True,
                blank=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="mediation",
                to="investor.directapplication",
            ),
        ),
        migrations.AddConstraint(
            "mediation",
            models.CheckConstraint(
                condition=Q(delegation__isnull=False, application__isnull=True)
                | Q(delegation__isnull=True, application__isnull=False),
                name="mediation_one_source",
            ),
        ),
    ]
