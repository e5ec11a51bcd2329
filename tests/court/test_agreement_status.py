"""Issue 11 §3 on the court platform: the agreement of a delegated case arrives once in force (L10) and again as
each term is performed or falls overdue (AGREEMENT_STATUS); the case's story shows each term's status, and a
message that names no real version (a malformed hash) is refused."""

import datetime as dt

from django.utils import timezone

from sutiao.court.models import Case
from sutiao.docking.schemas import MessageType
from sutiao.kernel.ids import new_id

SHA = "a" * 64


def _terms(status):
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    return [
        {
            "position": 1,
            "obligor": "某某药业股份有限公司",
            "obligee": "李四",
            "kind": "payment",
            "description": "赔偿投资差额损失",
            "amount": "80000.00",
            "due": due,
            "status": status,
        }
    ]


def _story(case_id) -> str:
    return "\n".join(Case.objects.get(pk=case_id).events.values_list("text", flat=True))


def test_l10_the_court_follows_the_agreement_and_its_performance(delegated, answer, from_investor, staff, client):
    answer(delegated)
    agreement = str(new_id())
    common = {"agreement_id": agreement, "version": 2, "sha256": SHA, "at": timezone.now()}
    from_investor(MessageType.AGREEMENT_STATUS, delegated, step="effective", terms=_terms("pending"), **common)
    from_investor(MessageType.AGREEMENT_STATUS, delegated, step="performance", terms=_terms("performed"), **common)
    story = _story(delegated.case_id)
    assert "调解协议（第2版）经各方当事人签署生效" in story
    assert "某某药业股份有限公司→李四：赔偿投资差额损失 80,000.00元" in story and "已履行" in story
    client.force_login(staff)
    page = client.get(f"/cases/{delegated.case_id}/").content.decode()
    assert "调解协议履行情况更新" in page


def test_a_status_without_a_real_hash_is_refused(delegated, answer, investor, post_message, make_envelope):
    answer(delegated)
    body = {
        "delegation_id": str(delegated.id),
        "agreement_id": str(new_id()),
        "version": 1,
        "sha256": "not-a-hash",
        "step": "effective",
        "terms": _terms("pending"),
        "at": timezone.now().isoformat(),
    }
    message = make_envelope(
        MessageType.AGREEMENT_STATUS, delegated.case_id, 2, body, "investor-platform", "court-platform"
    )
    response = post_message(message, investor.key)
    assert response.status_code != 200 or response.json()["status"] != "applied"
    assert "调解协议" not in _story(delegated.case_id)
