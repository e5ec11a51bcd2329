"""Delegation done honestly (issue 15 §5): the court waits for the parties' joint-choice period unless they ask it
to appoint (L3), the roster is offered in the ranking's order with the first preselected and an organisation that
declined the case last and marked, and deadline badges count the rule's own unit, show its source in the page and
go once the step is done."""

import datetime as dt
import re

import pytest
from court_roster_setup import put_on_roster_bypassing_actions
from django.utils import timezone

from sutiao.court import selectors
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.models import Case, Delegation, Organisation
from sutiao.kernel.calendar import WorkdayCalendar
from sutiao.kernel.enums import ConsentMethod
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import validate_phone
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import CourtState, DelegationState


def _consented(staff, case, answered_at):
    cases.ask_consent(staff, case)
    for party in case.parties.all():
        cases.record_consent(staff, case, party, consented=True, method=ConsentMethod.PHONE, answered_at=answered_at)
    return Case.objects.get(pk=case.pk)


def test_L3_the_court_may_not_appoint_while_the_parties_may_still_choose(staff, consented_case, organisation, client):
    with pytest.raises(DomainError) as refused:
        delegation_actions.delegate_case(staff, consented_case, organisation)
    assert "除各方当事人同意由人民法院指定外，本院不能指定调解组织" in refused.value.message
    assert Case.objects.get(pk=consented_case.pk).state == CourtState.CONSENTED
    assert not Delegation.objects.exists()
    # The page says why and offers no delegation form, only the parties' two ways forward.
    client.force_login(staff)
    page = client.get(f"/cases/{consented_case.pk}/").content.decode()
    assert 'data-testid="joint-choice-running"' in page and 'data-testid="delegate-form"' not in page
    assert 'data-testid="joint-choice-form"' in page and "当事人同意由人民法院指定" in page
    # Every party asks the court to appoint (同意由人民法院指定): it may at once.
    cases.record_appointment_request(staff, consented_case)
    delegation = delegation_actions.delegate_case(staff, Case.objects.get(pk=consented_case.pk), organisation)
    assert delegation.organisation_id == organisation.pk


def test_L3_once_the_two_working_days_have_passed_the_court_appoints(staff, new_case, organisation):
    # Consented on Monday 2026-11-23: the parties could choose until Wednesday 2026-11-25 (2 working days).
    case = _consented(staff, new_case(), dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC))
    assert selectors.joint_choice_running(case, dt.datetime(2026, 11, 25, 15, 59, tzinfo=dt.UTC)) is not None
    assert selectors.joint_choice_running(case, dt.datetime(2026, 11, 25, 16, 0, tzinfo=dt.UTC)) is None
    delegation = delegation_actions.delegate_case(staff, case, organisation)
    assert delegation.state == DelegationState.SENT


def test_L3_the_parties_choice_may_be_delegated_at_once(staff, consented_case, organisation):
    cases.record_joint_choice(staff, consented_case, organisation)
    case = Case.objects.get(pk=consented_case.pk)
    assert selectors.joint_choice_running(case) is None
    assert delegation_actions.delegate_case(staff, case, organisation).organisation_id == organisation.pk


@pytest.fixture
def second_organisation(investor, court, staff):
    org = Organisation.objects.create(
        id=new_id(),
        peer=investor.peer,
        name="深圳证券期货业纠纷调解中心",
        uscc="52440300MJL000012X",
        kind="证券期货行业调解组织",
        scope=["广东"],
        dispute_types=["brokerage_contract"],
        capacity=10,
        registry_version=1,
    )
    put_on_roster_bypassing_actions(court, org, staff)
    return org


def _options(page: str) -> list[tuple[str, str, bool]]:
    form = page[page.index('data-testid="delegate-form"') :]
    select = form[: form.index("</select>")]
    return [
        (value, label, "selected" in attrs)
        for value, attrs, label in re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    ]


def test_the_roster_is_offered_in_ranking_order_the_first_preselected_and_a_decliner_last_and_marked(
    client, staff, appointable_case, organisation, second_organisation
):
    client.force_login(staff)
    ranked = selectors.recommendations(Case.objects.select_related("court").get(pk=appointable_case.pk))
    first, second = ranked[0], ranked[1]
    options = _options(client.get(f"/cases/{appointable_case.pk}/").content.decode())
    assert [(v, selected) for v, _, selected in options[1:]] == [(first.org_id, True), (second.org_id, False)]
    assert options[1][1] == f"1. {first.name}" and options[2][1] == f"2. {second.name}"

    # The first-ranked organisation declined this case: it goes last, marked, and the other is preselected.
    Delegation.objects.create(
        case=appointable_case,
        organisation_id=first.org_id,
        kind=appointable_case.delegation_kind,
        sent_by=staff,
        sent_at=timezone.now(),
        state=DelegationState.DECLINED,
        decline_reason="本组织暂无期货纠纷调解员",
    )
    page = client.get(f"/cases/{appointable_case.pk}/").content.decode()
    options = _options(page)
    assert [(v, selected) for v, _, selected in options[1:]] == [(second.org_id, True), (first.org_id, False)]
    assert options[2][1] == f"{first.name}（已对本案不予接受）"
    reranked = selectors.recommendations(Case.objects.select_related("court").get(pk=appointable_case.pk))
    assert [(r.org_id, r.rank) for r in reranked] == [(second.org_id, 1), (first.org_id, 2)]
    assert page.count('data-testid="declined-this-case"') == 1


def test_working_days_left_counts_only_working_days():
    calendar = WorkdayCalendar()
    friday, tuesday = dt.date(2026, 12, 4), dt.date(2026, 12, 8)
    assert calendar.working_days_left(friday, tuesday) == 2  # Monday and Tuesday; the weekend does not count
    assert calendar.working_days_left(tuesday, tuesday) == 0
    assert calendar.working_days_left(dt.date(2026, 12, 7), friday) == -1  # missed by Monday only
    # 2027's arrangement is not published: New Year's Day rests by law (L21), so one working day is left.
    assert calendar.working_days_left(dt.date(2026, 12, 31), dt.date(2027, 1, 4)) == 1


def test_a_deadline_shows_its_source_in_the_page_and_loses_its_badge_once_done(client, staff, delegated):
    received = timezone.now()
    Delegation.objects.filter(pk=delegated.pk).update(
        state=DelegationState.RECEIVED, received_at=received, answer_due=received.date() + dt.timedelta(days=7)
    )
    client.force_login(staff)
    page = client.get(f"/cases/{delegated.case_id}/").content.decode()
    answer = page[page.index('data-testid="answer-due"') :]
    answer = answer[: answer.index("</dd>")]
    # Phones have no hover: the period and its citation are text in the page, not a title attribute.
    assert 'class="d-block small text-muted deadline-source"' in answer and "个工作日" in answer
    assert "法办〔2021〕313号" in answer.split("deadline-source")[1]
    assert re.search(r"剩 \d+ 个工作日|今日到期", answer)
    Delegation.objects.filter(pk=delegated.pk).update(answered_at=timezone.now(), state=DelegationState.ACCEPTED)
    done = client.get(f"/cases/{delegated.case_id}/").content.decode()
    answer = done[done.index('data-testid="answer-due"') :]
    answer = answer[: answer.index("</dd>")]
    assert 'data-done="1"' in answer and "badge" not in answer


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("138 0013 8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits from a Chinese input method
        ("010-66668888", "010-66668888"),
        ("(0755)83669999-102", "075583669999-102"),
    ],
)
def test_a_phone_is_a_mobile_or_a_landline_with_its_area_code(typed, kept):
    assert validate_phone(typed) == kept


@pytest.mark.parametrize("typed", ["12345", "1380013800", "23800138000", "66668888", "010-123"])
def test_a_wrong_phone_is_refused_in_plain_chinese(typed):
    with pytest.raises(DomainError, match="联系电话格式不正确"):
        validate_phone(typed)


def test_registration_shows_every_fault_in_one_pass(client, staff):
    """Issue 15 §3: the case's own fields, each party's number and phone, and the claims are all checked and
    shown together (before, a fault in the case's fields hid the parties' and claims' faults)."""
    client.force_login(staff)
    page = client.post(
        "/cases/new/",
        {
            "stage": "pre_filing",
            "dispute_type": "misrepresentation",
            "amount": "-5",
            "party-TOTAL_FORMS": "2",
            "party-INITIAL_FORMS": "0",
            "party-MIN_NUM_FORMS": "2",
            "party-MAX_NUM_FORMS": "50",
            "party-0-role": "applicant",
            "party-0-kind": "natural_person",
            "party-0-name": "李四",
            "party-0-id_number": "110105194912310029",
            "party-0-phone": "12345",
            "party-1-role": "respondent",
            "party-1-kind": "legal_person",
            "party-1-name": "某某药业股份有限公司",
            "party-1-phone": "010-66668888",
            "claim-TOTAL_FORMS": "0",
            "claim-INITIAL_FORMS": "0",
            "claim-MIN_NUM_FORMS": "1",
            "claim-MAX_NUM_FORMS": "50",
        },
    ).content.decode()
    assert "联系电话格式不正确" in page  # the applicant's phone
    assert "校验位" in page  # the applicant's identity number
    assert "请至少填写一项请求事项" in page  # the claims
    assert not Case.objects.exists()


def test_the_work_queue_costs_the_same_queries_for_more_rows(client, staff, new_case):
    """No query per row (one calendar for every deadline shown): the work queue with six cases waiting for an
    organisation asks the database as often as with two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)

    def queries_for_the_queue() -> int:
        client.get("/")  # sessions and the calendar warmed once
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    for _ in range(2):
        _consented(staff, new_case(), timezone.now())
    two = queries_for_the_queue()
    for _ in range(4):
        _consented(staff, new_case(), timezone.now())
    assert queries_for_the_queue() == two
