"""A delegation's audit trail on the organisation's delegation page: its own records only — not those of
another organisation's delegation of the same case."""

import pytest
from django.db import transaction

from sutiao.audit.log import record
from sutiao.audit.models import AuditRecord


@pytest.mark.django_db(transaction=True)
def test_the_delegation_page_shows_its_own_trail_only(receive, org_a, org_b, admin_a, admin_b, client):
    mine, theirs = receive(org_a), receive(org_b)
    received = AuditRecord.objects.filter(object_id=str(mine.pk)).count()  # the delegation's own arrival
    with transaction.atomic():
        record(admin_a, "test.accept", mine, case=mine.case, before={"state": "received"}, after={"state": "accepted"})
        record(admin_b, "test.decline", theirs, case=mine.case, after={"reason": "本组织无相关专业调解员"})
    client.force_login(admin_a)
    page = client.get(f"/delegations/{mine.pk}/").content.decode()
    assert "操作记录" in page and page.count('data-testid="audit-record"') == received + 1
    assert "test.accept" in page and "调解组织管理员" in page
    assert "test.decline" not in page and "本组织无相关专业调解员" not in page
    english = client.get(f"/delegations/{mine.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Audit trail" in english and f"{received + 1} in all" in english
