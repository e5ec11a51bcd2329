"""A case's audit trail on the court's case page: shown to the court staff who may see the case, newest first,
paged, in Chinese and in English."""

import pytest
from django.db import transaction

from sutiao.audit.log import record
from sutiao.audit.models import AuditRecord
from sutiao.audit.selectors import TRAIL_PAGE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _records(actor, case, count):
    with transaction.atomic():
        for n in range(count):
            record(actor, "test.step", case, case=case, before={"n": n}, after={"n": n + 1})


@pytest.mark.django_db(transaction=True)
def test_the_case_page_shows_the_cases_trail_newest_first_and_paged(client, staff, new_case):
    case, other = new_case(), new_case()
    registered = AuditRecord.objects.filter(case=str(case.pk)).count()  # what registering the case recorded
    _records(staff, case, TRAIL_PAGE + 3)
    _records(staff, other, 1)
    client.force_login(staff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "操作记录" in page and f"共 {registered + TRAIL_PAGE + 3} 条" in page
    assert page.count('data-testid="audit-record"') == TRAIL_PAGE
    assert "王立案" in page and "立案工作人员" in page
    shown = [int(s) for s in page.split('data-seq="')[1:] for s in [s.split('"')[0]]]
    assert shown == sorted(shown, reverse=True)
    assert "?trail_page=2#audit-trail" in page and "较早的记录" in page

    older = client.get(f"/cases/{case.pk}/?trail_page=2").content.decode()
    assert older.count('data-testid="audit-record"') == registered + 3 and "较新的记录" in older
    english = client.get(f"/cases/{case.pk}/?trail_page=2", **EN).content.decode()
    assert "Audit trail" in english and "Newer records" in english and "Filing staff" in english


@pytest.mark.django_db(transaction=True)
def test_staff_of_another_court_see_neither_the_case_nor_its_trail(client, other_staff, new_case, staff):
    case = new_case()
    _records(staff, case, 1)
    client.force_login(other_staff)
    assert client.get(f"/cases/{case.pk}/").status_code in (403, 404)
