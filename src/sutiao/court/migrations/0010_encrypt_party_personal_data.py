# Parties' identity numbers, phones and addresses encrypted at rest (issue 14 item 9): the columns become
# plain text, the existing values are encrypted in place, then the fields read and write through the key.

from django.db import migrations, models

import sutiao.accounts.pii
from sutiao.accounts.pii import encrypting

FIELDS = {
    "id_number": ("证件号码/统一社会信用代码", 40),
    "phone": ("联系电话", 40),
    "address": ("地址", 300),
}


class Migration(migrations.Migration):
    dependencies = [("court", "0009_case_simple_procedure")]

    operations = [
        *(
            migrations.AlterField("party", name, models.TextField(blank=True, verbose_name=label))
            for name, (label, _) in FIELDS.items()
        ),
        encrypting("court", "Party", *FIELDS),
        *(
            migrations.AlterField(
                "party",
                name,
                sutiao.accounts.pii.EncryptedText(blank=True, max_length=length, verbose_name=label),
            )
            for name, (label, length) in FIELDS.items()
        ),
    ]
