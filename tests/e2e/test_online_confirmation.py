"""Judicial confirmation applied for online, across both live platforms (issue 11 §4; L11–L14): a delegated case's
agreement in force → both parties join the joint application on the investor platform → the court platform fetches
the agreement by its hash through the signed read, checks it and registers the application → filing staff accept it
→ the judge rules it valid → the investor platform fetches the court's sealed ruling, verifies the seal and shows it
with the objection window."""

import hashlib
import re

from live import wait_for
from test_mediation_flow import Web, _delegated_case, _errors, _joined_party

from sutiao import demo


def _effective_agreement(live, mediation_id: str) -> None:
    """The mediator drafts the agreement and freezes it; both parties' signatures are recorded through the signing
    flow's entry point (signature_recorded; the signing pages are another part of issue 11)."""
    mediator = Web(live.investor.url, "org1_mediator1")
    base = f"/mediations/{mediation_id}/agreement/"
    mediator.act(base + "draft/", {})
    mediator.act(base + "submit/", {"confirmed": "1"})
    code = (
        "from django.utils import timezone\n"
        "from sutiao.investor.actions.agreements import signature_recorded\n"
        "from sutiao.investor.agreements.models import Agreement\n"
        f"agreement = Agreement.objects.get(mediation_id={mediation_id!r}, state='signing')\n"
        "for party in agreement.mediation.parties.all():\n"
        "    signature_recorded(agreement, party, timezone.now())\n"
        "agreement.refresh_from_db()\n"
        "print(agreement.state)\n"
    )
    assert live.investor.manage("shell", "-c", code).stdout.strip().splitlines()[-1] == "effective"
    assert 'data-testid="confirmation-link"' in mediator.get(base)


def _state(html: str) -> str | None:
    found = re.search(r'data-testid="confirmation-request" data-state="([a-z_]+)"', html)
    return found.group(1) if found else None


def test_a_joint_online_application_is_accepted_ruled_valid_and_the_sealed_ruling_shown(live):
    investor, investor_id = demo.INVESTOR_PARTY[1], demo.party_id_number(demo.INVESTOR_PARTY[2])
    firm, firm_code = demo.FIRM_PARTY[1], demo.party_id_number(demo.FIRM_PARTY[2])
    case, delegation_id = _delegated_case(live, investor, investor_id, firm_code, respondent=firm)
    applicant = _joined_party(live, demo.INVESTOR_PARTY[3])
    respondent = _joined_party(live, demo.FIRM_PARTY[3])
    _effective_agreement(live, delegation_id)

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
