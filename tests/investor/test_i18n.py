"""English as the second locale of the investor platform: Chinese by default, English by Accept-Language or
by the language switcher (POST /i18n/setlang/)."""

from django.conf import settings

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_home_is_chinese_by_default_and_english_on_request(client, receive, org_a, admin_a):
    receive(org_a)
    client.force_login(admin_a)
    chinese = client.get("/").content.decode()
    assert 'lang="zh-hans"' in chinese
    assert "委派案件" in chinese and "待答复" in chinese and "剩" in chinese

    english = client.get("/", **EN).content.decode()
    assert 'lang="en"' in english
    assert "Delegated cases" in english and "Workbench" in english
    assert "China Investor Network Online Mediation Platform for Securities and Futures Disputes" in english
    assert "Awaiting answer" in english and "Answer deadline" in english
    assert "days left" in english or "day left" in english or "Due today" in english
    assert "Pre-filing delegated mediation" in english and "Misrepresentation" in english
    assert "Mediation organisation administrator" in english  # the role next to the user's name
    assert "(2026)京0105民诉前调12345号" in english  # case numbers are data
    assert "待答复" not in english and "委派案件" not in english


def test_a_delegation_page_in_english_after_the_language_switcher(client, receive, org_a, admin_a):
    delegation = receive(org_a)
    client.force_login(admin_a)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": f"/delegations/{delegation.pk}/"})
    assert switched.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(f"/delegations/{delegation.pk}/").content.decode()
    assert "Accept the pre-filing delegated mediation" in page
    assert "Reason for not accepting (required)" in page and "Do not accept" in page
    assert "Answer deadline" in page and "Awaiting answer" in page
    assert "Applicant" in page and "Respondent" in page and "recorded by 王立案" in page
    assert 'data-testid="delegation-state" data-state="received"' in page

    refused = client.post(f"/delegations/{delegation.pk}/decline/", {"reason": ""}).content.decode()
    assert "Please check what you entered" in refused and "This field is required" in refused


def test_refusals_from_services_follow_the_language(client, receive, org_a, admin_a, mediator_a):
    delegation = receive(org_a)
    client.force_login(admin_a)
    client.post(f"/delegations/{delegation.pk}/accept/")
    client.post(f"/delegations/{delegation.pk}/assign/", {"mediator": mediator_a.pk})
    client.force_login(mediator_a)
    workspace = f"/delegations/{delegation.pk}/mediation/end/"
    failed = {"end-outcome": "failed", "end-ground": "irreconcilable", "confirmed": "1"}
    english = client.post(workspace, failed, **EN)
    assert "A failed mediation must record the undisputed facts" in english.content.decode()
    chinese = client.post(workspace, failed)
    assert "调解不成须记录无争议事实、争议焦点和各方当事人的意见" in chinese.content.decode()
    delegation.refresh_from_db()
    assert delegation.events.last().text.startswith("指派调解员")  # the record stays Chinese
