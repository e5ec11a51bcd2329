"""An agent (代理人, a lawyer) in the mediation workspace (issue 10 §1, leftover): within a power of attorney in
force for a party whose own account is linked to the case, the agent sees the party's view (never the other
side's caucus) and acts as the party within the power's scopes; the party sees what the agent did, and the
timeline and audit say «代理人X代Y». Without a power (or once revoked, or for another party) the case does
not exist for the agent (404)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sutiao.accounts import parties
from sutiao.accounts.models import ActOnBehalf, AgentScope, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as actions
from sutiao.investor.mediation.models import Mediation
from sutiao.investor.models import DelegationEvent
from sutiao.kernel.enums import PartyKind

APPLICANT_ID, RESPONDENT_ID = "110105198001010016", "91110000100000000R"
THEIR_CAUCUS = "背对背：本公司最多可赔五万元"
OUR_CAUCUS = "背对背：申请人最低接受八万元"


@pytest.fixture
def case(receive, org_a, admin_a, mediator_a):
    delegation = receive(
        org_a,
        parties=[
            {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
        ],
    )
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    profile = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=APPLICANT_ID,
        mobile="13800000001",
        username="li_si",
        password="x-long-password",
    )
    firm = User.objects.create_user("drug_co", password="x-long-password", role=Role.PARTY, full_name="某某药业")
    actions.link_party_account(profile.user, profile.id_number_digest)
    actions.link_party_account(firm, parties.pii.id_number_digest(RESPONDENT_ID))
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    return mediation, profile.user, firm, row_a, row_b


@pytest.fixture
def lawyer(db):
    return User.objects.create_user("lawyer", password="x" * 12, role=Role.AGENT, full_name="赵律师")


def _power(party_user, agent, scopes):
    return parties.grant_power(
        party_user, agent=agent, scopes=list(scopes), valid_until=timezone.localdate() + dt.timedelta(days=30)
    )


def url(mediation, tail=""):
    return f"/delegations/{mediation.pk}/mediation/{tail}"


def test_without_a_power_of_attorney_the_case_does_not_exist_for_the_agent(client, case, lawyer):
    mediation = case[0]
    client.force_login(lawyer)
    assert client.get(url(mediation)).status_code == 404
    assert client.post(url(mediation, "party_message/"), {"party_message-text": "您好"}).status_code == 404
    assert mediation.number not in client.get("/mediations/").content.decode()


def test_the_agent_sees_the_partys_view_never_the_other_sides_caucus(client, case, lawyer, mediator_a):
    mediation, party_a, _firm, row_a, row_b = case
    actions.post_message(mediator_a, mediation, THEIR_CAUCUS, caucus_with=row_b)
    actions.post_message(mediator_a, mediation, OUR_CAUCUS, caucus_with=row_a)
    actions.post_message(mediator_a, mediation, "各方好，调解定于下周举行")
    _power(party_a, lawyer, AgentScope)
    client.force_login(lawyer)
    page = client.get(url(mediation)).content.decode()
    assert "各方好" in page and OUR_CAUCUS in page and THEIR_CAUCUS not in page
    assert 'data-testid="acting-for"' in page and "您代李四办理本案" in page
    assert mediation.number in client.get("/mediations/").content.decode()


def test_the_agent_acts_as_the_party_and_the_party_sees_it(client, case, lawyer, mediator_a):
    mediation, party_a, firm, row_a, _row_b = case
    _power(party_a, lawyer, [AgentScope.MESSAGES, AgentScope.SIGN])
    client.force_login(lawyer)
    sent = client.post(url(mediation, "party_message/"), {"party_message-text": "代理意见：请求分期支付"})
    assert sent.status_code == 302
    private = client.post(
        url(mediation, "party_message/"),
        {"party_message-text": "仅告知调解员：可让步至七万", "party_message-private": "on"},
    )
    assert private.status_code == 302
    message, caucus = mediation.messages.order_by("id")
    assert message.author == lawyer and message.author_label == "代理人赵律师代李四" and message.caucus_with is None
    assert caucus.caucus_with == row_a  # the party's own caucus, never another's
    # the record, confirmed by the agent for the party (scope «sign»)
    rec = actions.write_record(mediator_a, mediation, "双方就分期支付达成初步意向。")
    confirmed = client.post(url(mediation, "confirm/"), {"record": rec.pk, "party": row_a.pk})
    assert confirmed.status_code == 302 and rec.confirmations.get().party == row_a
    # the party's own list of what was done for them, with the audit record of each
    acts = list(ActOnBehalf.objects.filter(party__user=party_a).order_by("at", "id"))
    assert [a.action for a in acts] == ["mediation.message", "mediation.message", "mediation.confirm_record"]
    assert all(a.actor == lawyer and a.audit_seq for a in acts)
    audit = AuditRecord.objects.filter(action="mediation.confirm_record").get()
    assert audit.actor_id == str(lawyer.pk) and audit.after["by"] == "代理人赵律师代李四"
    events = DelegationEvent.objects.filter(delegation_id=mediation.pk).values_list("actor", flat=True)
    assert "代理人赵律师代李四" in set(events)
    client.force_login(party_a)
    mine = client.get("/accounts/on-my-behalf/").content.decode()
    assert "赵律师" in mine and "确认调解笔录" in mine
    # the other party reads the message as the agent's for the party
    client.force_login(firm)
    assert "代理人赵律师代李四" in client.get(url(mediation)).content.decode()


def test_the_agent_stays_within_the_scopes(case, lawyer, mediator_a):
    mediation, party_a, _firm, row_a, row_b = case
    _power(party_a, lawyer, [AgentScope.MESSAGES])
    rec = actions.write_record(mediator_a, mediation, "笔录")
    with pytest.raises(PermissionDenied, match="确认笔录、签署协议"):
        actions.confirm_record(lawyer, rec, row_a)
    with pytest.raises(PermissionDenied, match="表示是否同意调解"):
        actions.request_recusal(lawyer, mediation, row_a, "recusal", "调解员与对方有利害关系")
    with pytest.raises(PermissionDenied):  # never as the other party
        actions.confirm_record(lawyer, rec, row_b)
    with pytest.raises(PermissionDenied):  # nor into the other side's caucus
        actions.post_message(lawyer, mediation, "你好", caucus_with=row_b)
    assert not rec.confirmations.exists()


def test_a_revoked_or_expired_power_closes_the_workspace(client, case, lawyer):
    mediation, party_a, *_ = case
    power = _power(party_a, lawyer, AgentScope)
    client.force_login(lawyer)
    assert client.get(url(mediation)).status_code == 200
    parties.revoke_power(party_a, power)
    assert client.get(url(mediation)).status_code == 404
    expired = _power(party_a, lawyer, AgentScope)
    type(expired).objects.filter(pk=expired.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(url(mediation)).status_code == 404


def test_a_power_from_an_account_not_linked_to_the_case_opens_nothing(client, case, lawyer):
    """The power must come from the party whose own account is linked to (verified against) the case row."""
    mediation = case[0]
    other = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="王五",
        id_number="110105198303030039",
        mobile="13800000009",
        username="wang_wu",
        password="x-long-password",
    )
    _power(other.user, lawyer, AgentScope)
    client.force_login(lawyer)
    assert client.get(url(mediation)).status_code == 404
