# The investor side's copy of the court's parties and the mediation's parties' phones encrypted at rest
# (issue 14 item 9); the time the retention job erased a delegation's parties' personal data.

from django.db import migrations, models

import sutiao.accounts.pii
from sutiao.accounts.pii import encrypting
from sutiao.listing import search_index_drop_sql, search_index_sql


def _search_index(create: bool):
    # SQLite alters a column by rebuilding the table, which drops the search index's triggers: the index is
    # dropped before and made again (from the rows) after.
    def run(apps, schema_editor):
        make = search_index_sql if create else search_index_drop_sql
        for sql in make(schema_editor.connection.vendor, "investor_delegation"):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("investor", "0011_mediation_evidence")]

    operations = [
        migrations.RunPython(_search_index(False), _search_index(True)),
        migrations.AlterField("delegation", "parties", models.TextField(verbose_name="当事人")),
        migrations.AlterField("mediationparty", "phone", models.TextField(blank=True, verbose_name="联系电话")),
        encrypting("investor", "Delegation", "parties"),
        encrypting("investor", "MediationParty", "phone"),
        migrations.AlterField("delegation", "parties", sutiao.accounts.pii.EncryptedJSON(verbose_name="当事人")),
        migrations.AlterField(
            "mediationparty",
            "phone",
            sutiao.accounts.pii.EncryptedText(blank=True, max_length=40, verbose_name="联系电话"),
        ),
        migrations.AddField(
            "delegation",
            "parties_erased_at",
            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="当事人个人信息删除时间"),
        ),
        migrations.AlterField("mediator", "id_number_encrypted", sutiao.accounts.pii.Ciphertext(editable=False)),
        migrations.RunPython(_search_index(True), _search_index(False)),
    ]
