"""The registry through its pages and its REST API, as the Bureau, a supervising body and an organisation's
administrator use them (notice §4(3)(4))."""

import datetime as dt
import re

import pytest
from registry_fixtures import *  # noqa: F403
from registry_fixtures import decide, make_id_number, make_uscc, stored_id_number, wrong_check

from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.investor.actions import roster
from sutiao.investor.models import MediationOrg, Mediator, RegistryStatus, RosterProposal, UpdateCampaign
from sutiao.kernel.calendar import china_today
from sutiao.kernel.workflow import InvestorProposalState
from token_setup import api_token


def _form(supervisor, **overrides):
    values = {
        "name": "深圳证券期货纠纷调解中心",
        "uscc": make_uscc(),
        "kind": "industry",
        "supervisor": str(supervisor.pk),
        "scope": ["广东省", "全国"],
        "dispute_types": ["misrepresentation", "private_fund"],
        "capacity": "60",
        "address": "深圳市福田区",
        "contact_name": "林联系",
        "contact_phone": "0755-80000000",
        "contact_email": "",
    }
    values.update(overrides)
    return values


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- organisations ---


def test_the_bureau_registers_an_organisation_and_a_bad_code_is_shown_on_its_field(client, reg_bureau, shanghai_office):
    client.force_login(reg_bureau)
    assert client.get("/registry/organisations/new/").status_code == 200
    typed = wrong_check(make_uscc())
    page = _page(client.post("/registry/organisations/new/", _form(shanghai_office, uscc=typed)))
    assert "统一社会信用代码校验位错误" in page
    assert re.search(r'data-error-for="uscc"[^>]*>统一社会信用代码校验位错误', page)
    # What was typed is kept: text, choices and checkboxes.
    assert f'value="{typed}"' in page and 'value="深圳证券期货纠纷调解中心"' in page and 'value="60"' in page
    assert re.search(r'value="private_fund"[^>]*checked|checked[^>]*value="private_fund"', page)
    assert re.search(rf'value="{shanghai_office.pk}"[^>]*selected', page)
    assert "请检查填写的内容" in page
    assert not MediationOrg.objects.exists()

    response = client.post("/registry/organisations/new/", _form(shanghai_office))
    org = MediationOrg.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/organisations/{org.pk}/"
    assert org.scope == ["全国"] and org.institution.parent == shanghai_office
    page = _page(client.get(response.url))
    assert "深圳证券期货纠纷调解中心" in page and "已登记调解组织" in page and "第 1 版" in page


def test_a_missing_required_field_is_refused_in_chinese(client, reg_bureau, shanghai_office):
    client.force_login(reg_bureau)
    page = _page(client.post("/registry/organisations/new/", _form(shanghai_office, name="", scope=[])))
    assert page.count("这个字段是必填项") >= 2


def test_only_the_bureau_opens_the_registration_form(client, reg_supervisor, reg_admin):
    for user in (reg_supervisor, reg_admin):
        client.force_login(user)
        assert client.get("/registry/organisations/new/").status_code == 403
        assert client.post("/registry/organisations/new/", {}).status_code == 403


def test_a_supervisor_sees_only_the_organisations_it_supervises(client, reg_supervisor, reg_org, other_org):
    client.force_login(reg_supervisor)
    page = _page(client.get("/registry/organisations/"))
    assert reg_org.institution.name in page and other_org.institution.name not in page
    for url in (
        f"/registry/organisations/{other_org.pk}/",
        f"/registry/organisations/{other_org.pk}/edit/",
        f"/registry/organisations/{other_org.pk}/status/",
        f"/registry/organisations/{other_org.pk}/mediators/",
        f"/registry/organisations/{other_org.pk}/mediators/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/registry/organisations/{reg_org.pk}/").status_code == 200


def test_a_mediator_and_another_organisation_see_nothing(client, reg_mediator_user, other_admin, reg_org):
    for user in (reg_mediator_user, other_admin):
        client.force_login(user)
        assert client.get(f"/registry/organisations/{reg_org.pk}/").status_code == 404
    client.force_login(reg_mediator_user)
    assert str(reg_org.pk) not in _page(client.get("/registry/organisations/"))


def test_the_history_shows_each_change_with_old_and_new_value(client, reg_admin, reg_org, shanghai_office):
    client.force_login(reg_admin)
    form = _page(client.get(f"/registry/organisations/{reg_org.pk}/edit/"))
    assert f'value="{reg_org.uscc}"' in form and "仅投资者保护局可变更指导单位" in form
    values = _form(shanghai_office, name=reg_org.institution.name, uscc=reg_org.uscc, capacity="150")
    values["scope"], values["dispute_types"] = ["上海市", "江苏省"], ["misrepresentation", "brokerage_contract"]
    values.update(address="上海市浦东新区", contact_name="钱联系", contact_phone="021-50000000")
    response = client.post(f"/registry/organisations/{reg_org.pk}/edit/", values)
    assert response.status_code == 302
    page = _page(client.get(f"/registry/organisations/{reg_org.pk}/"))
    version = page[page.index('data-version="2"') :]
    assert "更新信息" in version and "钱管理员" in version
    assert re.search(r"可同时办理案件数</th><td[^>]*>80</td><td[^>]*>→</td><td>150</td>", version)
    assert "上海证券期货纠纷调解中心" in page and 'data-version="1"' in page


def test_status_change_needs_a_reason_on_the_page(client, reg_supervisor, reg_org):
    client.force_login(reg_supervisor)
    url = f"/registry/organisations/{reg_org.pk}/status/"
    page = _page(client.post(url, {"status": "suspended", "reason": ""}))
    assert re.search(r'data-error-for="reason"[^>]*>暂停或退出须写明原因', page)
    assert client.post(url, {"status": "suspended", "reason": "整改期间"}).status_code == 302
    reg_org.refresh_from_db()
    assert reg_org.status == RegistryStatus.SUSPENDED and reg_org.status_reason == "整改期间"
    assert "整改期间" in _page(client.get(f"/registry/organisations/{reg_org.pk}/"))


def test_an_organisation_administrator_edits_but_does_not_suspend(client, reg_admin, reg_org):
    client.force_login(reg_admin)
    page = _page(client.get(f"/registry/organisations/{reg_org.pk}/"))
    assert 'data-testid="edit"' in page and 'data-testid="change-status"' not in page
    assert client.get(f"/registry/organisations/{reg_org.pk}/status/").status_code == 403
    assert client.get(f"/registry/organisations/{reg_org.pk}/push/").status_code == 403


# --- mediators ---


def test_identity_numbers_are_shown_masked_only(client, reg_admin, reg_org, reg_supervisor, reg_bureau):
    number = make_id_number()
    client.force_login(reg_admin)
    response = client.post(
        f"/registry/organisations/{reg_org.pk}/mediators/new/",
        {"name": "郑调解", "id_number": number, "qualifications": ["lawyer"], "training_hours": "12.5"},
    )
    assert response.status_code == 302
    mediator = Mediator.objects.get()
    masked = number[:3] + "*" * 11 + number[-4:]
    for user in (reg_admin, reg_supervisor, reg_bureau):
        client.force_login(user)
        for url in (
            f"/registry/mediators/{mediator.pk}/",
            f"/registry/mediators/{mediator.pk}/edit/",
            f"/registry/organisations/{reg_org.pk}/mediators/",
            f"/registry/organisations/{reg_org.pk}/",
        ):
            page = _page(client.get(url))
            assert number not in page and number[6:14] not in page, url
            assert masked in page, url
    assert "律师" in _page(client.get(f"/registry/mediators/{mediator.pk}/"))


def test_a_bad_identity_number_keeps_what_was_typed(client, reg_admin, reg_org):
    client.force_login(reg_admin)
    typed = wrong_check(make_id_number())
    page = _page(
        client.post(
            f"/registry/organisations/{reg_org.pk}/mediators/new/",
            {"name": "郑调解", "id_number": typed, "training_hours": "8", "specialties": ["private_fund"]},
        )
    )
    assert re.search(r'data-error-for="id_number"[^>]*>公民身份号码校验位错误', page)
    assert f'value="{typed}"' in page and 'value="郑调解"' in page
    assert not Mediator.objects.exists()


def test_editing_a_mediator_keeps_the_number_unless_a_new_one_is_typed(client, reg_admin, reg_mediator):
    number = stored_id_number(reg_mediator)
    client.force_login(reg_admin)
    url = f"/registry/mediators/{reg_mediator.pk}/edit/"
    values = {"name": "郑调解", "id_number": "", "phone": "13911111111", "training_hours": "30"}
    assert client.post(url, values).status_code == 302
    reg_mediator.refresh_from_db()
    assert stored_id_number(reg_mediator) == number and reg_mediator.phone == "13911111111"
    page = _page(client.get(f"/registry/mediators/{reg_mediator.pk}/"))
    assert "138****0000" in page and "139****1111" in page  # old → new in the history, masked (issue 14 §9)
    assert "13800000000" not in page
    assert number not in page


def test_mediator_status_on_the_page(client, reg_admin, reg_mediator):
    client.force_login(reg_admin)
    url = f"/registry/mediators/{reg_mediator.pk}/status/"
    page = _page(client.post(url, {"status": "withdrawn", "reason": ""}))
    assert re.search(r'data-error-for="reason"[^>]*>暂停或离任须写明原因', page)
    assert client.post(url, {"status": "withdrawn", "reason": "已离任"}).status_code == 302
    reg_mediator.refresh_from_db()
    assert reg_mediator.status == RegistryStatus.WITHDRAWN


# --- landing pages, oversight, the information update ---


def test_the_bureau_and_supervisors_land_on_their_overviews(client, reg_bureau, reg_supervisor, reg_admin):
    client.force_login(reg_bureau)
    assert client.get("/").url == "/registry/overview/"
    client.force_login(reg_supervisor)
    assert client.get("/").url == "/registry/supervision/"
    assert client.get("/registry/overview/").status_code == 403
    client.force_login(reg_admin)
    home = _page(client.get("/"))
    assert 'href="/registry/organisations/"' in home and 'href="/registry/overview/"' not in home


def test_the_navigation_follows_the_role(client, reg_bureau, reg_supervisor):
    client.force_login(reg_bureau)
    page = _page(client.get("/registry/overview/"))
    assert 'data-nav="registry-overview"' in page and 'data-nav="registry-supervision"' not in page
    client.force_login(reg_supervisor)
    page = _page(client.get("/registry/supervision/"))
    assert 'data-nav="registry-supervision"' in page and 'data-nav="registry-overview"' not in page


def test_campaign_from_start_to_overdue(client, reg_bureau, reg_admin, reg_supervisor, reg_org, other_org):
    client.force_login(reg_bureau)
    page = _page(client.post("/registry/campaigns/new/", {"title": "", "due": "2020-01-01"}))
    assert "这个字段是必填项" in page
    page = _page(client.post("/registry/campaigns/new/", {"title": "2026年度更新", "due": "2020-01-01"}))
    assert re.search(r'data-error-for="due"[^>]*>截止日期不能早于今天', page) and 'value="2026年度更新"' in page
    today = china_today().isoformat()
    assert client.post("/registry/campaigns/new/", {"title": "2026年度更新", "due": today}).status_code == 302
    campaign = UpdateCampaign.objects.get()

    client.force_login(reg_admin)
    page = _page(client.get(f"/registry/organisations/{reg_org.pk}/"))
    assert 'data-testid="confirm-information"' in page
    assert client.post(f"/registry/organisations/{reg_org.pk}/confirm/").status_code == 302
    page = _page(client.get(f"/registry/organisations/{reg_org.pk}/"))
    assert 'data-testid="confirm-information"' not in page and "已确认本组织信息为最新" in page

    UpdateCampaign.objects.filter(pk=campaign.pk).update(due=china_today() - dt.timedelta(days=3))
    client.force_login(reg_bureau)
    overview = _page(client.get("/registry/overview/"))
    assert re.search(r'data-testid="overdue-count">1<', overview) and "大连期货纠纷调解室" in overview
    listing = _page(client.get("/registry/organisations/"))
    row = re.search(rf'<tr data-testid="organisation" data-organisation="{other_org.pk}"[^>]*>', listing).group(0)
    assert 'data-overdue="1"' in row and "table-danger" in row
    row = re.search(rf'<tr data-testid="organisation" data-organisation="{reg_org.pk}"[^>]*>', listing).group(0)
    assert "data-overdue" not in row
    client.force_login(reg_supervisor)
    assert 'data-testid="flagged"' not in _page(client.get("/registry/supervision/"))  # its one org confirmed


def test_the_overview_counts(client, reg_bureau, reg_org, other_org, reg_mediator):
    client.force_login(reg_bureau)
    page = _page(client.get("/registry/overview/"))
    assert re.search(r'data-testid="organisations-total">2<', page)
    assert re.search(r'data-testid="mediators-total">1<', page)
    assert re.search(r'data-testid="capacity">160<', page)
    assert "中国证监会上海监管局" in page and "中国期货业协会" in page


def test_the_list_filters(client, reg_bureau, reg_org, other_org, futures_association):
    client.force_login(reg_bureau)
    page = _page(client.get("/registry/organisations/", {"supervisor": futures_association.pk}))
    assert "大连期货纠纷调解室" in page and "上海证券期货纠纷调解中心" not in page
    page = _page(client.get("/registry/organisations/", {"q": "上海证券"}))
    assert "上海证券期货纠纷调解中心" in page and "大连期货纠纷调解室" not in page
    page = _page(client.get("/registry/organisations/", {"status": "suspended"}))
    assert "没有符合条件的调解组织" in page


# --- pushes ---


def test_the_bureau_pushes_and_the_rejection_reason_shows(client, reg_bureau, reg_org, chaoyang):
    client.force_login(reg_bureau)
    page = _page(client.get(f"/registry/organisations/{reg_org.pk}/push/"))
    assert "北京市朝阳区人民法院" in page and "全国各级人民法院（共同认定名册）" in page
    response = client.post(f"/registry/organisations/{reg_org.pk}/push/", {"court": str(chaoyang.pk), "note": "申请"})
    assert response.status_code == 302
    proposal = RosterProposal.objects.get()
    assert OutboxMessage.objects.filter(type=MessageType.ROSTER_PROPOSED).count() == 1
    page = _page(client.post(f"/registry/organisations/{reg_org.pk}/push/", {"court": str(chaoyang.pk)}))
    assert "无需重复推送" in page
    decide(proposal, confirmed=False, reason="调解员人数不足，暂不纳入", decided_by="北京市朝阳区人民法院 赵管理")
    page = _page(client.get(f"/registry/organisations/{reg_org.pk}/"))
    assert "调解员人数不足，暂不纳入" in page and "北京市朝阳区人民法院 赵管理" in page
    assert 'data-state="rejected"' in page
    assert client.post(f"/registry/organisations/{reg_org.pk}/push/", {"court": "all"}).status_code == 302
    assert RosterProposal.objects.filter(court_id__isnull=True).exists()


def test_the_supervisor_pushes_a_mediator_once_the_organisation_is_confirmed(
    client, reg_supervisor, reg_bureau, reg_org, reg_mediator, chaoyang, confirmed_on
):
    client.force_login(reg_supervisor)
    url = f"/registry/mediators/{reg_mediator.pk}/push/"
    page = _page(client.post(url, {"court": str(chaoyang.pk)}))
    assert "所属调解组织尚未纳入该法院特邀调解名册" in page
    confirmed_on(reg_org, chaoyang)
    assert "北京市朝阳区人民法院" in _page(client.get(url))  # the roster it is on
    assert client.post(url, {"court": str(chaoyang.pk), "note": "资深律师"}).status_code == 302
    assert RosterProposal.objects.filter(mediator=reg_mediator).exists()
    client.force_login(reg_bureau)
    assert client.get(url).status_code == 403


def test_the_push_list_filters_by_state(client, reg_bureau, reg_admin, reg_org, other_org, chaoyang, xicheng):
    decide(roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk))
    roster.propose_organisation(reg_bureau, other_org, xicheng.pk)
    client.force_login(reg_bureau)
    page = _page(client.get("/registry/proposals/"))
    assert page.count('data-testid="proposal" ') == 2
    page = _page(client.get("/registry/proposals/", {"state": "pending"}))
    assert page.count('data-testid="proposal" ') == 1 and "大连期货纠纷调解室" in page
    client.force_login(reg_admin)  # its own organisation's pushes only
    page = _page(client.get("/registry/proposals/"))
    assert page.count('data-testid="proposal" ') == 1 and 'data-state="confirmed"' in page


# --- the REST API ---


@pytest.fixture
def api(client):
    def call(user, method, path, body=None, **params):
        token = api_token(user, name="test")
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        url = f"/api/v1/registry{path}"
        if method == "get":
            return client.get(url, params, **kwargs)
        return getattr(client, method)(url, body or {}, content_type="application/json", **kwargs)

    return call


def _api_org(supervisor, **overrides):
    values = {
        "name": "广州证券期货纠纷调解中心",
        "uscc": make_uscc(),
        "kind": "industry",
        "supervisor_id": str(supervisor.pk),
        "scope": ["广东省"],
        "dispute_types": ["misrepresentation"],
        "capacity": 40,
    }
    values.update(overrides)
    return values


def test_api_organisations(api, reg_bureau, reg_supervisor, reg_admin, reg_org, other_org, shanghai_office):
    listed = api(reg_bureau, "get", "/organisations").json()["items"]
    assert {o["name"] for o in listed} == {"上海证券期货纠纷调解中心", "大连期货纠纷调解室"}
    assert [o["id"] for o in api(reg_supervisor, "get", "/organisations").json()["items"]] == [str(reg_org.pk)]
    assert [o["id"] for o in api(reg_admin, "get", "/organisations", q="上海").json()["items"]] == [str(reg_org.pk)]
    assert api(reg_supervisor, "get", f"/organisations/{other_org.pk}").status_code == 404

    created = api(reg_bureau, "post", "/organisations", _api_org(shanghai_office))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["supervisor_name"] == "中国证监会上海监管局" and body["version"] == 1 and body["status"] == "active"

    refused = api(reg_bureau, "post", "/organisations", _api_org(shanghai_office, uscc=wrong_check(make_uscc())))
    assert refused.status_code == 400 and refused.json()["field"] == "uscc"
    assert "校验位错误" in refused.json()["message"]
    assert api(reg_admin, "post", "/organisations", _api_org(shanghai_office)).status_code == 403

    changed = api(reg_admin, "put", f"/organisations/{reg_org.pk}", _api_org(shanghai_office, uscc=reg_org.uscc))
    assert changed.status_code == 200 and changed.json()["name"] == "广州证券期货纠纷调解中心"
    assert changed.json()["version"] == 2
    assert api(reg_admin, "put", f"/organisations/{other_org.pk}", _api_org(shanghai_office)).status_code == 404

    no_reason = api(reg_supervisor, "post", f"/organisations/{reg_org.pk}/status", {"status": "suspended"})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    assert (
        api(
            reg_admin, "post", f"/organisations/{reg_org.pk}/status", {"status": "suspended", "reason": "x"}
        ).status_code
        == 403
    )
    suspended = api(
        reg_supervisor, "post", f"/organisations/{reg_org.pk}/status", {"status": "suspended", "reason": "整改"}
    )
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"


def test_api_organisation_detail_carries_its_pushes(api, reg_bureau, reg_org, chaoyang, xicheng):
    decide(roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk))
    decide(roster.propose_organisation(reg_bureau, reg_org, xicheng.pk), confirmed=False, reason="不符合条件")
    body = api(reg_bureau, "get", f"/organisations/{reg_org.pk}").json()
    by_court = {p["court_name"]: p for p in body["proposals"]}
    assert by_court["北京市西城区人民法院"]["state"] == "rejected"
    assert by_court["北京市西城区人民法院"]["reason"] == "不符合条件"
    confirmed = by_court["北京市朝阳区人民法院"]
    assert confirmed["state"] == "confirmed" and confirmed["court_id"] == str(chaoyang.pk)
    assert confirmed["decided_by"] == "北京市朝阳区人民法院 李法官"
    assert confirmed["valid_from"] == china_today().isoformat() and confirmed["valid_until"]


def test_api_mediators(api, reg_admin, reg_supervisor, other_admin, reg_org, reg_mediator):
    number = make_id_number()
    created = api(
        reg_admin,
        "post",
        f"/organisations/{reg_org.pk}/mediators",
        {"name": "王调解", "id_number": number, "qualifications": ["arbitrator"], "training_hours": "16.0"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["id_number_masked"] == number[:3] + "*" * 11 + number[-4:]
    duplicate = api(reg_admin, "post", f"/organisations/{reg_org.pk}/mediators", {"name": "王", "id_number": number})
    assert duplicate.status_code == 400 and duplicate.json()["field"] == "id_number"
    listed = api(reg_supervisor, "get", f"/organisations/{reg_org.pk}/mediators")
    assert {m["name"] for m in listed.json()} == {"郑调解", "王调解"}
    assert number not in listed.content.decode()
    assert api(other_admin, "get", f"/organisations/{reg_org.pk}/mediators").status_code == 404

    url = f"/mediators/{reg_mediator.pk}/status"
    assert api(other_admin, "post", url, {"status": "withdrawn", "reason": "离任"}).status_code == 404
    left = api(reg_admin, "post", url, {"status": "withdrawn", "reason": "离任"})
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"


def test_api_pushes(api, reg_bureau, reg_supervisor, reg_admin, reg_org, reg_mediator, chaoyang, xicheng):
    courts = api(reg_bureau, "get", "/courts").json()
    assert {c["name"] for c in courts} == {"北京市朝阳区人民法院", "北京市西城区人民法院"}

    pushed = api(reg_bureau, "post", "/proposals", {"organisation_id": str(reg_org.pk), "court_id": str(chaoyang.pk)})
    assert pushed.status_code == 201, pushed.content
    assert pushed.json()["state"] == "pending" and pushed.json()["court_name"] == "北京市朝阳区人民法院"
    every = api(
        reg_bureau, "post", "/proposals", {"organisation_id": str(reg_org.pk), "court_id": None, "note": "共同认定"}
    )
    assert every.status_code == 201 and every.json()["court_id"] is None

    assert api(reg_admin, "post", "/proposals", {"organisation_id": str(reg_org.pk)}).status_code == 403
    both = api(
        reg_bureau, "post", "/proposals", {"organisation_id": str(reg_org.pk), "mediator_id": str(reg_mediator.pk)}
    )
    assert both.status_code == 400
    assert api(reg_bureau, "post", "/proposals", {}).status_code == 400

    body = {"mediator_id": str(reg_mediator.pk), "court_id": str(chaoyang.pk)}
    early = api(reg_supervisor, "post", "/proposals", body)
    assert early.status_code == 400 and "尚未纳入" in early.json()["message"]
    decide(RosterProposal.objects.get(pk=pushed.json()["id"]))
    mediator_push = api(reg_supervisor, "post", "/proposals", body)
    assert mediator_push.status_code == 201 and mediator_push.json()["mediator_id"] == str(reg_mediator.pk)
    assert api(reg_bureau, "post", "/proposals", {**body, "court_id": str(xicheng.pk)}).status_code == 403

    pending = api(reg_bureau, "get", "/proposals", state="pending").json()["items"]
    assert {p["id"] for p in pending} == {every.json()["id"], mediator_push.json()["id"]}
    confirmed = api(reg_admin, "get", "/proposals", state="confirmed").json()["items"]
    assert [p["id"] for p in confirmed] == [pushed.json()["id"]]
    assert api(reg_bureau, "get", "/proposals", state="nonsense").status_code == 422
    assert RosterProposal.objects.filter(state=InvestorProposalState.PENDING).count() == 2


def test_api_needs_a_token(client, reg_org):
    assert client.get("/api/v1/registry/organisations").status_code == 401
    assert client.get(f"/api/v1/registry/organisations/{reg_org.pk}").status_code == 401
