"""Parties' personal data on the court platform (issue 14 item 9): encrypted in the table, masked on the case
page and in the API unless the viewer is the case's filing staff (then audited), keys rotated by
`rotate_field_keys`, erased by the retention job once the case is long closed, and a party's own copy."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import PartyProfile
from sutiao.accounts.pii import decrypt, id_number_digest
from sutiao.audit.models import AuditRecord
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.actions.personal_data import purge_personal_data
from sutiao.court.models import Party
from sutiao.court.selectors import party_cases
from sutiao.docking.models import OutboxMessage
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.identifiers import mask, resident_id_check_digit
from sutiao.notifications.delivery import deliver_due, purge_addresses
from sutiao.notifications.models import Notification
from token_setup import api_token

NUMBER = "11010519850617271" + resident_id_check_digit("11010519850617271")
PHONE, ADDRESS = "13912345671", "北京市朝阳区建国路八十八号院七号楼"


@pytest.fixture
def case(staff):
    case = cases.register_case(
        staff,
        stage=CaseStage.PRE_FILING,
        dispute_type=DisputeType.MISREPRESENTATION,
        amount=Decimal("88000.00"),
        parties=[
            cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "钱多多", NUMBER, PHONE, ADDRESS),
            cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某某药业股份有限公司"),
        ],
        claims=[cases.ClaimInput("赔偿投资差额损失", Decimal("88000.00"))],
    )
    cases.ask_consent(staff, case)
    for party in case.parties.all():
        at = timezone.now() - dt.timedelta(minutes=5)
        cases.record_consent(staff, case, party, consented=True, method=ConsentMethod.PHONE, answered_at=at)
    return cases.record_appointment_request(staff, case)  # L3: the parties asked the court to appoint


def _stored(field: str) -> list[str]:
    """What the table holds, read past the field's decryption."""
    return list(Party.objects.annotate(raw=Cast(field, TextField())).values_list("raw", flat=True))


def test_the_table_holds_ciphertext_and_the_model_reads_the_clear_value(case):
    stored = _stored("id_number") + _stored("phone") + _stored("address")
    assert not [v for v in stored if NUMBER in v or PHONE in v or ADDRESS in v]
    assert sorted(decrypt(v) for v in stored if v) == sorted([NUMBER, PHONE, ADDRESS])
    party = case.parties.get(name="钱多多")
    assert (party.id_number, party.phone, party.address) == (NUMBER, PHONE, ADDRESS)
    assert party.id_digest == id_number_digest(NUMBER)


def _page(client, user, case) -> str:
    client.force_login(user)
    return client.get(reverse("case-detail", args=[case.pk])).content.decode()


def _clear_views(user) -> int:
    return AuditRecord.objects.filter(action="case.parties.view_personal_data", actor_id=str(user.pk)).count()


def test_the_case_page_masks_for_a_judge_and_shows_the_filing_staff_audited(case, staff, judge, admin, client):
    for reader in (judge, admin):
        page = _page(client, reader, case)
        assert mask("id_number", NUMBER) in page and mask("phone", PHONE) in page
        assert NUMBER not in page and PHONE not in page and ADDRESS not in page
        assert _clear_views(reader) == 0
    page = _page(client, staff, case)
    assert NUMBER in page and PHONE in page
    assert _clear_views(staff) == 1
    record = AuditRecord.objects.get(action="case.parties.view_personal_data")
    assert record.case == str(case.pk) and record.after == {"parties": ["钱多多", "某某药业股份有限公司"]}


def test_the_api_shows_the_parties_masked(case, staff, client):
    token = api_token(staff, "cases:read", name="测试")
    answer = client.get(f"/api/v1/cases/{case.pk}", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.content
    party = next(p for p in answer.json()["parties"] if p["name"] == "钱多多")
    assert (party["id_number_masked"], party["phone_masked"]) == (mask("id_number", NUMBER), "139****5671")
    assert NUMBER not in answer.content.decode() and PHONE not in answer.content.decode()


def test_rotation_reencrypts_every_value_with_the_newest_key_and_is_idempotent(
    case, settings, organisation, staff, own_key
):
    delegation_actions.delegate_case(staff, case, organisation)
    account = party_accounts.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="钱多多",
        id_number=NUMBER,
        mobile=PHONE,
        username="qian",
        password="sutiao-demo-2026",
    )
    old, new = settings.SUTIAO_FIELD_KEY, Fernet.generate_key().decode()
    settings.SUTIAO_FIELD_KEY = f"{new},{old}"
    out = io.StringIO()
    call_command("rotate_field_keys", batch=1, stdout=out)
    assert "court.Party: 2/2 行" in out.getvalue() and "完成" in out.getvalue()

    # Every stored value now opens with the new key alone; the old key may go.
    settings.SUTIAO_FIELD_KEY, settings.SUTIAO_DIGEST_KEY = new, old
    party = Party.objects.get(name="钱多多")
    assert (party.id_number, party.phone, party.address) == (NUMBER, PHONE, ADDRESS)
    assert OutboxMessage.objects.get().payload["parties"][0]["id_number"] == NUMBER
    profile = PartyProfile.objects.get(pk=account.pk)
    assert decrypt(profile.id_number_encrypted) == NUMBER and decrypt(profile.mobile_encrypted) == PHONE
    # Digests did not change: the party still finds the case.
    assert list(party_cases(account.user)) == [case]

    again = io.StringIO()
    call_command("rotate_field_keys", stdout=again)
    assert "完成：共重新加密 0 个值" in again.getvalue()


def _closed(case, staff, organisation):
    delegation_actions.delegate_case(staff, case, organisation)
    delegation_actions.recall_delegation(staff, case, "当事人要求直接起诉")
    return cases.send_back_to_court(staff, case)


def test_retention_erases_a_long_closed_cases_parties_and_its_stored_messages(
    case, staff, organisation, own_key, settings, new_case
):
    closed = _closed(case, staff, organisation)
    open_party = new_case().parties.first()
    Party.objects.filter(pk=open_party.pk).update(phone=PHONE)  # an open case's party with a phone
    days = settings.SUTIAO_RETENTION_DAYS["case_parties"]

    assert purge_personal_data(now=timezone.now() + dt.timedelta(days=days - 1)) == 0
    assert purge_personal_data(now=timezone.now() + dt.timedelta(days=days + 1)) == 1
    party = closed.parties.get(name="钱多多")
    assert (party.name, party.id_number, party.phone, party.address) == ("钱多多", "", "", "")
    assert party.id_digest == id_number_digest(NUMBER)  # the party still finds the case, and may ask for a copy
    sent = OutboxMessage.objects.get(type="DELEGATE").payload["parties"]
    assert all(p.get(f, "") == "" for p in sent for f in ("id_number", "phone", "address"))
    record = AuditRecord.objects.get(action="case.parties.erase_personal_data")
    assert record.case == str(closed.pk) and record.after == {"retention_days": days, "docking_messages": 1}
    assert Party.objects.get(pk=open_party.pk).phone == PHONE  # an open case is kept
    assert purge_personal_data(now=timezone.now() + dt.timedelta(days=days + 1)) == 0


def test_a_party_downloads_a_copy_of_their_data_audited(case, staff, client):
    account = party_accounts.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="钱多多",
        id_number=NUMBER,
        mobile="13800138000",
        username="qian",
        password="sutiao-demo-2026",
    )
    client.force_login(account.user)
    assert reverse("my-data") in client.get(reverse("party-cases")).content.decode()  # offered on every page
    answer = client.get(reverse("my-data"))
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    copy = json.loads(answer.content)
    assert copy["account"]["id_number"] == NUMBER and copy["account"]["mobile"] == "13800138000"
    [mine] = copy["cases"]
    assert (mine["case_number"], mine["id_number"], mine["phone"], mine["address"]) == (
        case.number,
        NUMBER,
        PHONE,
        ADDRESS,
    )
    assert [c["consented"] for c in mine["consents"]] == [True]
    assert AuditRecord.objects.filter(action="party.data_copy", actor_id=str(account.user.pk)).count() == 1

    client.force_login(staff)  # staff have no copy of «their» party data to ask for
    assert client.get(reverse("my-data")).status_code == 403


def test_operators_see_the_stored_messages_masked(case, staff, organisation, own_key, operator_client):
    delegation_actions.delegate_case(staff, case, organisation)
    message = OutboxMessage.objects.get(type="DELEGATE")
    answer = operator_client.get(reverse("admin:docking_outboxmessage_change", args=[message.pk]))
    page = answer.content.decode()
    assert answer.status_code == 200 and mask("phone", PHONE) in page and mask("id_number", NUMBER) in page
    assert PHONE not in page and NUMBER not in page and ADDRESS not in page


def test_retention_erases_the_address_a_notification_went_to(case, settings, tmp_path):
    settings.SUTIAO_SMS_LOG = tmp_path / "sms.log"
    settings.SUTIAO_SMS_BACKEND = "sutiao.notifications.sms.LogFileSmsBackend"
    deliver_due()  # the consent request sent by SMS to the party's phone when consent was asked
    sent = Notification.objects.get(channel="sms")
    assert decrypt(sent.address_encrypted) == PHONE
    days = settings.SUTIAO_RETENTION_DAYS["notification_addresses"]
    assert purge_addresses(now=timezone.now() + dt.timedelta(days=days - 1)) == 0
    assert purge_addresses(now=timezone.now() + dt.timedelta(days=days + 1)) == 1
    sent.refresh_from_db()
    assert sent.address_encrypted == "" and sent.address_masked == mask("phone", PHONE)
    assert AuditRecord.objects.get(action="notifications.erase_addresses").after == {
        "notifications": 1,
        "retention_days": days,
    }
