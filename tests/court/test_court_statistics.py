"""Issue 13 §5, the court's half of the signed statistics message: its delegations to the investor platform's
organisations, made in the period, by court, organisation, kind and shared state — the court's own states named
as the investor platform names them — and how many have a message to the peer not yet confirmed."""

import datetime as dt

from django.utils import timezone

from sutiao.court.models import Delegation
from sutiao.court.selectors import delegation_statistics
from sutiao.docking.models import OutboxMessage, OutboxStatus
from sutiao.kernel.calendar import china_today


def _rows(investor, start=None, end=None):
    today = china_today()
    rows = delegation_statistics(investor.peer, start or today, end or today)
    return {(r["court"], r["organisation"], r["kind"], r["state"]): (r["count"], r["in_flight"]) for r in rows}


def test_a_delegation_counts_as_pending_on_its_way_then_accepted_once_delivered(
    delegated, court, organisation, investor, answer
):
    key = (str(court.pk), str(organisation.pk), delegated.kind, "pending")
    assert _rows(investor) == {key: (1, 1)}  # the DELEGATE waits in the outbox
    OutboxMessage.objects.filter(case=delegated.case_id).update(status=OutboxStatus.DELIVERED)
    assert _rows(investor) == {key: (1, 0)}
    answer(delegated)
    assert _rows(investor) == {key[:3] + ("accepted",): (1, 0)}


def test_overdue_is_named_withdrawn_as_the_investor_platform_names_it_and_other_days_do_not_count(
    delegated, investor, court
):
    Delegation.objects.filter(pk=delegated.pk).update(state="overdue")
    assert [v for k, v in _rows(investor).items() if k[3] == "withdrawn"] == [(1, 1)]
    yesterday = china_today() - dt.timedelta(days=1)
    assert _rows(investor, yesterday, yesterday) == {}
    Delegation.objects.filter(pk=delegated.pk).update(sent_at=timezone.now() + dt.timedelta(days=2))
    assert _rows(investor) == {}


def test_the_joint_page_looks_names_up_by_id_for_the_lines_it_shows(court, organisation):
    from sutiao.reports.facts import source

    assert source().names("court", [str(court.pk), "not-an-id"]) == {str(court.pk): court.name}
    assert source().names("organisation", {str(organisation.pk)}) == {str(organisation.pk): organisation.name}
    assert source().names("mediator", [str(organisation.pk)]) == {} and source().names("court", []) == {}


def test_adoption_counts_connected_courts_and_roster_subjects_by_the_courts_region(
    court, other_court, organisation, investor, staff
):
    from court_roster_setup import put_on_roster_bypassing_actions

    from sutiao.accounts.models import Institution, InstitutionKind
    from sutiao.court.models import Mediator, Organisation
    from sutiao.court.selectors import adoption_statistics
    from sutiao.kernel.ids import new_id

    Institution.objects.create(kind=InstitutionKind.SUPREME_COURT, name="最高人民法院", short_code="最高法")
    Institution.objects.create(kind=InstitutionKind.BASIC_COURT, name="上海市黄浦区人民法院", short_code="沪0101")
    Institution.objects.create(kind=InstitutionKind.BASIC_COURT, name="已撤销的法院", short_code="沪0199", active=False)
    mediator = Mediator.objects.create(id=new_id(), organisation=organisation, name="王调解")
    put_on_roster_bypassing_actions(other_court, organisation, staff)  # the same organisation: once in 北京市
    put_on_roster_bypassing_actions(other_court, organisation, staff, mediator=mediator)
    joint = Organisation.objects.create(id=new_id(), peer=investor.peer, name="全国性调解组织", registry_version=1)
    put_on_roster_bypassing_actions(None, joint, staff)  # the jointly recognised roster: national

    rows = {r["region"]: r for r in adoption_statistics(investor.peer, china_today())}
    assert rows["11"] == {"region": "11", "region_name": "北京市", "courts": 2, "organisations": 1, "mediators": 1}
    assert rows["31"] == {"region": "31", "region_name": "上海市", "courts": 1, "organisations": 0, "mediators": 0}
    assert rows["national"] == {
        "region": "national",
        "region_name": "全国",
        "courts": 1,
        "organisations": 1,
        "mediators": 0,
    }
    before = {r["region"]: r for r in adoption_statistics(investor.peer, china_today() - dt.timedelta(days=1))}
    assert before["11"]["organisations"] == 0 and before["11"]["courts"] == 2  # the rosters start today


def test_the_court_platform_answers_adoption_signed_when_asked(client, court, organisation, investor, own_key):
    import requests

    from sutiao.docking.schemas import Statistics
    from sutiao.docking.signing import FEED_COMPONENTS, sign

    path = f"/docking/v1/statistics?start={china_today()}&end={china_today()}&adoption=1"
    request = requests.Request("GET", "http://testserver" + path, headers={"Content-Type": "application/json"})
    prepared = request.prepare()
    sign(prepared, b"", components=FEED_COMPONENTS, key=investor.key)
    headers = {k: prepared.headers[k] for k in ("Content-Type", "Content-Digest", "Signature-Input", "Signature")}
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200 and answer.headers["Signature"], answer.content.decode()
    adoption = Statistics.model_validate(answer.json()).adoption
    assert [(r.region, r.courts, r.organisations, r.mediators) for r in adoption] == [("11", 1, 1, 0)]


def test_the_cases_by_region_are_the_same_delegations_by_the_cases_province(
    delegated, new_case, organisation, investor, staff, answer
):
    """The court's half of the cases by path and outcome, by region: the region is the case's (its number's court
    code), the path the delegation's kind, the state the shared one, with what is still on its way."""
    from sutiao.court.actions import cases
    from sutiao.court.actions.delegation import delegate_case
    from sutiao.court.selectors import cases_by_region_statistics
    from sutiao.kernel.enums import CaseStage, ConsentMethod

    def rows():
        today = china_today()
        found = cases_by_region_statistics(investor.peer, today, today)
        return {(r["region"], r["region_name"], r["kind"], r["state"]): (r["count"], r["in_flight"]) for r in found}

    assert rows() == {("11", "北京市", delegated.kind, "pending"): (1, 1)}
    OutboxMessage.objects.filter(case=delegated.case_id).update(status=OutboxStatus.DELIVERED)
    answer(delegated)
    assert rows() == {("11", "北京市", delegated.kind, "accepted"): (1, 0)}
    # An entrusted case carries the number staff typed when registering it: its court code decides the region (沪74:
    # Shanghai), as the investor platform reads it from the same number, whichever court registered it.
    shanghai = new_case(CaseStage.IN_LITIGATION, "（2026）沪74民初3号")
    cases.ask_consent(staff, shanghai)
    for party in shanghai.parties.all():
        cases.record_consent(
            staff, shanghai, party, consented=True, method=ConsentMethod.PHONE, answered_at=timezone.now(), note="录音"
        )
    delegate_case(staff, cases.record_appointment_request(staff, shanghai), organisation)
    assert rows()[("31", "上海市", "entrustment", "pending")] == (1, 1)
