"""Parties' personal data on the investor platform (issue 14 item 9): the copy a delegation brings and the
mediation's parties' phones encrypted at rest, masked on the delegation's page except for the case's mediator
(audited), erased by the retention job once the delegation is long closed, and a party's own copy."""

import datetime as dt
import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.pii import decrypt
from sutiao.audit.models import AuditRecord
from sutiao.docking.models import InboxMessage
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions.personal_data import purge_personal_data
from sutiao.investor.mediation.models import MediationParty
from sutiao.investor.models import Delegation
from sutiao.kernel.enums import MediationOutcome, PartyKind
from sutiao.kernel.identifiers import mask, resident_id_check_digit

NUMBER = "11010519850617271" + resident_id_check_digit("11010519850617271")
PHONE, ADDRESS = "13912345671", "北京市朝阳区建国路八十八号院七号楼"


@pytest.fixture
def delegation(receive, org_a, admin_a, mediator_a):
    parties = [
        {
            "role": "applicant",
            "kind": "natural_person",
            "name": "李四",
            "id_number": NUMBER,
            "phone": PHONE,
            "address": ADDRESS,
        },
        {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司"},
    ]
    delegation = receive(org_a, parties=parties)
    delegation_actions.accept_delegation(admin_a, delegation)
    return delegation_actions.assign_mediator(admin_a, delegation, mediator_a)


def _raw(model, field) -> list[str]:
    return list(model.objects.annotate(raw=Cast(field, TextField())).values_list("raw", flat=True))


def test_the_received_copy_and_the_mediations_phones_are_ciphertext(delegation):
    stored = _raw(Delegation, "parties") + _raw(InboxMessage, "payload") + _raw(MediationParty, "phone")
    assert not [v for v in stored if NUMBER in v or PHONE in v or ADDRESS in v]
    assert NUMBER in decrypt(_raw(Delegation, "parties")[0])
    assert Delegation.objects.get().parties[0]["phone"] == PHONE
    assert MediationParty.objects.get(name="李四").phone == PHONE


def _page(client, user, delegation) -> str:
    client.force_login(user)
    answer = client.get(reverse("delegation-detail", args=[delegation.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_page_masks_for_the_admin_and_shows_the_mediator_audited(delegation, admin_a, mediator_a, client):
    page = _page(client, admin_a, delegation)
    assert mask("id_number", NUMBER) in page and mask("phone", PHONE) in page
    assert NUMBER not in page and PHONE not in page and ADDRESS not in page
    assert not AuditRecord.objects.filter(action="delegation.parties.view_personal_data").exists()
    page = _page(client, mediator_a, delegation)
    assert NUMBER in page and PHONE in page
    record = AuditRecord.objects.get(action="delegation.parties.view_personal_data")
    assert record.actor_id == str(mediator_a.pk) and record.case == str(delegation.case)


def test_retention_erases_a_long_closed_delegations_parties(delegation, mediator_a, settings):
    delegation_actions.record_result(mediator_a, delegation, MediationOutcome.SUCCEEDED, terms="赔偿八万元")
    days = settings.SUTIAO_RETENTION_DAYS["case_parties"]
    assert purge_personal_data(now=timezone.now() + dt.timedelta(days=days - 1)) == 0
    assert purge_personal_data(now=timezone.now() + dt.timedelta(days=days + 1)) == 1
    erased = Delegation.objects.get()
    assert erased.parties_erased_at is not None
    assert [(p["name"], p["id_number"], p["phone"], p["address"]) for p in erased.parties][0] == ("李四", "", "", "")
    assert MediationParty.objects.get(name="李四").phone == ""
    received = InboxMessage.objects.get(type="DELEGATE").payload["parties"][0]
    assert (received["id_number"], received["phone"], received["address"]) == ("", "", "")
    record = AuditRecord.objects.get(action="delegation.parties.erase_personal_data")
    assert record.case == str(delegation.case) and record.after["docking_messages"] == 1
    assert purge_personal_data(now=timezone.now() + dt.timedelta(days=days + 1)) == 0


def test_a_party_downloads_a_copy_of_their_data_audited(delegation, client, admin_a):
    account = party_accounts.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=NUMBER,
        mobile="13800138000",
        username="lisi",
        password="sutiao-demo-2026",
    )
    client.force_login(account.user)
    copy = json.loads(client.get(reverse("my-data")).content)
    [mine] = copy["cases"]
    assert (mine["court_case_number"], mine["id_number"], mine["phone"], mine["address"]) == (
        delegation.court_case_number,
        NUMBER,
        PHONE,
        ADDRESS,
    )
    assert AuditRecord.objects.filter(action="party.data_copy").count() == 1
    client.force_login(admin_a)
    assert client.get(reverse("my-data")).status_code == 403


def test_operators_see_the_parties_masked(delegation, operator_client):
    answer = operator_client.get(reverse("admin:investor_delegation_change", args=[delegation.pk]))
    page = answer.content.decode()
    assert answer.status_code == 200 and mask("phone", PHONE) in page and mask("id_number", NUMBER) in page
    assert PHONE not in page and NUMBER not in page and ADDRESS not in page
    message = InboxMessage.objects.get(type="DELEGATE")
    page = operator_client.get(reverse("admin:docking_inboxmessage_change", args=[message.pk])).content.decode()
    assert mask("phone", PHONE) in page and PHONE not in page and NUMBER not in page


def test_rotation_reaches_the_received_copy_and_the_stored_messages(delegation, settings):
    old, new = settings.SUTIAO_FIELD_KEY, Fernet.generate_key().decode()
    settings.SUTIAO_FIELD_KEY = f"{new},{old}"
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "investor.Delegation: 1/1 行" in out.getvalue()
    settings.SUTIAO_FIELD_KEY, settings.SUTIAO_DIGEST_KEY = new, old
    assert Delegation.objects.get().parties[0]["id_number"] == NUMBER
    assert InboxMessage.objects.get(type="DELEGATE").payload["parties"][0]["phone"] == PHONE
    assert MediationParty.objects.get(name="李四").phone == PHONE
