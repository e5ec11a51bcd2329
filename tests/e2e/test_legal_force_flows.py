"""Giving an agreement legal force, across both live platforms (issue 11 §5, §7; LEGAL-RULES L11, L15, L18):
an entrusted (委托) case in litigation whose agreement was signed online becomes a court-sealed 调解书 that both
parties sign for receipt on the court platform, and the case closes with half the fee; a direct application's
agreement reached offline, uploaded and confirmed online, goes on the parties' joint application to the
intermediate court competent for a securities misrepresentation dispute (the issuer's seat), which accepts it and
rules it valid."""

import re
import secrets

from live import wait_for
from test_delegation_flow import court_case
from test_direct_application import PDF
from test_mediation_flow import Web, _delegated_case, _errors, _joined_party
from test_online_confirmation import _effective_agreement, _sign, _state

from sutiao import demo
from sutiao.kernel.workflow import CourtState

COURT_CSRF = "sutiao_court_csrf"


def test_an_entrusted_case_becomes_a_mediation_document_signed_for_receipt_and_closes(live):
    investor, firm = demo.INVESTOR_PARTY, demo.FIRM_PARTY
    case, delegation_id = _delegated_case(
        live,
        investor[1],
        demo.party_id_number(investor[2]),
        demo.party_id_number(firm[2]),
        respondent=firm[1],
        stage="in_litigation",
        litigation_number=f"（2026）京0105民初{secrets.randbelow(10**6)}号",
    )
    path = f"/cases/{case['id']}/"
    staff = Web(live.court.url, "court_filing", csrf=COURT_CSRF)
    judge_id = re.search(r'<option value="(\d+)"[^>]*>李法官', staff.get(path)).group(1)
    staff.act(path + "judge/", {"judge": judge_id})

    applicant = _joined_party(live, investor[3])
    respondent = _joined_party(live, firm[3])
    _effective_agreement(live, delegation_id, applicant, respondent)
    Web(live.investor.url, "org1_mediator1").act(
        f"/delegations/{delegation_id}/mediation/end/",
        {"end-outcome": "succeeded", "end-terms": "被申请人赔偿申请人八万元。", "confirmed": "1"},
    )

    # The court heard of the agreement in force and of the success: its judge issues the sealed 调解书 (L15).
    judge = Web(live.court.url, "court_judge", csrf=COURT_CSRF)
    wait_for(lambda: 'data-testid="issue-document"' in judge.get(path), what="the 调解书 may be issued")
    judge.act(path + "mediation-document/issue/", {})
    assert 'data-state="document_issued"' in judge.get(path)
    pdf = judge.session.get(live.court.url + path + "mediation-document/", timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # Each party signs for receipt online on the court platform; the second signature closes the case.
    for username in (investor[0], firm[0]):
        party = Web(live.court.url, username, csrf=COURT_CSRF)
        page = party.get(f"/my/cases/{case['id']}/")
        (row,) = re.findall(r'data-testid="receipt-form-(\d+)"', page)
        party.act(f"/my/cases/{case['id']}/parties/{row}/mediation-document/", {"answer": "sign"})
    closed = court_case(live, case["id"])
    assert closed["state"] == CourtState.DOCUMENT_EFFECTIVE and closed["closed_at"]
    page = judge.get(path)
    receipts = re.search(r'data-testid="document-receipts">(.*?)</ul>', page, re.S).group(1)
    assert 'data-state="effective"' in page and receipts.count("已签收") == 2
    # L18: half the Art. 13 fee on 125,000 yuan (2,800 → 1,400).
    assert "案件受理费 2800.00 元，调解结案减半收取 1400.00 元" in page


def _direct_mediation(live, investor: Web, firm: Web) -> str:
    """A securities misrepresentation claim the investor brings to organisation 1 against the issuer, which agrees
    to mediate (an issuer may refuse: L19 binds securities firms only); returns the mediation's id."""
    form = investor.get("/applications/new/")
    org1 = re.search(r'<option value="([0-9a-f-]+)"[^>]*>中证资本市场法律服务中心', form).group(1)
    response = investor.post(
        "/applications/new/",
        {
            "organisation": org1,
            "dispute_type": "misrepresentation",
            "respondent_name": demo.FIRM_PARTY[1],
            "respondent_code": demo.party_id_number(demo.FIRM_PARTY[2]),
            "respondent_sector": "issuer",
            "claims": "赔偿投资差额损失三万元",
            "amount": "30000",
            "facts": "被申请人年报虚假陈述，申请人据此买入其股票遭受损失。",
            "ordinary_investor": "on",
        },
        files={"files": ("交易记录.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302, _errors(response.text)
    path = response.headers["Location"]
    admin = Web(live.investor.url, "org1_admin")
    mediator = re.search(r'<option value="(\d+)"[^>]*>张调解1', admin.get(path)).group(1)
    admin.act(path + "accept/", {"mediator": mediator})
    firm.act(path + "respond/", {"agreed": "1"})
    workspace = Web(live.investor.url, "org1_mediator1").get(path + "mediation/")
    return re.search(r'href="/mediations/([0-9a-f-]+)/agreement/" data-testid="open-agreement"', workspace).group(1)


def test_an_offline_agreement_is_confirmed_by_the_competent_intermediate_court(live):
    investor = Web(live.investor.url, demo.INVESTOR_PARTY[0])
    firm = Web(live.investor.url, demo.FIRM_PARTY[0])
    mediation_id = _direct_mediation(live, investor, firm)

    # Reached offline (issue 11 §7): the mediator records its text, the organisation uploads the scan of the paper
    # both parties signed, and each party confirms it online with a code sent to its mobile.
    base = f"/mediations/{mediation_id}/agreement/"
    Web(live.investor.url, "org1_mediator1").act(base + "draft/", {})
    admin = Web(live.investor.url, "org1_admin")
    printed = re.search(r'href="([^"]+/pdf/)" data-testid="current-pdf"', admin.get(base)).group(1)
    scan = admin.session.get(live.investor.url + printed, timeout=30).content
    admin.act(base + "paper/", {"offline": "on"}, {"file": ("线下调解协议.pdf", scan, "application/pdf")})
    for web, mobile in ((investor, demo.INVESTOR_PARTY[3]), (firm, demo.FIRM_PARTY[3])):
        (row,) = set(re.findall(r'name="party" value="(\d+)"', web.get(base)))
        _sign(web, live, base, row, mobile, op="confirm-paper")
    assert 'data-testid="agreement-state" data-state="effective"' in admin.get(base)

    # L11: for a misrepresentation dispute only the intermediate court of the issuer's seat is offered (虚假陈述规定
    # Art. 3), from the court directory the investor platform reads from the court platform.
    page_path = f"/mediations/{mediation_id}/confirmation/"
    facts = {"domicile": "110105", "issuer_seat": "110102"}
    search = page_path + "?" + "&".join(f"{k}={v}" for k, v in facts.items())

    def courts_offered():
        select = re.search(r'<select name="court".*?</select>', investor.get(search), re.S)
        return select and re.findall(r'<option value="([0-9a-f-]+)"[^>]*>([^<]+)<', select.group(0))

    courts = wait_for(courts_offered, what="the competent courts")
    assert courts == [(str(demo.BEIJING_4TH_INTERMEDIATE), "北京市第四中级人民法院（发行人住所地）")], courts
    page = investor.get(search)
    (row,) = re.findall(r'<select name="party"[^>]*>\s*<option value="(\d+)"', page)
    investor.act(page_path + "join/", {"party": row, **facts, "court": str(demo.BEIJING_4TH_INTERMEDIATE)})
    row = re.search(r'<select name="party"[^>]*>\s*<option value="(\d+)"', firm.get(page_path)).group(1)
    firm.act(page_path + "join/", {"party": row, "domicile": "110102"})
    wait_for(lambda: _state(investor.get(page_path)) == "received", what="the intermediate court received it")

    # At the intermediate court: filing staff accept it and name the judge, who rules it valid.
    staff = Web(live.court.url, "bj4_filing", csrf=COURT_CSRF)
    application = re.search(
        r'href="(/confirmations/[0-9a-f-]+/)" data-testid="confirmation-link"',
        staff.get("/confirmations/?q=" + demo.INVESTOR_PARTY[1]),
    ).group(1)
    detail = staff.get(application)
    assert "发行人住所地" in detail
    judge_id = re.search(r'<option value="(\d+)"[^>]*>韩法官', detail).group(1)
    staff.act(application + "accept/", {"judge": judge_id})
    Web(live.court.url, "bj4_judge", csrf=COURT_CSRF).act(
        application + "rule/",
        {"outcome": "valid", "reasons": "调解协议系双方自愿达成，内容不违反法律规定。", "confirmed": "1"},
    )
    page = wait_for(
        lambda: (html := investor.get(page_path)) and 'data-verified="1"' in html and html,
        what="the intermediate court's verified ruling on the investor platform",
    )
    assert _state(page) == "confirmed" and 'data-outcome="valid"' in page and "北京市第四中级人民法院" in page
