# The docking's stored messages (outbox and inbox) encrypted at rest as a whole (issue 14 item 9): a
# delegation's payload carries the parties' identity numbers and phones.

from django.db import migrations, models

import sutiao.accounts.pii
from sutiao.accounts.pii import encrypting


class Migration(migrations.Migration):
    dependencies = [("docking", "0001_initial")]

    operations = [
        *(
            migrations.AlterField(m, "payload", models.TextField(verbose_name="内容"))
            for m in ("outboxmessage", "inboxmessage")
        ),
        encrypting("docking", "OutboxMessage", "payload"),
        encrypting("docking", "InboxMessage", "payload"),
        *(
            migrations.AlterField(m, "payload", sutiao.accounts.pii.EncryptedJSON(verbose_name="内容"))
            for m in ("outboxmessage", "inboxmessage")
        ),
    ]
