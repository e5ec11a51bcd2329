# Mediators' phones encrypted at rest (issue 14 item 9): the rows already there are encrypted in place, and the
# registry's history, which kept old and new phones in clear, keeps them masked. (Audit records are not
# rewritten: their hash chain is what proves them untouched.)

from django.db import migrations, models

import sutiao.accounts.pii
from sutiao.accounts.pii import encrypting
from sutiao.kernel.identifiers import mask


def _mask_history(apps, schema_editor):
    RegistryChange = apps.get_model("investor", "RegistryChange")
    batch = []
    for change in RegistryChange.objects.filter(subject_kind="mediator").iterator(chunk_size=500):
        phones = (change.changes or {}).get("phone")
        if not phones:
            continue
        change.changes["phone"] = [mask("phone", p) if p else p for p in phones]
        batch.append(change)
        if len(batch) == 500:
            RegistryChange.objects.bulk_update(batch, ["changes"])
            batch = []
    RegistryChange.objects.bulk_update(batch, ["changes"])


class Migration(migrations.Migration):
    dependencies = [("investor", "0015_application_review_overdue")]

    operations = [
        migrations.AlterField("mediator", "phone", models.TextField(blank=True, verbose_name="手机号")),
        encrypting("investor", "Mediator", "phone"),
        migrations.AlterField(
            "mediator", "phone", sutiao.accounts.pii.EncryptedText(blank=True, max_length=20, verbose_name="手机号")
        ),
        migrations.RunPython(_mask_history, migrations.RunPython.noop),
    ]
