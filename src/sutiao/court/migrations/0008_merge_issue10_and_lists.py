# Three branches of work each added a 0007 (party accounts and online consent, mediation progress, list
# search); they touch different tables, so their order does not matter.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("court", "0007_list_search"),
        ("court", "0007_mediation_progress"),
        ("court", "0007_party_accounts_and_online_consent"),
    ]
    operations = []
