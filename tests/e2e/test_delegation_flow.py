"""The delegation lifecycle across both live platforms (issue 2 acceptance)."""

import datetime as dt

from live import wait_for

from sutiao.demo import ORGANISATIONS
from sutiao.kernel.workflow import CourtState

ORG1, ORG2 = (str(org_id) for org_id, _name, _code in ORGANISATIONS[:2])


def register_consented_case(court_api, investor_name="李四"):
    case = court_api.post(
        "/cases",
        {
            "stage": "pre_filing",
            "dispute_type": "misrepresentation",
            "amount": "125000.00",
            "facts": "被申请人年报虚假陈述，申请人据此买入股票遭受损失。",
            "parties": [
                {"role": "applicant", "kind": "natural_person", "name": investor_name, "phone": "13800000001"},
                {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司"},
            ],
            "claims": [{"text": "赔偿投资差额损失", "amount": "125000.00"}],
        },
    )
    court_api.post(f"/cases/{case['id']}/ask-consent")
    now = dt.datetime.now(dt.UTC).isoformat()
    for party in case["parties"]:
        case = court_api.post(
            f"/cases/{case['id']}/consents",
            {"party": party["name"], "consented": True, "method": "online", "answered_at": now},
        )
    assert case["state"] == CourtState.CONSENTED
    # The parties asked the court to appoint (L3: otherwise it waits for their 2 working days to choose).
    return court_api.post(f"/cases/{case['id']}/appointment-request", {})


def court_case(live, case_id):
    return live.api("court_filing").get(f"/cases/{case_id}")


def investor_delegation(api, delegation_id):
    # The list pages (issue 15); a live run holds only a handful, all on the first page of 200.
    return next((d for d in api.get("/delegations", limit=200)["items"] if d["id"] == delegation_id), None)


def test_succeeded_mediation_reaches_the_court_with_its_terms(live):
    court = live.api("court_filing")
    case = register_consented_case(court)
    case = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})
    assert case["state"] == CourtState.DELEGATED
    delegation_id = case["delegations"][0]["id"]

    admin = live.api("org1_admin")
    received = wait_for(lambda: investor_delegation(admin, delegation_id), what="the delegation on the investor side")
    assert received["state"] == "received" and received["court_case_number"] == case["number"]
    # The court learns the receipt date from the signed receipt and shows the same deadline.
    court_side = wait_for(lambda: court_case(live, case["id"])["delegations"][0]["answer_due"], what="court deadline")
    assert court_side == received["answer_due"]

    admin.post(f"/delegations/{delegation_id}/accept")
    mediator = next(m for m in admin.get("/mediators") if m["name"] == "张调解1")
    admin.post(f"/delegations/{delegation_id}/assign", {"mediator_id": mediator["id"]})
    wait_for(
        lambda: court_case(live, case["id"])["delegations"][0]["mediator_name"] == "张调解1",
        what="mediator on the court side",
    )
    assert court_case(live, case["id"])["state"] == CourtState.MEDIATING

    terms = "一、被申请人于2026年12月31日前向申请人支付赔偿款人民币八万元；\n二、申请人放弃其他请求。"
    live.api("org1_mediator1").post(f"/delegations/{delegation_id}/result", {"outcome": "succeeded", "terms": terms})
    done = wait_for(lambda: (c := court_case(live, case["id"]))["state"] == CourtState.SUCCEEDED and c, what="success")
    assert done["delegations"][0]["terms"] == terms
    assert done["delegations"][0]["outcome"] == "succeeded"


def test_declined_then_redelegated_then_failed_then_filed(live):
    court = live.api("court_filing")
    case = register_consented_case(court, investor_name="王五")
    first = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG2})["delegations"][0]["id"]

    org2 = live.api("org2_admin")
    wait_for(lambda: investor_delegation(org2, first), what="delegation at org2")
    org2.post(f"/delegations/{first}/decline", {"reason": "本中心暂无虚假陈述纠纷专业调解员"})
    returned = wait_for(
        lambda: (c := court_case(live, case["id"]))["state"] == CourtState.RETURNED and c, what="return"
    )
    assert returned["delegations"][0]["decline_reason"] == "本中心暂无虚假陈述纠纷专业调解员"

    again = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})
    second = next(d["id"] for d in again["delegations"] if d["organisation_id"] == ORG1)
    org1 = live.api("org1_admin")
    wait_for(lambda: investor_delegation(org1, second), what="delegation at org1")
    org1.post(f"/delegations/{second}/accept")
    mediator = next(m for m in org1.get("/mediators") if m["name"] == "张调解1")
    org1.post(f"/delegations/{second}/assign", {"mediator_id": mediator["id"]})
    live.api("org1_mediator1").post(
        f"/delegations/{second}/result",
        {
            "outcome": "failed",
            "ground": "irreconcilable",  # Art. 25 (5) (L7), with the failure record (L17)
            "failure_record": {
                "undisputed_facts": "申请人买入涉案股票。",
                "disputed_points": "损失计算",
                "positions": {"王五": "按买入均价计算", "某某药业股份有限公司": "按移动加权平均法计算"},
            },
        },
    )
    wait_for(lambda: court_case(live, case["id"])["state"] == CourtState.FAILED, what="failure at the court")
    filed = court.post(f"/cases/{case['id']}/back-to-court")
    assert filed["state"] == CourtState.FILED
    # Another court's staff cannot even see the case.
    live.api("xicheng_filing").get(f"/cases/{case['id']}", expect=404)
    # Org 2 cannot see org 1's delegation.
    assert investor_delegation(org2, second) is None
    live.api("org2_admin").get(f"/delegations/{second}", expect=404)


def test_nothing_is_lost_while_the_receiver_is_down(live):
    court = live.api("court_filing")
    case = register_consented_case(court, investor_name="赵六")
    worker_log = live.court.var_dir / "logs" / "court-worker.log"
    live.investor.stop(roles=("web",), kill=True)
    try:
        seen = len(worker_log.read_text())
        delegation_id = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})["delegations"][0]["id"]
        # The relay keeps trying while the investor platform is down; the court's worker is killed too, mid-way.
        wait_for(
            lambda: worker_log.read_text()[seen:].count("delivery of DELEGATE") >= 3,
            what="repeated failed delivery attempts",
        )
        live.court.stop(roles=("worker",), kill=True)
        live.court.start(live.court.var_dir / "logs", roles=("worker",))
    finally:
        live.investor.start(live.investor.var_dir / "logs", roles=("web",))
        live.investor.wait_ready()
    admin = live.api("org1_admin")
    wait_for(lambda: investor_delegation(admin, delegation_id), timeout=90, what="the delegation after recovery")
    assert wait_for(lambda: court_case(live, case["id"])["delegations"][0]["received_at"], what="receipt")


def test_a_message_whose_push_never_happens_arrives_through_the_feed(live):
    court = live.api("court_filing")
    case = register_consented_case(court, investor_name="钱八")
    live.court.stop(roles=("worker",))  # nothing pushes from the court now
    try:
        delegation_id = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})["delegations"][0]["id"]
        admin = live.api("org1_admin")
        pulled = wait_for(lambda: investor_delegation(admin, delegation_id), what="the delegation pulled from the feed")
        assert pulled["state"] == "received"
        assert court_case(live, case["id"])["delegations"][0]["received_at"] is None  # the court has no receipt yet
    finally:
        live.court.start(live.court.var_dir / "logs", roles=("worker",))
    # The court's relay pushes later: the investor answers "duplicate" with the first receipt's time.
    received_at = wait_for(lambda: court_case(live, case["id"])["delegations"][0]["received_at"], what="receipt")
    assert dt.datetime.fromisoformat(received_at) == dt.datetime.fromisoformat(pulled["received_at"])
