"""Irreversible actions on the court's pages ask first (issue 15 §4): a page rendered by the server names the
consequence and carries what was typed; only the confirmed post acts."""

from django.urls import reverse

from sutiao.court.models import Case
from sutiao.kernel.workflow import CourtState, DelegationState


def test_filing_a_case_asks_first_and_names_the_consequence(client, staff, consented_case):
    client.force_login(staff)
    url = reverse("case-back-to-court", args=[consented_case.pk])
    asked = client.post(url)
    page = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm-page"' in page
    assert "转入本院立案程序" in page and "不能撤销" in page and 'name="confirmed" value="1"' in page
    assert Case.objects.get(pk=consented_case.pk).state == CourtState.CONSENTED
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert Case.objects.get(pk=consented_case.pk).state == CourtState.FILED


def test_recall_asks_first_and_carries_the_reason(client, staff, delegated):
    client.force_login(staff)
    url = reverse("case-recall", args=[delegated.case_id])
    asked = client.post(url, {"reason": "当事人申请更换调解组织"})
    page = asked.content.decode()
    assert asked.status_code == 200 and delegated.organisation.name in page and "不再办理本案" in page
    assert 'name="reason" value="当事人申请更换调解组织"' in page
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.SENT
    # An empty reason is refused at once, without a second look.
    assert 'data-testid="confirm-page"' not in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "当事人申请更换调解组织", "confirmed": "1"}).status_code == 302
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.RECALLED and delegated.recall_reason == "当事人申请更换调解组织"
