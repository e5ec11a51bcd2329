import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sutiao.docking.models import InboxMessage, OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.investor.actions import delegations as actions
from sutiao.investor.models import Delegation
from sutiao.kernel.calendar import WorkdayCalendar, china_date
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.rules import ANSWER_PERIOD_SECURITIES
from sutiao.kernel.workflow import InvestorState
from token_setup import api_token


def test_received_delegation_carries_its_answer_deadline(receive, org_a):
    delegation = receive(org_a)
    expected = WorkdayCalendar().add_working_days(china_date(timezone.now()), ANSWER_PERIOD_SECURITIES)
    assert delegation.state == InvestorState.RECEIVED
    assert delegation.answer_due == expected.due
    assert delegation.court_case_number == "(2026)京0105民诉前调12345号"
    assert delegation.events.count() == 1


def test_delegation_to_an_unknown_organisation_is_refused(
    court_peer, post_message, make_envelope, delegate_payload, org_a, own_key
):
    payload = delegate_payload(org_a, organisation_id=str(new_id()))
    response = post_message(
        make_envelope(MessageType.DELEGATE, new_id(), 1, payload, "court-platform", "investor-platform"), court_peer.key
    )
    assert response.status_code == 422
    assert response.json()["error"] == "unknown_organisation"
    assert not InboxMessage.objects.exists() and not Delegation.objects.exists()


def test_delegate_without_every_partys_consent_fails_the_schema(
    court_peer, post_message, make_envelope, delegate_payload, org_a, own_key
):
    payload = delegate_payload(org_a)
    payload["consent"][1]["consented"] = False
    response = post_message(
        make_envelope(MessageType.DELEGATE, new_id(), 1, payload, "court-platform", "investor-platform"), court_peer.key
    )
    assert response.status_code == 422
    assert "consent" in str(response.json()["detail"])


def test_accept_assign_and_succeed_each_travel_back(receive, org_a, admin_a, mediator_a):
    delegation = receive(org_a)
    actions.accept_delegation(admin_a, delegation)
    actions.assign_mediator(admin_a, delegation, mediator_a)
    done = actions.record_result(
        mediator_a, delegation, MediationOutcome.SUCCEEDED, terms="被申请人于十日内赔偿申请人八万元。"
    )
    assert done.state == InvestorState.SUCCEEDED
    sent = list(OutboxMessage.objects.order_by("seq").values_list("type", "seq"))
    assert sent == [
        (MessageType.DELEGATION_ANSWER, 1),
        (MessageType.MEDIATION_PERIOD, 2),  # the period runs from acceptance (L6)
        (MessageType.MEDIATOR_ASSIGNED, 3),
        (MessageType.MEDIATION_RESULT, 4),
    ]


def test_declining_needs_a_reason(receive, org_a, admin_a):
    delegation = receive(org_a)
    with pytest.raises(DomainError, match="不予接受须写明理由"):
        actions.decline_delegation(admin_a, delegation, "   ")
    assert not OutboxMessage.objects.exists()
    actions.decline_delegation(admin_a, delegation, "本组织暂无期货专业调解员")
    assert OutboxMessage.objects.get().payload["reason"] == "本组织暂无期货专业调解员"


def test_only_own_mediators_and_only_the_assigned_mediator(receive, org_a, admin_a, mediator_a, mediator_b):
    delegation = receive(org_a)
    actions.accept_delegation(admin_a, delegation)
    with pytest.raises(DomainError, match="只能指派本组织在册的调解员"):
        actions.assign_mediator(admin_a, delegation, mediator_b)
    actions.assign_mediator(admin_a, delegation, mediator_a)
    with pytest.raises(PermissionDenied):
        actions.record_result(mediator_b, delegation, MediationOutcome.FAILED, reason="不成")
    with pytest.raises(DomainError, match="调解成功须填写调解协议内容"):
        actions.record_result(mediator_a, delegation, MediationOutcome.SUCCEEDED)


def test_organisation_b_can_neither_see_nor_act_on_a_delegation_to_a(receive, org_a, admin_b, client):
    delegation = receive(org_a)
    with pytest.raises(PermissionDenied):
        actions.accept_delegation(admin_b, delegation)
    client.force_login(admin_b)
    assert client.get(f"/delegations/{delegation.pk}/").status_code == 404
    assert client.post(f"/delegations/{delegation.pk}/accept/").status_code == 404
    assert str(delegation.pk) not in client.get("/").content.decode()
    token = api_token(admin_b, name="test")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/delegations/{delegation.pk}", headers=auth).status_code == 404
    assert client.post(f"/api/v1/delegations/{delegation.pk}/accept", headers=auth).status_code == 404
    assert client.get("/api/v1/delegations", headers=auth).json() == {"items": [], "next": None}
    delegation.refresh_from_db()
    assert delegation.state == InvestorState.RECEIVED


def test_pages_for_the_admin_and_the_mediator(receive, org_a, admin_a, mediator_a, client):
    delegation = receive(org_a)
    client.force_login(admin_a)
    home = client.get("/").content.decode()
    assert "(2026)京0105民诉前调12345号" in home and "剩" in home
    page = client.get(f"/delegations/{delegation.pk}/").content.decode()
    assert "接受委派调解" in page and "不予接受的理由" in page
    refused = client.post(f"/delegations/{delegation.pk}/decline/", {"reason": ""})
    assert "This field is required" in refused.content.decode() or "这个字段是必填项" in refused.content.decode()
    client.post(f"/delegations/{delegation.pk}/accept/")
    client.post(f"/delegations/{delegation.pk}/assign/", {"mediator": mediator_a.pk})
    client.force_login(mediator_a)
    assert "调解工作台" in client.get(f"/delegations/{delegation.pk}/").content.decode()
    workspace = f"/delegations/{delegation.pk}/mediation/"
    assert "提交调解结果" in client.get(workspace).content.decode()
    failed = client.post(
        workspace + "end/", {"end-outcome": "failed", "end-ground": "irreconcilable", "confirmed": "1"}
    )
    assert "调解不成须记录无争议事实、争议焦点和各方当事人的意见" in failed.content.decode()
    rows = [p.pk for p in delegation.mediation.parties.all()]
    client.post(
        workspace + "end/",
        {
            "end-outcome": "failed",
            "end-ground": "irreconcilable",
            "end-undisputed_facts": "无",
            "end-disputed_points": "损失数额",
            **{f"end-position_{pk}": "意见" for pk in rows},
            "confirmed": "1",
        },
    )
    delegation.refresh_from_db()
    assert delegation.state == InvestorState.FAILED


def test_recall_from_the_court(receive, org_a, court_peer, post_message, make_envelope):
    delegation = receive(org_a)
    message = make_envelope(
        MessageType.DELEGATION_WITHDRAWN,
        delegation.case,
        2,
        {
            "delegation_id": str(delegation.pk),
            "reason": "当事人已和解",
            "withdrawn_at": timezone.now().isoformat(),
        },
        "court-platform",
        "investor-platform",
    )
    assert post_message(message, court_peer.key).status_code == 200
    delegation.refresh_from_db()
    assert delegation.state == InvestorState.RECALLED
    assert delegation.recall_reason == "当事人已和解"
