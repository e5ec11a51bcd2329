"""Finding cases among many (issue 15): search, filters and cursor paging of the court's lists, on the pages
and through the API, on whichever database the run uses (SQLite FTS5 or PostgreSQL GIN)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sutiao import listing
from sutiao.court import selectors
from sutiao.court.actions import cases
from sutiao.court.models import Case, Delegation
from sutiao.kernel.enums import CaseStage, DisputeType, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import CourtState, DelegationState
from token_setup import api_token

ID_NUMBER = "11010519491231002X"
CREDIT_CODE = "91110000100012345L"


@pytest.fixture
def register(staff):
    def make(applicant="张三", respondent="某某药业股份有限公司", stage=CaseStage.PRE_FILING, number="", **kw):
        return cases.register_case(
            staff,
            stage=stage,
            dispute_type=kw.get("dispute_type", DisputeType.MISREPRESENTATION),
            amount=Decimal("1000.00"),
            litigation_number=number,
            parties=[
                cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, applicant, kw.get("id_number", "")),
                cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, respondent, kw.get("uscc", "")),
            ],
            claims=[cases.ClaimInput("赔偿投资差额损失", Decimal("1000.00"))],
        )

    return make


def _found(staff, **filters):
    return {c.pk for c in selectors.filter_cases(selectors.cases_for(staff), **filters)}


def test_search_finds_cases_by_any_part_of_a_party_name_or_case_number(staff, register, other_staff):
    zhang = register("张三", id_number=ID_NUMBER)
    ouyang = register("欧阳明月", respondent="甲乙丙科技有限公司", uscc=CREDIT_CODE)
    in_litigation = register("李四", stage=CaseStage.IN_LITIGATION, number="（2026）京0105民初67890号")
    # Another court's case with the same names is never found.
    cases.register_case(
        other_staff,
        stage=CaseStage.PRE_FILING,
        dispute_type=DisputeType.MISREPRESENTATION,
        amount=Decimal("1"),
        parties=[
            cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "张三"),
            cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某某药业股份有限公司"),
        ],
        claims=[cases.ClaimInput("赔偿", None)],
    )
    assert _found(staff, q="张三") == {zhang.pk}  # two Chinese characters: served by the bigram index
    assert _found(staff, q="阳明") == {ouyang.pk}  # the middle of a name
    assert _found(staff, q="欧阳明月") == {ouyang.pk}
    assert _found(staff, q="丙科技") == {ouyang.pk}
    assert _found(staff, q="药业") == {zhang.pk, in_litigation.pk}
    assert _found(staff, q="张三 药业") == {zhang.pk}  # every word must match
    assert _found(staff, q="张明") == set()  # characters of two names are not a name
    assert _found(staff, q="67890") == {in_litigation.pk}  # part of the litigation number
    assert _found(staff, q="(2026)京0105民初67890号") == {in_litigation.pk}  # half-width brackets find full-width
    assert _found(staff, q=zhang.number) == {zhang.pk}
    assert _found(staff, q=CREDIT_CODE.lower()) == {ouyang.pk}  # a credit code whole…
    assert _found(staff, q="100012345") == {ouyang.pk}  # …or in part: it is public
    assert _found(staff, q=ID_NUMBER) == {zhang.pk}  # an identity number only whole, by its keyed digest
    assert _found(staff, q=ID_NUMBER[:12]) == set()
    stored = Case.objects.get(pk=zhang.pk)
    assert ID_NUMBER.lower() not in stored.search_text and ID_NUMBER[6:14] not in stored.search_grams
    with pytest.raises(DomainError):
        _found(staff, q="张")


def test_search_follows_delegation_to_organisation_and_mediator(staff, appointable_case, organisation, own_key):
    from sutiao.court.actions import delegation as delegation_actions
    from sutiao.court.search import index_cases

    assert _found(staff, q="法律服务") == set()
    delegation_actions.delegate_case(staff, appointable_case, organisation)
    assert _found(staff, q="法律服务") == {appointable_case.pk}
    # The bulk delegation computes the columns from the cases in hand: the same as reading the case again.
    columns = Case.objects.filter(pk=appointable_case.pk).values("search_text", "search_grams")
    in_hand = columns.get()
    index_cases([appointable_case.pk])
    assert columns.get() == in_hand
    # As court.inbound.on_mediator_assigned stores the mediator the organisation assigned.
    Delegation.objects.filter(case=appointable_case).update(mediator_name="周调解")
    index_cases([appointable_case.pk])
    assert _found(staff, q="调解") == {appointable_case.pk} and _found(staff, q="周调") == {appointable_case.pk}
    assert _found(staff, organisation=organisation.pk) == {appointable_case.pk}


def test_filters_by_state_stage_type_dates_and_deadline(staff, register, appointable_case, organisation, own_key):
    from sutiao.court.actions import delegation as delegation_actions

    applied = register("王五", dispute_type=DisputeType.BROKERAGE_CONTRACT)
    litigation = register("赵六", stage=CaseStage.IN_LITIGATION, number="（2026）京0105民初1号")
    assert _found(staff, state=CourtState.APPLIED) == {applied.pk, litigation.pk}
    assert _found(staff, queue="staff") == {applied.pk, litigation.pk, appointable_case.pk}
    assert _found(staff, stage=CaseStage.IN_LITIGATION) == {litigation.pk}
    assert _found(staff, dispute_type=DisputeType.BROKERAGE_CONTRACT) == {applied.pk}
    Case.objects.filter(pk=applied.pk).update(registered_at=timezone.now() - dt.timedelta(days=40))
    today = timezone.localdate()
    assert applied.pk not in _found(staff, registered_from=today - dt.timedelta(days=30))
    assert _found(staff, registered_to=today - dt.timedelta(days=30)) == {applied.pk}
    delegation = delegation_actions.delegate_case(staff, appointable_case, organisation)
    Delegation.objects.filter(pk=delegation.pk).update(state=DelegationState.RECEIVED, answer_due=today)
    assert _found(staff, due_within=3) == {appointable_case.pk}
    assert _found(staff, overdue=True) == set()
    Delegation.objects.filter(pk=delegation.pk).update(answer_due=today - dt.timedelta(days=1))
    assert _found(staff, overdue=True) == {appointable_case.pk} and _found(staff, due_within=3) == set()


def _walk(fetch):
    """Every page's rows until the last, with a hook run between fetches."""
    seen, cursor = [], None
    while True:
        items, cursor = fetch(cursor)
        seen.extend(items)
        if cursor is None:
            return seen


def test_cursor_paging_is_stable_under_concurrent_inserts(staff, register):
    existing = [register(f"投资者{i:02d}号") for i in range(7)]
    now = timezone.now()
    # Spread them an hour apart, newest first in the list.
    for i, case in enumerate(existing):
        Case.objects.filter(pk=case.pk).update(registered_at=now - dt.timedelta(hours=i))
    inserted = []

    def fetch(cursor):
        result = selectors.case_list(staff, {"q": "投资"}, cursor, size=3)
        # Between fetches other clerks register: one newer than all, one between rows not yet read.
        for when in (now + dt.timedelta(minutes=1), now - dt.timedelta(hours=5, minutes=30)):
            case = register(f"投资者新{len(inserted):02d}")
            Case.objects.filter(pk=case.pk).update(registered_at=when)
            inserted.append(case.pk)
        return [c.pk for c in result.items], result.next

    seen = _walk(fetch)
    assert len(seen) == len(set(seen)), "no row repeated"
    assert {c.pk for c in existing} <= set(seen), "no row skipped"
    # What was inserted behind the reader's position is not shown; ahead of it, it is.
    assert set(seen) - {c.pk for c in existing} <= set(inserted)


def test_work_queue_pages_each_section_and_counts_cheaply(client, staff, register, monkeypatch):
    registered = [register(f"申请人{i:02d}") for i in range(5)]
    pages = selectors.work_queue(staff, size=2)
    first = pages["staff"]
    assert [c.pk for c in first.items] == [c.pk for c in registered[:2]]  # oldest first
    second = selectors.work_queue(staff, {"staff": first.next}, size=2)["staff"]
    assert [c.pk for c in second.items] == [c.pk for c in registered[2:4]]
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    assert str(selectors.queue_counts(staff)["staff"]) == "3+"
    client.force_login(staff)
    home = client.get("/")
    assert home.status_code == 200 and registered[0].number in home.content.decode()


def test_case_list_page_searches_filters_and_pages(client, staff, register):
    for i in range(30):
        register(f"韩梅梅{i:02d}")
    client.force_login(staff)
    first = client.get("/cases/", {"q": "梅梅", "state": CourtState.APPLIED})
    assert first.status_code == 200
    assert first.content.decode().count('href="/cases/') >= 25 and first.context["next_url"]
    assert "q=%E6%A2%85%E6%A2%85" in first.context["next_url"]  # the filters stay on the next page
    rest = client.get(first.context["next_url"])
    assert len(rest.context["page"].items) == 5 and rest.context["next_url"] is None
    refused = client.get("/cases/", {"q": "梅"})
    assert "请至少输入两个字或两位数字" in refused.content.decode()
    forged = client.get("/cases/", {"cursor": "not-a-cursor"})
    assert "翻页标记无效" in forged.content.decode()


def test_api_pages_with_a_cursor_and_filters(client, staff, register):
    numbers = {register(f"李雷{i:02d}").number for i in range(7)}
    register("路人甲")
    token = api_token(staff, name="办案系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    seen, cursor = [], ""
    while True:
        body = client.get("/api/v1/cases", {"q": "李雷", "limit": 3, "cursor": cursor}, **auth).json()
        seen += [c["number"] for c in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(numbers)
    bad = client.get("/api/v1/cases", {"cursor": "forged"}, **auth)
    assert bad.status_code == 400 and "翻页标记无效" in bad.json()["message"]
    schema = client.get("/api/v1/openapi.json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert {"q", "cursor", "limit", "state", "organisation", "due_within", "overdue"} <= names


def test_registration_checks_identity_numbers_and_credit_codes_and_shows_every_fault(client, staff):
    """Issue 15 item 3: the court checks numbers with the kernel's validators (GB 11643, GB 32100), in the
    action (so the API too) and on the form, every party's fault at once."""
    with pytest.raises(DomainError, match="校验"):
        cases.register_case(
            staff,
            stage=CaseStage.PRE_FILING,
            dispute_type=DisputeType.MISREPRESENTATION,
            amount=Decimal("1"),
            parties=[
                cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "张三", "110105194912310021"),
                cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某公司"),
            ],
            claims=[cases.ClaimInput("赔偿", None)],
        )
    client.force_login(staff)
    form = {
        "stage": CaseStage.PRE_FILING, "dispute_type": DisputeType.MISREPRESENTATION, "amount": "1",
        "party-TOTAL_FORMS": "2", "party-INITIAL_FORMS": "0", "party-MIN_NUM_FORMS": "2", "party-MAX_NUM_FORMS": "50",
        "party-0-role": PartyRole.APPLICANT, "party-0-kind": PartyKind.NATURAL_PERSON, "party-0-name": "张三",
        "party-0-id_number": "110105194912310021",
        "party-1-role": PartyRole.RESPONDENT, "party-1-kind": PartyKind.LEGAL_PERSON, "party-1-name": "某公司",
        "party-1-id_number": "91110000100012345X",
        "claim-TOTAL_FORMS": "0", "claim-INITIAL_FORMS": "0", "claim-MIN_NUM_FORMS": "1", "claim-MAX_NUM_FORMS": "50",
    }  # fmt: skip
    page = client.post("/cases/new/", form).content.decode()
    assert "公民身份号码" in page and "统一社会信用代码校验位错误" in page  # both parties' faults, one pass
    assert "请至少填写一项请求事项" in page
    assert Case.objects.count() == 0


def test_error_pages_are_chinese_in_the_platforms_layout(client, staff, other_staff, register):
    """Issue 15 item 7: 403 and 404 in the platform's layout, in Chinese, not Django's bare English."""
    client.force_login(staff)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    page = missing.content.decode()
    assert "页面不存在" in page and 'data-testid="whoami"' in page and "Not Found" not in page
    elsewhere = register()
    client.force_login(other_staff)
    hidden = client.get(f"/cases/{elsewhere.pk}/")
    assert hidden.status_code == 404 and "没有这个案件" in hidden.content.decode()


def test_the_work_queue_reads_its_partial_indexes_on_sqlite(staff, delegated):
    """SQLite plans before binding parameters, so `state IN (?, ?)` never matches a partial index's condition and
    the work queue sorted every delegation in the state (2.5 s at 1,000,000 cases): its delegation sections name
    their states literally there (DelegationQuerySet._in_states). `INDEXED BY` fails the statement when the index
    cannot serve it. The worker keeps the planner's statistics (jobs.maintenance)."""
    from django.db import connection

    from sutiao.jobs.maintenance import analyse_database

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans with the values bound")
    for qs, index in (
        (Delegation.objects.answerable(), "court_delegation_answer"),
        (Delegation.objects.mediating(), "court_delegation_mediating"),
        (Delegation.objects.filter(state=DelegationState.ACCEPTED), None),  # the parameterised form: unusable
    ):
        query = qs.filter(case__court_id=staff.institution_id).order_by("sent_at", "id")[:21]
        sql, params = query.query.sql_with_params()
        forced = sql.replace(
            'FROM "court_delegation"', f'FROM "court_delegation" INDEXED BY {index or "court_delegation_mediating"}'
        )
        with connection.cursor() as cursor:
            if index is None:
                with pytest.raises(Exception, match="no query solution"):
                    cursor.execute(forced, params)
            else:
                cursor.execute(forced, params)
                assert len(cursor.fetchall()) == qs.filter(case__court_id=staff.institution_id).count()
    assert analyse_database()
