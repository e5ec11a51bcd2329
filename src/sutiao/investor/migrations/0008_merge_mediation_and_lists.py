# The mediator's workspace and list search each added a 0007; they touch different tables (the search
# columns added to Delegation are not read by the workspace), so their order does not matter.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("investor", "0007_list_search"),
        ("investor", "0007_mediation_workspace"),
    ]
    operations = []
