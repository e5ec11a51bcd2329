"""Judicial confirmation applied for online, across both live platforms (issue 11 §4, §6; L10–L14, L16): a delegated
case's agreement signed through the agreement page by the mediator and both parties, the organisation's seal last →
both parties consent to electronic service on both platforms → they join the joint application on the investor
platform → the court platform fetches the agreement by its hash through the signed read, checks it and registers
the application → filing staff accept it → the judge rules it valid → the court serves the ruling on each party and
the investor platform fetches the sealed ruling, verifies the seal, shows it with the objection window and serves it
too → each party opens it on both platforms and both show the read receipts."""

import hashlib
import re

from live import sms_code, wait_for
from test_mediation_flow import Web, _delegated_case, _errors, _joined_party

from sutiao import demo


def _sign(web: Web, live, path: str, party: str, mobile: str, op: str = "sign") -> None:
    """One signature through the agreement page's forms: the SMS code to the signer's own mobile, then 同意并签署
    (the PAdES signature with its timestamp is made by the platform) — or, with op="confirm-paper", the party's
    online confirmation of an agreement signed on paper."""
    web.act(path + "code/", {"party": party})
    web.act(path + f"{op}/", {"party": party, "code": sms_code(live.investor.url, mobile)})


def _effective_agreement(live, mediation_id: str, applicant: Web, respondent: Web) -> None:
    """The mediator drafts the agreement, freezes it and signs first; each party signs on its own page with the code
    sent to its mobile; the organisation's e-seal goes on last and the agreement is in force (L10)."""
    mediator = Web(live.investor.url, "org1_mediator1")
    base = f"/mediations/{mediation_id}/agreement/"
    mediator.act(base + "draft/", {})
    mediator.act(base + "submit/", {"confirmed": "1"})
    assert 'data-testid="sign-box"' not in applicant.get(base)  # the mediator signs first
    _sign(mediator, live, base, "", demo.MEDIATOR_MOBILES["org1_mediator1"])
    for web, mobile in ((applicant, demo.INVESTOR_PARTY[3]), (respondent, demo.FIRM_PARTY[3])):
        (row,) = set(re.findall(r'name="party" value="(\d+)"', web.get(base)))
        _sign(web, live, base, row, mobile)
    page = mediator.get(base)
    assert 'data-testid="agreement-state" data-state="effective"' in page
    assert page.count('data-testid="signature"') == 4 and "调解组织电子印章" in page
    assert 'data-testid="confirmation-link"' in page


def _consents_to_e_service(web: Web) -> None:
    """The party consents online to electronic service on this platform: inbox and SMS (在线诉讼规则 Art. 30)."""
    page = web.get("/notifications/service-consent/")
    (profile,) = re.findall(r'<input type="hidden" name="party" value="(\d+)">', page)
    web.act(
        "/notifications/service-consent/",
        {"party": profile, f"p{profile}-channels": ["in_app", "sms"], f"p{profile}-read": "on"},
    )
    assert "已同意电子送达" in web.get("/notifications/service-consent/")


def _served_ruling(web: Web) -> str:
    """The newest ruling served on the party, from the list on its service page."""
    page = web.get("/notifications/service-consent/")
    return re.findall(r'href="(/notifications/served/[0-9a-f-]+/)">民事裁定书', page)[0]


def _state(html: str) -> str | None:
    found = re.search(r'data-testid="confirmation-request" data-state="([a-z_]+)"', html)
    return found.group(1) if found else None


def test_a_joint_online_application_is_accepted_ruled_valid_and_the_sealed_ruling_shown(live):
    investor, investor_id = demo.INVESTOR_PARTY[1], demo.party_id_number(demo.INVESTOR_PARTY[2])
    firm, firm_code = demo.FIRM_PARTY[1], demo.party_id_number(demo.FIRM_PARTY[2])
    case, delegation_id = _delegated_case(live, investor, investor_id, firm_code, respondent=firm)
    applicant = _joined_party(live, demo.INVESTOR_PARTY[3])
    respondent = _joined_party(live, demo.FIRM_PARTY[3])
    _effective_agreement(live, delegation_id, applicant, respondent)
    # Both parties consent to electronic service on both platforms (L16), before anything is served.
    court_parties = [
        Web(live.court.url, who[0], csrf="sutiao_court_csrf") for who in (demo.INVESTOR_PARTY, demo.FIRM_PARTY)
    ]
    for web in (applicant, respondent, *court_parties):
        _consents_to_e_service(web)

    page_path = f"/mediations/{delegation_id}/confirmation/"
    for party, domicile in ((applicant, "110105"), (respondent, "110102")):
        page = party.get(page_path)
        assert "申请期限" in page and "第二百零五条" in page
        row = re.search(r'<select name="party"[^>]*>\s*<option value="(\d+)"', page).group(1)
        party.act(page_path + "join/", {"party": row, "domicile": domicile})
    assert _state(applicant.get(page_path)) in ("sent", "received")

    # The court platform fetched the agreement by its hash and registered the application (L12: 3 days to accept).
    assert wait_for(lambda: _state(applicant.get(page_path)) == "received", what="the court received the application")
    staff = Web(live.court.url, "court_filing", csrf="sutiao_court_csrf")
    listing = staff.get("/confirmations/?q=" + investor)
    application = re.search(r'href="(/confirmations/[0-9a-f-]+/)" data-testid="confirmation-link"', listing).group(1)
    detail = staff.get(application)
    assert "在线申请" in detail and 'data-state="received"' in detail
    judge_id = re.search(r'<option value="(\d+)"[^>]*>李法官', detail).group(1)
    staff.act(application + "accept/", {"judge": judge_id})
    number = wait_for(
        lambda: re.search(r'data-testid="confirmation-number">([^<]+)<', applicant.get(page_path)),
        what="the 民特 number on the investor platform",
    ).group(1)
    assert "民特" in number

    judge = Web(live.court.url, "court_judge", csrf="sutiao_court_csrf")
    response = judge.post(
        application + "rule/",
        {"outcome": "valid", "reasons": "调解协议系双方自愿达成，内容不违反法律规定。", "confirmed": "1"},
    )
    assert response.status_code == 302, _errors(response.text)

    # The investor platform fetched the sealed ruling, verified its seal, and shows it with the objection window.
    page = wait_for(
        lambda: (html := respondent.get(page_path)) and 'data-verified="1"' in html and html,
        what="the verified ruling on the investor platform",
    )
    assert _state(page) == "confirmed" and 'data-outcome="valid"' in page
    assert "申请执行" in page and 'data-testid="objection-window"' in page and "第三百七十二条" in page
    ruling_path = re.search(r'href="([^"]+/ruling/)" data-testid="ruling-pdf"', page).group(1)
    pdf = respondent.session.get(live.investor.url + ruling_path, timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    court_pdf = judge.session.get(live.court.url + application + "ruling/", timeout=30)
    assert hashlib.sha256(pdf.content).hexdigest() == hashlib.sha256(court_pdf.content).hexdigest()

    # L16 on the investor platform: the ruling was served on both parties when it arrived (inbox and SMS), the proof
    # on the page; the respondent's download above was its read receipt, the applicant opens the served notice.
    assert page.count('data-testid="service-row"') == 2 and 'data-testid="needs-other-means"' not in page
    assert page.count(hashlib.sha256(pdf.content).hexdigest()) >= 2
    page = applicant.get(page_path)
    (own,) = re.findall(r'href="(/notifications/served/[0-9a-f-]+/)" data-testid="open-served"', page)
    assert "民事裁定书" in applicant.get(own)
    page = applicant.get(page_path)
    assert page.count('data-electronic="1" data-read="1"') == 2, page

    # L16 at the court: the court served the ruling on each applicant it registered; each opens it on the court
    # platform and the application page shows both read receipts.
    for web in court_parties:
        link = _served_ruling(web)
        assert hashlib.sha256(web.session.get(live.court.url + link + "file/", timeout=30).content).hexdigest() == (
            hashlib.sha256(court_pdf.content).hexdigest()
        )
    detail = staff.get(application)
    rows = re.findall(r'<tr data-testid="service-row">.*?</tr>', detail, re.S)
    assert len(rows) == 2 and all("未查阅" not in row and "站内" in row for row in rows), rows


def test_a_rejected_confirmation_offers_the_three_paths_and_a_new_agreement_is_drafted(live):
    """L13 (《民事诉讼法》Art. 206): the judge rejects the application; the investor platform shows the court's ground
    and reasons with the three ways on, and the mediator drafts a new agreement in place of the rejected one."""
    investor, investor_id = demo.INVESTOR_PARTY[1], demo.party_id_number(demo.INVESTOR_PARTY[2])
    firm, firm_code = demo.FIRM_PARTY[1], demo.party_id_number(demo.FIRM_PARTY[2])
    case, delegation_id = _delegated_case(live, investor, investor_id, firm_code, respondent=firm)
    applicant = _joined_party(live, demo.INVESTOR_PARTY[3])
    respondent = _joined_party(live, demo.FIRM_PARTY[3])
    _effective_agreement(live, delegation_id, applicant, respondent)
    page_path = f"/mediations/{delegation_id}/confirmation/"
    for party, domicile in ((applicant, "110105"), (respondent, "110102")):
        row = re.search(r'<select name="party"[^>]*>\s*<option value="(\d+)"', party.get(page_path)).group(1)
        party.act(page_path + "join/", {"party": row, "domicile": domicile})
    assert wait_for(lambda: _state(applicant.get(page_path)) == "received", what="the court received the application")

    staff = Web(live.court.url, "court_filing", csrf="sutiao_court_csrf")
    listing = staff.get("/confirmations/?q=" + investor)
    application = re.findall(
        r'href="(/confirmations/[0-9a-f-]+/)" data-testid="confirmation-link">（待受理）', listing
    )[0]
    detail = staff.get(application)
    judge_id = re.search(r'<option value="(\d+)"[^>]*>李法官', detail).group(1)
    staff.act(application + "accept/", {"judge": judge_id})
    wait_for(lambda: _state(applicant.get(page_path)) == "accepted", what="the acceptance on the investor platform")
    judge = Web(live.court.url, "court_judge", csrf="sutiao_court_csrf")
    response = judge.post(
        application + "rule/",
        {"outcome": "rejected", "rejection_ground": "unclear", "reasons": "履行期限约定不明确。", "confirmed": "1"},
    )
    assert response.status_code == 302, _errors(response.text)

    page = wait_for(
        lambda: (html := applicant.get(page_path)) and 'data-outcome="rejected"' in html and html,
        what="the rejection on the investor platform",
    )
    assert _state(page) == "rejected" and "内容不明确" in page and "履行期限约定不明确" in page
    assert 'data-testid="rejected-paths"' in page and "变更原调解协议" in page and "提起诉讼" in page

    mediator = Web(live.investor.url, "org1_mediator1")
    base = f"/mediations/{delegation_id}/agreement/"
    assert 'data-testid="redraft"' in mediator.get(base) and 'data-testid="redraft"' not in applicant.get(base)
    mediator.act(base + "draft/", {})
    page = mediator.get(base)
    assert 'data-testid="agreement-state" data-state="draft"' in page and 'data-testid="redraft"' not in page
