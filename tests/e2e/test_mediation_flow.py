"""The mediation itself across both live platforms (issue 10 items 4 and 6): a delegated case is accepted,
the other party notified, a session scheduled and held after identity checks, messages exchanged including a
caucus (背对背), the record confirmed by each party, the period extended with both consents, the mediator
replaced on a recusal request, and the case ends in success — and, in a second case, in failure with its
structured record, which the court files. The court's story shows each step and never a caucus message."""

import datetime as dt
import json
import re

import requests
from live import party_second_step, second_factor, sms_code, wait_for
from test_delegation_flow import ORG1, court_case, investor_delegation

from sutiao import demo
from sutiao.kernel.workflow import CourtState

PASSWORD = "sutiao-demo-2026"
CAUCUS = "背对背：本公司最多可赔五万元，请勿告知申请人"
VERIFY = "/accounts/sign-in/verify/"  # a party's or agent's other sign-in factor
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class Web:
    """A signed-in user of a platform's pages: real forms, real CSRF, no browser."""

    def __init__(self, base: str, username: str | None = None, password: str = PASSWORD, csrf="sutiao_investor_csrf"):
        self.base, self.session, self.csrf = base, requests.Session(), csrf
        self.session.get(base + "/accounts/login/", timeout=30)
        if username is not None:
            response = self.post("/accounts/login/", {"username": username, "password": password})
            assert response.status_code == 302, response.text[:2000]
            landing = self.session.get(base + "/", allow_redirects=False, timeout=30)
            if landing.headers.get("Location", "").startswith("/accounts/two-factor/"):  # staff: the second step
                response = self.post("/accounts/two-factor/", {"token": second_factor(base, username)})
            elif landing.headers.get("Location", "").startswith(VERIFY):  # party or agent: the SMS code
                response = self.post(VERIFY, {"code": party_second_step(base, self.get(VERIFY))})
            assert response.status_code == 302, response.text[:2000]
            assert (
                not self.session.get(base + "/", allow_redirects=False, timeout=30)
                .headers.get("Location", "")
                .startswith((VERIFY, "/accounts/two-factor/"))
            ), "signed in with both factors"

    def get(self, path: str, expect: int = 200) -> str:
        response = self.session.get(self.base + path, timeout=30)
        assert response.status_code == expect, response.text[:2000]
        return response.text

    def post(self, path: str, data: dict, files: dict | None = None):
        data = {**data, "csrfmiddlewaretoken": self.session.cookies[self.csrf]}
        return self.session.post(self.base + path, data=data, files=files, allow_redirects=False, timeout=30)

    def act(self, path: str, data: dict, files: dict | None = None) -> None:
        """Post a workspace form; the action succeeded when the page redirects back."""
        response = self.post(path, data, files)
        assert response.status_code == 302, _errors(response.text)


def _errors(html: str) -> str:
    return " | ".join(re.findall(r'class="text-danger small">([^<]+)<', html)) or html[:3000]


def _values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="([^"]+)"', html)


def _story(live, case_id) -> str:
    return "\n".join(line["text"] for line in live.api("court_filing").get(f"/cases/{case_id}/story"))


def _wait_story(live, case_id, text: str) -> str:
    def check():
        story = _story(live, case_id)
        return story if text in story else None

    return wait_for(check, what=f"court story: {text}")


def _sms_code(live, mobile: str) -> str:
    """The sign-in code the live investor server sent to `mobile`, read from its development SMS log."""
    return sms_code(live.investor.url, mobile)


def _joined_party(live, mobile: str) -> Web:
    """A party signs in to their account on the investor platform with the code the server sent by SMS and then
    their password (issue 14 §10: both, in this order here; Web signs in the other way round), and joins their
    case: real-name verification against the mediation's registration links the account. (Signing up first is
    clicked through in test_mediation_browser.py.)"""
    party = Web(live.investor.url)
    assert party.post("/accounts/sms-login/", {"mobile": mobile, "send": "1"}).status_code == 200
    party.act("/accounts/sms-login/", {"mobile": mobile, "code": _sms_code(live, mobile)})
    party.act(VERIFY, {"password": PASSWORD})
    party.act("/mediations/join/", {})
    assert "已关联" in party.get("/mediations/")
    return party


def _delegated_case(
    live,
    applicant: str,
    applicant_id: str,
    respondent_id: str,
    respondent="某某药业股份有限公司",
    online=None,
    **registration,
):
    """A case registered, consented to, delegated to organisation 1, accepted and assigned. With `online`
    ({party name: court account}), each party answers on the court platform themself (LEGAL-RULES L1);
    otherwise court staff record the answers. `registration` overrides the registration's fields (an entrusted
    case in litigation: stage="in_litigation" with its litigation_number)."""
    court = live.api("court_filing")
    case = court.post(
        "/cases",
        {
            "stage": "pre_filing",
            "dispute_type": "misrepresentation",
            "amount": "125000.00",
            "facts": "被申请人年报虚假陈述，申请人据此买入股票遭受损失。",
            "parties": [
                {"role": "applicant", "kind": "natural_person", "name": applicant, "id_number": applicant_id},
                {"role": "respondent", "kind": "legal_person", "name": respondent, "id_number": respondent_id},
            ],
            "claims": [{"text": "赔偿投资差额损失", "amount": "125000.00"}],
            **registration,
        },
    )
    court.post(f"/cases/{case['id']}/ask-consent")
    now = dt.datetime.now(dt.UTC).isoformat()
    for party in case["parties"]:
        if online:
            web = Web(live.court.url, online[party["name"]], csrf="sutiao_court_csrf")
            consent_page = f"/my/cases/{case['id']}/consent/{party['id']}/"
            assert "虚假调解" in web.get(consent_page)  # the notice, with the sham-mediation warning (L8)
            web.act(consent_page, {"consented": "yes", "read": "on"})
        else:
            court.post(
                f"/cases/{case['id']}/consents",
                {"party": party["name"], "consented": True, "method": "online", "answered_at": now},
            )
    court.post(f"/cases/{case['id']}/appointment-request", {})  # L3: the parties asked the court to appoint
    case = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": ORG1})
    delegation_id = case["delegations"][0]["id"]
    admin = live.api("org1_admin")
    wait_for(lambda: investor_delegation(admin, delegation_id), what="the delegation on the investor side")
    admin.post(f"/delegations/{delegation_id}/accept")
    mediator = next(m for m in admin.get("/mediators") if m["name"] == "张调解1")
    admin.post(f"/delegations/{delegation_id}/assign", {"mediator_id": mediator["id"]})
    _wait_story(live, case["id"], "调解期限起算")
    return case, delegation_id


def test_a_delegated_case_mediated_to_success_the_court_seeing_each_step_and_no_caucus(live):
    # The demo's investor and securities firm, who hold party accounts on the court platform, consent online.
    investor, investor_id = demo.INVESTOR_PARTY[1], demo.party_id_number(demo.INVESTOR_PARTY[2])
    firm, firm_code = demo.FIRM_PARTY[1], demo.party_id_number(demo.FIRM_PARTY[2])
    case, delegation_id = _delegated_case(
        live,
        investor,
        investor_id,
        firm_code,
        respondent=firm,
        online={investor: demo.INVESTOR_PARTY[0], firm: demo.FIRM_PARTY[0]},
    )
    assert _story(live, case["id"]).count("当事人本人在线确认") == 2
    ws = f"/delegations/{delegation_id}/mediation/"
    mediator = Web(live.investor.url, "org1_mediator1")
    page = mediator.get(ws)
    assert "剩余" in page and "虚假调解警示" in page
    assert wait_for(lambda: court_case(live, case["id"])["delegations"][0]["mediation_due"], what="period at court")
    applicant_row, respondent_row = _values(page, "session-parties")
    # The demo's investor and firm hold accounts on this platform too (two institutions, two accounts).
    applicant = _joined_party(live, demo.INVESTOR_PARTY[3])
    respondent = _joined_party(live, demo.FIRM_PARTY[3])

    # L5: the other party is told, each attempt recorded.
    at = (dt.datetime.now() - dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    mediator.act(
        ws + "notify/",
        {
            "notify-party": respondent_row,
            "notify-channel": "phone",
            "notify-at": at,
            "notify-result": "agreed",
            "notify-note": "法务部同意调解",
        },
    )
    # A session with invitations; identities checked (L8) before it is held.
    starts = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    mediator.act(
        ws + "session/",
        {
            "session-starts_at": starts,
            "session-mode": "online",
            "session-place": "https://meet.example/room-1",
            "session-parties": [applicant_row, respondent_row],
            "session-channel": "sms",
        },
    )
    _wait_story(live, case["id"], "安排在线调解")
    page = mediator.get(ws)
    for participant in _values(page, "participant"):
        mediator.act(
            ws + "identity/",
            {
                "participant": participant,
                "identity-method": "身份证件在线比对",
                "identity-passed": "on",
                "identity-warned": "on",
            },
        )
    session_id = _values(mediator.get(ws), "session")[0]
    attended = _values(mediator.get(ws), f"held-{session_id}-attended")
    mediator.act(ws + "held/", {"session": session_id, f"held-{session_id}-attended": attended})
    _wait_story(live, case["id"], "在线调解已举行")

    # Messages: to everyone, and a caucus between the respondent and the mediator.
    mediator.act(ws + "message/", {"message-text": "请双方于周五前提交交易流水。", "message-caucus_with": ""})
    respondent.act(ws + "party_message/", {"party_message-text": CAUCUS, "party_message-private": "on"})
    mediator.act(ws + "message/", {"message-text": "已知悉，会与申请人沟通。", "message-caucus_with": respondent_row})
    assert CAUCUS in respondent.get(ws)
    applicant_page = applicant.get(ws)
    assert "请双方于周五前提交交易流水" in applicant_page and CAUCUS not in applicant_page
    assert "已知悉，会与申请人沟通" not in applicant_page
    assert CAUCUS not in Web(live.investor.url, "org1_admin").get(ws)

    # Evidence: the applicant's to every party, the respondent's to the mediator only; each download audited,
    # none of it sent to the court.
    applicant.act(
        ws + "evidence/",
        {"evidence-title": "申请人交易流水", "evidence-audience": "all"},
        {"evidence-file": ("交易流水.pdf", EVIDENCE_PDF, "application/pdf")},
    )
    respondent.act(
        ws + "evidence/",
        {"evidence-title": "公司内部核算意见", "evidence-audience": "mediator"},
        {"evidence-file": ("核算.pdf", EVIDENCE_PDF, "application/pdf")},
    )
    refused = applicant.post(
        ws + "evidence/",
        {"evidence-title": "伪装的程序", "evidence-audience": "all"},
        {
            "evidence-file": (
                "合同.pdf",
                b"MZ" + b"\0" * 58 + b"\x40\0\0\0PE\0\0\x4c\x01" + b"\0" * 200,
                "application/pdf",
            )
        },
    )
    assert refused.status_code == 200 and "可执行程序" in _errors(refused.text)
    links = dict(re.findall(r'href="(/delegations/[^"]+/mediation/evidence/[^"]+/)">([^<]+)<', mediator.get(ws)))
    by_title = {title: link for link, title in links.items()}
    assert set(by_title) == {"申请人交易流水", "公司内部核算意见"}
    assert respondent.session.get(live.investor.url + by_title["申请人交易流水"], timeout=30).content == EVIDENCE_PDF
    assert applicant.session.get(live.investor.url + by_title["公司内部核算意见"], timeout=30).status_code == 404
    assert "公司内部核算意见" not in applicant.get(ws)

    # The record, confirmed by each party online.
    mediator.act(ws + "record/", {"record-text": "双方确认：申请人于2024年3月买入涉案股票5000股。"})
    for party in (applicant, respondent):
        page = party.get(ws)
        party.act(ws + "confirm/", {"record": _values(page, "record")[0], "party": _values(page, "party")[0]})
        assert "您已确认本笔录" in party.get(ws)

    # The period extended with both parties' consent.
    mediator.act(ws + "extension/", {"extension-days": "10", "extension-reason": "双方正在核对交易记录"})
    for party in (applicant, respondent):
        page = party.get(ws)
        party.act(
            ws + "extension_answer/",
            {"extension": _values(page, "extension")[0], "party": _values(page, "party")[0], "consented": "1"},
        )
    _wait_story(live, case["id"], "调解期限延长")

    # L9: the applicant asks for a change; the organisation replaces the mediator.
    page = applicant.get(ws)
    applicant.act(
        ws + "recusal/",
        {
            "party": _values(page, "party")[0],
            "recusal-kind": "change",
            "recusal-reason": "希望更换熟悉财务核算的调解员",
        },
    )
    admin = Web(live.investor.url, "org1_admin")
    request_id = _values(admin.get(ws), "request")[0]
    mediator2 = next(m for m in live.api("org1_admin").get("/mediators") if m["name"] == "张调解2")
    admin.act(
        ws + "decide/",
        {
            "request": request_id,
            "decide-decision": "replaced",
            "decide-reason": "同意更换",
            "decide-new_mediator": mediator2["id"],
        },
    )
    _wait_story(live, case["id"], "更换调解员为张调解2")
    mediator.get(ws, expect=404)  # the replaced mediator no longer sees the case

    terms = "被申请人于2026年12月31日前向申请人支付赔偿款人民币六万元。"
    Web(live.investor.url, "org1_mediator2").act(
        ws + "end/", {"end-outcome": "succeeded", "end-terms": terms, "confirmed": "1"}
    )
    done = wait_for(lambda: (c := court_case(live, case["id"]))["state"] == CourtState.SUCCEEDED and c, what="success")
    assert done["delegations"][0]["terms"] == terms
    story = _story(live, case["id"])
    for step in ("调解期限起算", "安排在线调解", "调解已举行", "调解期限延长", "申请更换调解员", "调解结果：调解成功"):
        assert step in story
    assert CAUCUS not in story and "请双方于周五前提交交易流水" not in story and "meet.example" not in story
    assert "公司内部核算意见" not in story
    # Nothing the court platform received carries a message of the mediation (stored encrypted, so read through
    # the platform with its own key).
    read = (
        "import json; from sutiao.docking.models import InboxMessage as M; "
        "print(json.dumps([m.payload for m in M.objects.all()]))"
    )
    received = live.court.manage("shell", "-c", read).stdout
    assert json.dumps(terms)[1:-1] in received  # the payloads themselves, opened
    assert json.dumps(CAUCUS)[1:-1] not in received and "meet.example" not in received
    for title in ("申请人交易流水", "公司内部核算意见", "交易流水.pdf"):
        assert json.dumps(title)[1:-1] not in received


def test_a_failed_mediation_reaches_the_court_with_its_failure_record_and_is_filed(live):
    case, delegation_id = _delegated_case(live, "周八", "110105198303030039", "91110000100000001W")
    ws = f"/delegations/{delegation_id}/mediation/"
    mediator = Web(live.investor.url, "org1_mediator1")
    # A scan of several megabytes passes the web server (its body cap is a little above the upload limit, not the
    # docking's 2 MiB).
    big = EVIDENCE_PDF.replace(b"%%EOF", b"%" + b"0" * (6 * 2**20) + b"\n%%EOF")
    mediator.act(
        ws + "evidence/",
        {"evidence-title": "调解笔录扫描件", "evidence-audience": "all"},
        {"evidence-file": ("扫描件.pdf", big, "application/pdf")},
    )
    page = mediator.get(ws)
    assert "调解笔录扫描件" in page
    positions = {
        f"end-position_{row}": text
        for row, text in zip(
            _values(page, "session-parties"), ("要求赔偿十二万五千元", "认为损失系市场风险所致"), strict=True
        )
    }
    refused = mediator.post(ws + "end/", {"end-outcome": "failed", "end-ground": "irreconcilable", "confirmed": "1"})
    assert refused.status_code == 200 and "无争议事实" in _errors(refused.text)
    mediator.act(
        ws + "end/",
        {
            "end-outcome": "failed",
            "end-ground": "irreconcilable",
            "end-undisputed_facts": "申请人于2024年3月买入涉案股票。",
            "end-disputed_points": "损失数额与因果关系",
            "end-cost_raising_conduct": "被申请人两次无故缺席调解",
            **positions,
            "confirmed": "1",
        },
    )
    failed = wait_for(lambda: (c := court_case(live, case["id"]))["state"] == CourtState.FAILED and c, what="failure")
    record = failed["delegations"][0]["failure_record"]
    assert record["disputed_points"] == "损失数额与因果关系"
    assert record["positions"] == {"周八": "要求赔偿十二万五千元", "某某药业股份有限公司": "认为损失系市场风险所致"}
    assert failed["delegations"][0]["termination_ground"] == "irreconcilable"
    assert "当事人分歧较大且难以达成调解协议" in _story(live, case["id"])
    filed = live.api("court_filing").post(f"/cases/{case['id']}/back-to-court")
    assert filed["state"] == CourtState.FILED
