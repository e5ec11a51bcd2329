"""The court's correction of a delegated case arriving (CASE_CORRECTED, issue 15): the organisation's copy of the
parties, claims, consents and amount is replaced, the delegation is found by the corrected names, the mediation's
parties follow, and the page shows who at the court corrected what, when and why. Too late (a result recorded)
it is refused for good."""

from django.urls import reverse
from django.utils import timezone

from sutiao.audit.models import AuditRecord
from sutiao.investor import selectors
from sutiao.investor.actions import delegations as actions
from sutiao.investor.models import Delegation, DelegationCorrection
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.workflow import InvestorState

NEW_PARTIES = [
    {"role": "applicant", "kind": "natural_person", "name": "李思远", "phone": "13900000009"},
    {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司"},
]


def correction(delegation, revision_id=1, parties=None, **overrides):
    now = timezone.now().isoformat()
    parties = parties or NEW_PARTIES
    return {
        "delegation_id": str(delegation.pk),
        "revision_id": revision_id,
        "corrected_at": now,
        "corrected_by": "北京市朝阳区人民法院 王立案",
        "reason": "申请人姓名登记错误",
        "changes": [
            {"what": "当事人李四：姓名/名称", "before": "李四", "after": "李思远"},
            {"what": "当事人李四：联系电话", "field": "phone", "before": "", "after": "13900000009"},
            {"what": "标的额（元）", "before": "125,000.00", "after": "98,000.00"},
        ],
        "dispute_type": "misrepresentation",
        "facts": "虚假陈述致投资损失",
        "amount": "98000.00",
        "claims": [{"text": "赔偿投资差额损失及佣金", "amount": "98000.00"}],
        "parties": parties,
        "consent": [
            {"party": p["name"], "consented": True, "method": "phone", "recorded_at": now, "recorded_by": "王立案"}
            for p in parties
        ],
        **overrides,
    }


def send(post_message, make_envelope, court_peer, delegation, payload, seq=2):
    from sutiao.docking.schemas import MessageType

    message = make_envelope(
        MessageType.CASE_CORRECTED, delegation.case, seq, payload, "court-platform", "investor-platform"
    )
    return post_message(message, court_peer.key)


def found(admin, q):
    return [d.pk for d in selectors.delegation_list(admin, {"q": q}).items]


def test_a_correction_replaces_the_copy_and_is_shown(
    receive, org_a, admin_a, mediator_a, court_peer, post_message, make_envelope, client
):
    delegation = receive(org_a)
    assert found(admin_a, "李四") == [delegation.pk]
    response = send(post_message, make_envelope, court_peer, delegation, correction(delegation))
    assert response.status_code == 200, response.content
    delegation.refresh_from_db()
    assert [p["name"] for p in delegation.parties] == ["李思远", "某某药业股份有限公司"]
    assert [c["party"] for c in delegation.consent] == ["李思远", "某某药业股份有限公司"]
    assert str(delegation.amount) == "98000.00"
    assert delegation.claims[0]["text"] == "赔偿投资差额损失及佣金"
    # Found by the corrected name, no longer by the old one.
    assert found(admin_a, "思远") == [delegation.pk]
    assert found(admin_a, "李四") == []
    [row] = DelegationCorrection.objects.filter(delegation=delegation)
    assert row.corrected_by == "北京市朝阳区人民法院 王立案" and row.reason == "申请人姓名登记错误"
    audit = AuditRecord.objects.get(action="delegation.corrected")
    assert "13900000009" not in str(audit.after) and "139****0009" in str(audit.after)
    # The page shows who at the court, when, what and why; the admin reads the phone masked.
    client.force_login(admin_a)
    page = client.get(reverse("delegation-detail", args=[delegation.pk])).content.decode()
    assert 'data-testid="corrections"' in page
    assert "北京市朝阳区人民法院 王立案" in page and "申请人姓名登记错误" in page
    assert "139****0009" in page and "13900000009" not in page
    assert "李思远" in page


def test_the_same_correction_twice_is_kept_once(receive, org_a, court_peer, post_message, make_envelope):
    delegation = receive(org_a)
    send(post_message, make_envelope, court_peer, delegation, correction(delegation))
    send(post_message, make_envelope, court_peer, delegation, correction(delegation), seq=3)
    assert DelegationCorrection.objects.filter(delegation=delegation).count() == 1


def test_the_mediations_parties_follow(receive, org_a, admin_a, mediator_a, court_peer, post_message, make_envelope):
    delegation = receive(org_a)
    actions.accept_delegation(admin_a, delegation)
    actions.assign_mediator(admin_a, delegation, mediator_a)
    delegation.refresh_from_db()
    assert delegation.state == InvestorState.MEDIATING
    send(post_message, make_envelope, court_peer, delegation, correction(delegation))
    names = list(delegation.mediation.parties.order_by("id").values_list("name", flat=True))
    assert names == ["李思远", "某某药业股份有限公司"]
    assert delegation.mediation.parties.order_by("id").first().phone == "13900000009"


def test_a_correction_after_the_result_is_refused_for_good(
    receive, org_a, admin_a, mediator_a, court_peer, post_message, make_envelope
):
    delegation = receive(org_a)
    actions.accept_delegation(admin_a, delegation)
    actions.assign_mediator(admin_a, delegation, mediator_a)
    actions.record_result(mediator_a, delegation, MediationOutcome.SUCCEEDED, terms="被申请人赔偿申请人八万元。")
    response = send(post_message, make_envelope, court_peer, delegation, correction(delegation))
    assert response.status_code == 422
    assert response.json()["error"] == "delegation_ended"
    delegation = Delegation.objects.get(pk=delegation.pk)
    assert [p["name"] for p in delegation.parties] == ["李四", "某某药业股份有限公司"]
    assert not DelegationCorrection.objects.exists()


def test_a_correction_may_not_add_a_party(receive, org_a, court_peer, post_message, make_envelope):
    delegation = receive(org_a)
    third = {"role": "third_party", "kind": "natural_person", "name": "赵六"}
    response = send(
        post_message, make_envelope, court_peer, delegation, correction(delegation, parties=[*NEW_PARTIES, third])
    )
    assert response.status_code == 422 and response.json()["error"] == "parties_changed"


def test_declining_asks_first_and_names_the_consequence(receive, org_a, admin_a, client):
    """Issue 15 §4: not accepting is irreversible, so a page names the consequence before anything happens."""
    delegation = receive(org_a)
    client.force_login(admin_a)
    url = reverse("delegation-decline", args=[delegation.pk])
    asked = client.post(url, {"reason": "本中心暂无专业调解员"}).content.decode()
    assert 'data-testid="confirm-page"' in asked and "退回北京市朝阳区人民法院" in asked and "不能撤销" in asked
    assert Delegation.objects.get(pk=delegation.pk).state == InvestorState.RECEIVED
    assert client.post(url, {"reason": "本中心暂无专业调解员", "confirmed": "1"}).status_code == 302
    assert Delegation.objects.get(pk=delegation.pk).state == InvestorState.DECLINED


def test_recording_a_result_asks_first(receive, org_a, admin_a, mediator_a, client):
    delegation = receive(org_a)
    actions.accept_delegation(admin_a, delegation)
    actions.assign_mediator(admin_a, delegation, mediator_a)
    client.force_login(mediator_a)
    url = f"/delegations/{delegation.pk}/mediation/end/"
    data = {"end-outcome": "succeeded", "end-terms": "被申请人赔偿申请人八万元。"}
    asked = client.post(url, data).content.decode()
    assert 'data-testid="confirm-page"' in asked and "回传法院" in asked
    assert Delegation.objects.get(pk=delegation.pk).state == InvestorState.MEDIATING
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    assert Delegation.objects.get(pk=delegation.pk).state == InvestorState.SUCCEEDED


def test_retention_erases_the_personal_values_of_corrections(
    receive, org_a, court_peer, post_message, make_envelope, settings
):
    import datetime as dt

    from sutiao.docking.models import InboxMessage
    from sutiao.investor.actions.personal_data import purge_personal_data
    from sutiao.investor.models import DelegationEvent

    delegation = receive(org_a)
    send(post_message, make_envelope, court_peer, delegation, correction(delegation))
    Delegation.objects.filter(pk=delegation.pk).update(state=InvestorState.DECLINED)  # closed long ago
    days = settings.SUTIAO_RETENTION_DAYS["case_parties"]
    DelegationEvent.objects.filter(delegation=delegation).update(at=timezone.now() - dt.timedelta(days=days + 1))
    assert purge_personal_data() == 1
    [row] = DelegationCorrection.objects.filter(delegation=delegation)
    phone = next(c for c in row.changes if c["field"] == "phone")
    assert phone["before"] == phone["after"] == ""
    assert all("13900000009" not in str(m.payload) for m in InboxMessage.objects.filter(case=delegation.case))
