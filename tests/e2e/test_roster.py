"""Invited rosters across both live platforms (issue 4 acceptance): the Bureau pushes an organisation, the
court confirms it into its roster and ranking; a regional office pushes a mediator, the court rejects it with
a reason and the investor side shows it; the organisation is suspended, leaves the court's roster, and a
delegation to it is refused; a basic court takes over the high court's organisation only with that
organisation's consent (L23)."""

from live import Api, wait_for
from test_delegation_flow import register_consented_case

from sutiao import demo
from sutiao.kernel.identifiers import resident_id_check_digit, uscc_check_character
from sutiao.kernel.workflow import CourtProposalState, CourtState

CHAOYANG = str(demo.CHAOYANG)


def make_uscc(serial: str) -> str:
    first17 = f"5111000{serial:0>10}"[:17]
    return first17 + uscc_check_character(first17)


def make_id_number(serial: int) -> str:
    first17 = f"11010119820304{serial:03d}"
    return first17 + resident_id_check_digit(first17)


def register_organisation(bureau, name: str, serial: str) -> dict:
    return bureau.post(
        "/registry/organisations",
        {
            "name": name,
            "uscc": make_uscc(serial),
            "kind": "industry",
            "supervisor_id": str(demo.BEIJING_OFFICE),
            "address": "北京市朝阳区建国门外大街",
            "scope": ["北京市", "天津市"],
            "dispute_types": ["misrepresentation", "brokerage_contract"],
            "capacity": 80,
            "contact_name": "钱联系",
            "contact_phone": "010-85000000",
        },
    )


def proposal_state(api, organisation_id, proposal_id):
    proposals = api.get(f"/registry/organisations/{organisation_id}")["proposals"]
    return next((p for p in proposals if p["id"] == proposal_id), None)


def pending_at_court(court, proposal_id):
    return next(
        (p for p in court.get("/roster/proposals", state=CourtProposalState.PENDING) if p["id"] == proposal_id), None
    )


def on_roster(court, organisation_id):
    return any(e["organisation"]["id"] == organisation_id for e in court.get("/roster"))


def test_push_confirm_reject_and_suspend(live):
    bureau, office, court = live.api("bureau"), live.api("beijing_office"), live.api("court_filing")
    court_admin = live.api("court_admin")  # court admins keep the roster; filing staff register and delegate
    org = register_organisation(bureau, "北京金融街证券纠纷调解中心", "0000004201")
    assert any(c["id"] == CHAOYANG for c in bureau.get("/registry/courts"))

    # The Bureau pushes the organisation; the court confirms it.
    pushed = bureau.post("/registry/proposals", {"organisation_id": org["id"], "court_id": CHAOYANG})
    wait_for(lambda: pending_at_court(court, pushed["id"]), what="the push at the court")
    confirmed = court_admin.post(f"/roster/proposals/{pushed['id']}/confirm", {})
    assert confirmed["state"] == CourtProposalState.CONFIRMED
    assert on_roster(court, org["id"])
    case = register_consented_case(court, investor_name="郑十")
    ranked = court.get(f"/cases/{case['id']}/recommendations")
    mine = next(r for r in ranked if r["organisation_id"] == org["id"])
    assert {f["key"] for f in mine["factors"]} == {"dispute_type", "territory", "capacity", "timeliness", "success"}
    assert next(f for f in mine["factors"] if f["key"] == "dispute_type")["points"] == "35.0"
    decided = wait_for(
        lambda: (p := proposal_state(bureau, org["id"], pushed["id"]))["state"] == "confirmed" and p,
        what="the confirmation on the investor side",
    )
    assert decided["valid_until"] and decided["decided_by"]

    # The regional office pushes a mediator; the court rejects with a reason the investor side then shows.
    mediator = office.post(
        f"/registry/organisations/{org['id']}/mediators",
        {
            "name": "冯调解",
            "id_number": make_id_number(42),
            "specialties": ["misrepresentation"],
            "qualifications": ["lawyer"],
            "training_hours": "24.0",
        },
    )
    assert "*" in mediator["id_number_masked"]
    pushed_mediator = office.post("/registry/proposals", {"mediator_id": mediator["id"], "court_id": CHAOYANG})
    wait_for(lambda: pending_at_court(court, pushed_mediator["id"]), what="the mediator push at the court")
    reason = "该调解员未提交证券期货纠纷调解培训合格证明"
    rejected = court_admin.post(f"/roster/proposals/{pushed_mediator['id']}/reject", {"reason": reason})
    assert rejected["state"] == "rejected"
    shown = wait_for(
        lambda: (p := proposal_state(office, org["id"], pushed_mediator["id"]))["state"] == "rejected" and p,
        what="the rejection on the investor side",
    )
    assert shown["reason"] == reason

    # Suspended on the investor side: off the court's roster, and the court cannot delegate to it.
    bureau.post(
        f"/registry/organisations/{org['id']}/status", {"status": "suspended", "reason": "整改期间暂停调解业务"}
    )
    wait_for(lambda: not on_roster(court, org["id"]), what="the organisation leaving the court's roster")
    assert all(r["organisation_id"] != org["id"] for r in court.get(f"/cases/{case['id']}/recommendations"))
    refused = court.session.post(
        f"{court.base}/cases/{case['id']}/delegate", json={"organisation_id": org["id"]}, timeout=30
    )
    assert refused.status_code == 400
    assert "不在本院特邀调解名册中" in refused.json()["message"]
    assert court.get(f"/cases/{case['id']}")["state"] == CourtState.CONSENTED


def test_the_court_removes_an_organisation_and_the_investor_side_learns_it(live):
    bureau, court = live.api("bureau"), live.api("court_admin")
    org = register_organisation(bureau, "天津证券期货纠纷调解中心", "0000004401")
    pushed = bureau.post("/registry/proposals", {"organisation_id": org["id"], "court_id": CHAOYANG})
    wait_for(lambda: pending_at_court(court, pushed["id"]), what="the push at the court")
    court.post(f"/roster/proposals/{pushed['id']}/confirm", {})
    entry = next(e for e in court.get("/roster") if e["organisation"]["id"] == org["id"])
    reason = "经审查，当事人投诉其强迫调解属实"
    court.post(f"/roster/{entry['id']}/remove", {"reason": reason})
    assert not on_roster(court, org["id"])
    ended = wait_for(
        lambda: (p := proposal_state(bureau, org["id"], pushed["id"]))["state"] == "ended" and p,
        what="the removal on the investor side",
    )
    assert reason in ended["ended_reason"]


def add_org_admin_bypassing_actions(live, username: str, organisation_id: str) -> Api:
    """An administrator account for a freshly registered organisation (accounts are made by operators in the
    admin, which has no API): written straight into the investor platform's database, then given a token."""
    code = (
        "from sutiao.accounts.models import Institution, Role, User; "
        f"User.objects.create_user({username!r}, password={demo.PASSWORD!r}, role=Role.ORG_ADMIN, "
        f"institution=Institution.objects.get(pk={organisation_id!r}), full_name='严管理员')"
    )
    live.investor.manage("shell", "-c", code)
    return Api(live.investor.url, live.investor.manage("issue_api_token", username, "--all-scopes").stdout.strip())


def confirmed_at_the_high_court(live, name: str, serial: str) -> dict:
    bureau, high = live.api("bureau"), live.api("beijing_high_admin")
    org = register_organisation(bureau, name, serial)
    # The investor platform reads the court platform's list of courts (/docking/v1/courts).
    wait_for(
        lambda: any(c["id"] == str(demo.BEIJING_HIGH) for c in bureau.get("/registry/courts")),
        what="the high court in the investor platform's court directory",
    )
    pushed = bureau.post("/registry/proposals", {"organisation_id": org["id"], "court_id": str(demo.BEIJING_HIGH)})
    wait_for(lambda: pending_at_court(high, pushed["id"]), what="the push at the high court")
    high.post(f"/roster/proposals/{pushed['id']}/confirm", {})
    return org


def request_at_the_investor_platform(org_admin, court_admin, org) -> dict:
    """Chaoyang's court admin asks to take the organisation over; the request reaches its administrator."""
    offered = next(e for e in court_admin.get("/roster/adoptable") if e["organisation"]["id"] == org["id"])
    assert offered["court_name"] == "北京市高级人民法院"
    asked = court_admin.post(f"/roster/adoptable/{offered['id']}/request", {})
    assert asked["state"] == CourtProposalState.AWAITING_CONSENT
    return wait_for(
        lambda: next((r for r in org_admin.get("/registry/adoption-requests") if r["id"] == asked["id"]), None),
        what="the request at the investor platform",
    )


def test_l23_a_basic_court_takes_over_its_high_courts_organisation_with_its_consent_and_delegates_to_it(live):
    """《人民法院在线调解规则》Art. 27 ¶2: the Beijing High Court confirms a pushed organisation; the Chaoyang
    court asks to take it over; only when the organisation consents on the investor platform is it on
    Chaoyang's roster, and Chaoyang's delegation to it is then taken."""
    court, court_admin = live.api("court_filing"), live.api("court_admin")
    org = confirmed_at_the_high_court(live, "北京证券期货纠纷多元化解中心", "0000004501")
    org_admin = add_org_admin_bypassing_actions(live, "duoyuan_admin", org["id"])
    request = request_at_the_investor_platform(org_admin, court_admin, org)
    assert request["state"] == "awaiting_consent" and request["court_id"] == CHAOYANG
    assert not on_roster(court, org["id"])  # nothing before consent

    consented = org_admin.post(f"/registry/adoption-requests/{request['id']}/consent", {})
    assert consented["state"] == "confirmed"
    wait_for(lambda: on_roster(court, org["id"]), what="the organisation on Chaoyang's roster")
    entry = next(e for e in court.get("/roster") if e["organisation"]["id"] == org["id"])
    assert entry["adopted_from_court"] == "北京市高级人民法院" and entry["in_force"]

    case = register_consented_case(court, investor_name="钱十一")
    court.post(f"/cases/{case['id']}/delegate", {"organisation_id": org["id"]})
    received = wait_for(
        lambda: (c := court.get(f"/cases/{case['id']}"))["delegations"][-1]["received_at"] and c,
        what="the investor platform's receipt of the delegation",
    )
    assert received["state"] == CourtState.DELEGATED  # taken, not refused as off the roster


def test_l23_an_organisation_that_refuses_stays_off_the_basic_courts_roster(live):
    court, court_admin = live.api("court_filing"), live.api("court_admin")
    org = confirmed_at_the_high_court(live, "北京金融纠纷调解中心", "0000004502")
    org_admin = add_org_admin_bypassing_actions(live, "jinrong_admin", org["id"])
    request = request_at_the_investor_platform(org_admin, court_admin, org)
    org_admin.post(f"/registry/adoption-requests/{request['id']}/refuse", {"reason": "本中心暂不承接该院案件"})
    refused = wait_for(
        lambda: next(
            (
                p
                for p in court_admin.get("/roster/proposals", state=CourtProposalState.REJECTED)
                if p["id"] == request["id"]
            ),
            None,
        ),
        what="the refusal at the court",
    )
    assert refused["reason"] == "本中心暂不承接该院案件"
    assert not on_roster(court, org["id"])


def test_l23_the_demo_mediator_on_the_high_courts_roster_consents_in_person(live):
    """The demo's Beijing High Court roster (demo.HIGH_COURT_ROSTER): Chaoyang asks to take its mediator over;
    the mediator, who has an account, consents on the investor platform; Chaoyang's roster then has them."""
    court_admin, mediator = live.api("court_admin"), live.api("org3_mediator1")
    offered = next(
        e for e in court_admin.get("/roster/adoptable") if e["mediator"] and e["mediator"]["name"] == "吴调解1"
    )
    asked = court_admin.post(f"/roster/adoptable/{offered['id']}/request", {})
    request = wait_for(
        lambda: next((r for r in mediator.get("/registry/adoption-requests") if r["id"] == asked["id"]), None),
        what="the request in the mediator's workbench",
    )
    assert request["mediator_name"] == "吴调解1"
    assert mediator.post(f"/registry/adoption-requests/{request['id']}/consent", {})["state"] == "confirmed"
    wait_for(
        lambda: any(e["mediator"] and e["mediator"]["name"] == "吴调解1" for e in court_admin.get("/roster")),
        what="the mediator on Chaoyang's roster",
    )


def test_a_delegation_refused_for_good_comes_back_to_the_court(live):
    """The organisation is suspended while the court still has it on its roster (the change not yet arrived):
    the investor platform refuses the delegation with "final": true, and the court, reading that from the
    answer, parks the message and gets its case back to choose again."""
    bureau, court, court_admin = live.api("bureau"), live.api("court_filing"), live.api("court_admin")
    org = register_organisation(bureau, "北京东城证券纠纷调解中心", "0000004601")
    pushed = bureau.post("/registry/proposals", {"organisation_id": org["id"], "court_id": CHAOYANG})
    wait_for(lambda: pending_at_court(court, pushed["id"]), what="the push at the court")
    court_admin.post(f"/roster/proposals/{pushed['id']}/confirm", {})
    case = register_consented_case(court, investor_name="孙九")
    logs = live.court.var_dir / "logs"
    # Neither platform's worker runs: the suspension stays on the investor side, the delegation at the court.
    live.court.stop(roles=("worker",))
    live.investor.stop(roles=("worker",))
    try:
        bureau.post(
            f"/registry/organisations/{org['id']}/status", {"status": "suspended", "reason": "整改期间暂停调解业务"}
        )
        assert on_roster(court, org["id"])
        delegated = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": org["id"]})
        assert delegated["state"] == CourtState.DELEGATED
        live.court.start(logs, roles=("worker",))
        returned = wait_for(
            lambda: (c := court.get(f"/cases/{case['id']}"))["state"] == CourtState.RETURNED and c,
            what="the case back at the court",
        )
        assert "调解平台拒收" in returned["delegations"][0]["decline_reason"]
    finally:
        live.investor.start(live.investor.var_dir / "logs", roles=("worker",))
        if "worker" not in live.court.processes:
            live.court.start(logs, roles=("worker",))
