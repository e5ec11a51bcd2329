"""Finding delegations among many (issue 15): search, filters and cursor paging of the organisation's and
the mediator's lists, on the pages and through the API, on whichever database the run uses."""

import datetime as dt

import pytest
from django.utils import timezone

from sutiao.investor import selectors
from sutiao.investor.actions import delegations as actions
from sutiao.investor.models import Delegation
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import InvestorState
from token_setup import api_token

ID_NUMBER = "11010519491231002X"
CREDIT_CODE = "91110000100012345L"


def _parties(applicant, respondent="某某药业股份有限公司", id_number="", uscc=""):
    """The parties of a delegation and their consents (a DELEGATE carries both)."""
    now = timezone.now().isoformat()
    return {
        "parties": [
            {"role": "applicant", "kind": "natural_person", "name": applicant, "id_number": id_number},
            {"role": "respondent", "kind": "legal_person", "name": respondent, "id_number": uscc},
        ],
        "consent": [
            {"party": name, "consented": True, "method": "phone", "recorded_at": now, "recorded_by": "王立案"}
            for name in (applicant, respondent)
        ],
    }


def _found(user, **filters):
    return {d.pk for d in selectors.filter_delegations(selectors.delegations_for(user), **filters)}


def test_search_and_filters_find_delegations(receive, org_a, org_b, admin_a, admin_b, mediator_a):
    court = str(new_id())
    zhang = receive(org_a, **_parties("张三", id_number=ID_NUMBER), court_id=court)
    ouyang = receive(
        org_a,
        **_parties("欧阳明月", "甲乙丙科技有限公司", uscc=CREDIT_CODE),
        court_case_number="（2026）沪0115民诉前调67890号",
        court_name="上海市浦东新区人民法院",
        dispute_type="brokerage_contract",
    )
    receive(org_b, **_parties("张三"))  # another organisation's: never found by org A
    assert _found(admin_a, q="张三") == {zhang.pk}
    assert _found(admin_a, q="阳明") == {ouyang.pk}
    assert _found(admin_a, q="67890") == {ouyang.pk} and _found(admin_a, q="浦东") == {ouyang.pk}
    assert _found(admin_a, q="100012345") == {ouyang.pk} and _found(admin_a, q=CREDIT_CODE) == {ouyang.pk}
    assert _found(admin_a, q=ID_NUMBER) == {zhang.pk} and _found(admin_a, q=ID_NUMBER[:10]) == set()
    assert ID_NUMBER.lower() not in Delegation.objects.get(pk=zhang.pk).search_text
    assert _found(admin_a, court=court) == {zhang.pk}
    assert _found(admin_a, dispute_type="brokerage_contract") == {ouyang.pk}
    assert _found(admin_a, state=InvestorState.RECEIVED) == {zhang.pk, ouyang.pk}
    today = timezone.localdate()
    Delegation.objects.filter(pk=zhang.pk).update(answer_due=today - dt.timedelta(days=1))
    Delegation.objects.filter(pk=ouyang.pk).update(answer_due=today + dt.timedelta(days=2))
    assert _found(admin_a, overdue=True) == {zhang.pk}
    assert _found(admin_a, due_within=2) == {ouyang.pk} and _found(admin_a, due_within=1) == set()
    Delegation.objects.filter(pk=ouyang.pk).update(received_at=timezone.now() - dt.timedelta(days=10))
    assert _found(admin_a, received_to=today - dt.timedelta(days=5)) == {ouyang.pk}
    assert _found(admin_a, received_from=today - dt.timedelta(days=5)) == {zhang.pk}
    # The mediator assigned is searchable, and the mediator sees only what is assigned to them.
    actions.accept_delegation(admin_a, zhang)
    actions.assign_mediator(admin_a, Delegation.objects.get(pk=zhang.pk), mediator_a)
    assert _found(admin_a, q=mediator_a.display_name) == {zhang.pk}
    assert _found(mediator_a) == {zhang.pk}
    with pytest.raises(DomainError):
        _found(admin_a, q="张")


def test_queue_pages_are_stable_under_concurrent_receipts(receive, org_a, admin_a):
    today = timezone.localdate()
    existing = []
    for i in range(7):
        d = receive(org_a, **_parties(f"投资者{i:02d}"))
        Delegation.objects.filter(pk=d.pk).update(answer_due=today + dt.timedelta(days=i))
        existing.append(d.pk)
    seen, cursor, inserted = [], None, []
    while True:
        result = selectors.work_queue(admin_a, cursor, size=3)
        seen += [d.pk for d in result.items]
        # Between two fetches new delegations arrive: due sooner than any, and due between rows not yet read.
        for days in (-1, 5):
            d = receive(org_a, **_parties(f"新投资者{len(inserted):02d}"))
            Delegation.objects.filter(pk=d.pk).update(answer_due=today + dt.timedelta(days=days))
            inserted.append(d.pk)
        cursor = result.next
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "no row repeated"
    assert set(existing) <= set(seen), "no row skipped"
    assert set(seen) - set(existing) <= set(inserted)


def test_pages_and_api_page_with_a_cursor(client, receive, org_a, admin_a):
    numbers = set()
    for i in range(7):
        number = f"（2026）京0105民诉前调{100 + i}号"
        receive(org_a, court_case_number=number, **_parties(f"韩梅梅{i:02d}"))
        numbers.add(number)
    receive(org_a, **_parties("路人甲"))
    token = api_token(admin_a, name="办案系统")
    auth = {"Authorization": f"Bearer {token}"}
    seen, cursor = [], ""
    while True:
        body = client.get("/api/v1/delegations", {"q": "梅梅", "limit": 3, "cursor": cursor}, headers=auth).json()
        seen += [d["court_case_number"] for d in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(numbers)
    assert client.get("/api/v1/delegations", {"cursor": "forged"}, headers=auth).status_code == 400
    names = {
        p["name"]
        for p in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/delegations"]["get"]["parameters"]
    }
    assert {"q", "cursor", "limit", "state", "court", "due_within", "overdue"} <= names
    client.force_login(admin_a)
    first = client.get("/delegations/", {"q": "梅梅"})
    assert first.status_code == 200 and len(first.context["page"].items) == 7
    assert "请至少输入两个字或两位数字" in client.get("/delegations/", {"q": "梅"}).content.decode()
    home = client.get("/")
    assert home.status_code == 200 and len(home.context["queue"].items) == 8


def test_registry_organisations_page_on_the_page_and_in_the_api(client, bureau_user, org_a, org_b, regional_office):
    from investor_registry_setup import registered_org

    for i in range(3, 8):
        registered_org(f"第{i}调解中心", i, regional_office, None, bureau_user, on_every_roster=False)
    token = api_token(bureau_user, name="局内系统")
    auth = {"Authorization": f"Bearer {token}"}
    seen, cursor = [], ""
    while True:
        body = client.get("/api/v1/registry/organisations", {"limit": 3, "cursor": cursor}, headers=auth).json()
        seen += [o["id"] for o in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7
    client.force_login(bureau_user)
    listed = client.get("/registry/organisations/")
    assert listed.status_code == 200 and len(listed.context["organisations"]) == 7 and not listed.context["next_url"]
    forged = client.get("/registry/organisations/", {"cursor": "forged"}, follow=True)
    assert forged.status_code == 200 and "翻页标记无效" in forged.content.decode()
    assert client.get("/registry/proposals/").status_code == 200
