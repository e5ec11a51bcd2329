"""A correction after delegation reaching the investor platform (issue 15 acceptance): the court corrects a
delegated case's parties, claims and amount with a reason; the organisation's copy follows, the delegation is
found by the corrected name, and the correction shows who at the court made it, when, what changed and why. A
correction once the result is recorded is refused."""

from live import wait_for
from test_delegation_flow import ORG1, court_case, investor_delegation, register_consented_case

from sutiao.kernel.workflow import CourtState


def test_a_correction_after_delegation_reaches_the_organisation(live):
    court = live.api("court_filing")
    case = register_consented_case(court, investor_name="欧阳更正")
    case = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})
    delegation_id = case["delegations"][0]["id"]
    admin = live.api("org1_admin")
    wait_for(lambda: investor_delegation(admin, delegation_id), what="the delegation on the investor side")
    admin.post(f"/delegations/{delegation_id}/accept")

    parties = [
        {"id": p["id"], "role": p["role"], "kind": p["kind"], "name": p["name"]}
        | ({"name": "欧阳正确", "phone": "13900000009"} if p["name"] == "欧阳更正" else {})
        for p in case["parties"]
    ]
    corrected = court.post(
        f"/cases/{case['id']}/correct",
        {
            "reason": "申请人姓名登记错误，标的额按起诉状更正",
            "dispute_type": "misrepresentation",
            "amount": "98000.00",
            "facts": "被申请人年报虚假陈述，申请人据此买入股票遭受损失。",
            "parties": parties,
            "claims": [{"text": "赔偿投资差额损失及佣金、印花税", "amount": "98000.00"}],
        },
    )
    assert {p["name"] for p in corrected["parties"]} == {"欧阳正确", "某某药业股份有限公司"}
    assert corrected["state"] == CourtState.MEDIATING or corrected["state"] == CourtState.DELEGATED

    # The organisation's copy follows: found by the corrected name, no longer by the old one.
    found = wait_for(
        lambda: next((d for d in admin.get("/delegations", q="欧阳正确")["items"] if d["id"] == delegation_id), None),
        what="the corrected delegation found by the new name",
    )
    assert found["amount"] == "98000.00"
    assert [d["id"] for d in admin.get("/delegations", q="欧阳更正")["items"]] == []
    [correction] = found["corrections"]
    assert correction["reason"] == "申请人姓名登记错误，标的额按起诉状更正"
    assert correction["corrected_by"].startswith(case["court"])  # the court, then the clerk
    changes = {c["what"]: (c["before"], c["after"]) for c in correction["changes"]}
    assert changes["当事人欧阳更正：姓名/名称"] == ("欧阳更正", "欧阳正确")
    assert changes["标的额（元）"] == ("125,000.00", "98,000.00")
    # A phone travels masked in what anyone but the case's mediator reads.
    assert changes["当事人欧阳更正：联系电话"][1] == "139****0009"

    # Once the result is recorded, the court may no longer correct the case.
    mediator = next(m for m in admin.get("/mediators") if m["name"] == "张调解1")
    admin.post(f"/delegations/{delegation_id}/assign", {"mediator_id": mediator["id"]})
    live.api("org1_mediator1").post(
        f"/delegations/{delegation_id}/result", {"outcome": "succeeded", "terms": "被申请人赔偿申请人九万元。"}
    )
    wait_for(lambda: court_case(live, case["id"])["state"] == CourtState.SUCCEEDED, what="the result at the court")
    refused = court.session.post(
        f"{court.base}/cases/{case['id']}/correct",
        json={
            "reason": "再次更正",
            "dispute_type": "misrepresentation",
            "amount": "1.00",
            "parties": parties,
            "claims": [{"text": "赔偿", "amount": "1.00"}],
        },
        timeout=30,
    )
    assert refused.status_code in (400, 409, 422), refused.text
    assert "不能更正" in refused.json()["message"]


def test_a_result_corrected_within_the_window_reaches_the_court(live):
    from test_mediation_flow import Web

    court = live.api("court_filing")
    case = register_consented_case(court, investor_name="韩结果")
    case = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})
    delegation_id = case["delegations"][0]["id"]
    admin = live.api("org1_admin")
    wait_for(lambda: investor_delegation(admin, delegation_id), what="the delegation on the investor side")
    admin.post(f"/delegations/{delegation_id}/accept")
    mediator = next(m for m in admin.get("/mediators") if m["name"] == "张调解1")
    admin.post(f"/delegations/{delegation_id}/assign", {"mediator_id": mediator["id"]})
    live.api("org1_mediator1").post(
        f"/delegations/{delegation_id}/result", {"outcome": "succeeded", "terms": "被申请人赔偿申请人九万元。"}
    )
    wait_for(lambda: court_case(live, case["id"])["state"] == CourtState.SUCCEEDED, what="the result at the court")

    Web(live.investor.url, "org1_mediator1").act(
        f"/delegations/{delegation_id}/correct-result/",
        {"fix-terms": "被申请人赔偿申请人七万元。", "fix-correction_reason": "协议金额笔误"},
    )
    done = wait_for(
        lambda: (c := court_case(live, case["id"]))["delegations"][0]["terms"] == "被申请人赔偿申请人七万元。" and c,
        what="the corrected terms at the court",
    )
    assert done["state"] == CourtState.SUCCEEDED
    story = " ".join(line["text"] for line in court.get(f"/cases/{case['id']}/story"))
    assert "更正调解结果（调解协议内容）：协议金额笔误" in story
