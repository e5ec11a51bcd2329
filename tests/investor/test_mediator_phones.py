"""Mediators' phones in the registry (issue 14 §9): encrypted at rest (rows already there encrypted by the
migration), kept masked in the registry's history and the audit log, shown in clear to the organisation's own
administrator only, masked for the Bureau and supervisors on the page, in the API and in the Excel export."""

import io

import openpyxl
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import TextField
from django.db.models.functions import Cast
from registry_fixtures import *  # noqa: F403
from registry_fixtures import mediator_data

from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import registry
from sutiao.investor.models import Mediator, RegistryChange
from sutiao.kernel.identifiers import mask
from token_setup import api_token

PHONE = "13800000000"  # registry_fixtures.mediator_data


def _raw_phones() -> list[str]:
    return list(Mediator.objects.annotate(raw=Cast("phone", TextField())).values_list("raw", flat=True))


def _tables_holding(secret: str) -> list[str]:
    """Every column of every table whose stored text contains `secret` (read raw, past the models)."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT count(*) FROM {connection.ops.quote_name(table)} WHERE CAST({name} AS TEXT) LIKE %s",  # noqa: S608 (names from introspection)
                    [f"%{secret}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    return hits


def test_the_phone_is_ciphertext_at_rest_and_masked_in_history_and_audit(reg_admin, reg_mediator):
    assert Mediator.objects.get().phone == PHONE
    assert [PHONE not in raw and len(raw) > 80 for raw in _raw_phones()] == [True]
    # Only the middle digits change: the masks are equal, the history still says it changed.
    registry.update_mediator(reg_admin, reg_mediator, mediator_data(id_number="", phone="13812340000"))
    history = list(RegistryChange.objects.filter(subject_id=reg_mediator.pk).values_list("changes", flat=True))
    assert history[-1]["phone"] == ["138****0000", "138****0000"]
    stored = str(history) + str(list(AuditRecord.objects.values_list("before", "after")))
    assert PHONE not in stored and "13812340000" not in stored
    assert _tables_holding("13812340000") == [] and _tables_holding(PHONE) == []
    assert _tables_holding("郑调解")  # the reading does see stored text


def test_the_organisations_admin_sees_the_phone_the_bureau_a_mask(client, reg_admin, reg_bureau, reg_mediator):
    client.force_login(reg_admin)
    page = client.get(f"/registry/mediators/{reg_mediator.pk}/").content.decode()
    assert f'data-testid="mediator-phone">{PHONE}<' in page
    client.force_login(reg_bureau)
    page = client.get(f"/registry/mediators/{reg_mediator.pk}/").content.decode()
    assert f'data-testid="mediator-phone">{mask("phone", PHONE)}<' in page and PHONE not in page
    # The Bureau's edit form does not carry the phone either; left blank, it stays.
    form = client.get(f"/registry/mediators/{reg_mediator.pk}/edit/").content.decode()
    assert PHONE not in form and mask("phone", PHONE) in form
    values = {"name": "郑调解", "id_number": "", "phone": "", "training_hours": "30"}
    assert client.post(f"/registry/mediators/{reg_mediator.pk}/edit/", values).status_code == 302
    assert Mediator.objects.get().phone == PHONE and str(Mediator.objects.get().training_hours) == "30.0"


def test_the_api_masks_the_phone_but_for_the_organisations_admin(client, reg_admin, reg_bureau, reg_mediator):
    org = reg_mediator.organisation_id
    for user, expected in ((reg_admin, PHONE), (reg_bureau, mask("phone", PHONE))):
        auth = {"Authorization": f"Bearer {api_token(user, 'registry:read', name=user.username)}"}
        listed = client.get(f"/api/v1/registry/organisations/{org}/mediators", headers=auth)
        assert listed.status_code == 200, listed.content
        assert [m["phone"] for m in listed.json()] == [expected]


def test_the_excel_export_masks_the_phone_but_for_the_organisations_admin(reg_admin, reg_bureau, reg_mediator):
    def phones(user) -> list:
        sheet = openpyxl.load_workbook(io.BytesIO(registry.export_mediators(user, reg_mediator.organisation))).active
        header = [c.value for c in sheet[1]]
        return [row[header.index("手机号")] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert phones(reg_admin) == [PHONE]
    assert phones(reg_bureau) == [mask("phone", PHONE)]
    exports = AuditRecord.objects.filter(action="registry.export.mediators").order_by("seq")
    assert [e.after["phones"] for e in exports] == ["clear", "masked"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_phones_already_there(reg_admin, reg_mediator):
    executor = MigrationExecutor(connection)
    before, latest = [("investor", "0015_application_review_overdue")], executor.loader.graph.leaf_nodes("investor")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("investor", "Mediator").objects.update(phone=PHONE)
    old.get_model("investor", "RegistryChange").objects.filter(subject_kind="mediator").update(
        changes={"phone": [None, PHONE]}
    )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert Mediator.objects.get().phone == PHONE and PHONE not in str(_raw_phones())
    assert RegistryChange.objects.filter(subject_kind="mediator").first().changes["phone"] == [None, "138****0000"]
