"""A direct application from submission to success on the live investor platform (issue 10 acceptance (b)):
the demo investor applies with an evidence file, the organisation takes it on and names the mediator, the
securities firm tries to refuse and cannot (L19), the mediation runs in the workspace to success — and nothing
of it reaches the court."""

import re

from live import wait_for
from test_mediation_flow import PASSWORD, Web, _errors

from sutiao import demo

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _state(html: str) -> str:
    return re.search(r'data-testid="application-state" data-state="([a-z_]+)"', html).group(1)


def test_a_direct_application_from_submission_to_success(live):
    investor = Web(live.investor.url, demo.INVESTOR_PARTY[0], PASSWORD)
    form = investor.get("/applications/new/")
    org1 = re.search(r'<option value="([0-9a-f-]+)"[^>]*>中证资本市场法律服务中心', form).group(1)
    response = investor.session.post(
        live.investor.url + "/applications/new/",
        data={
            "csrfmiddlewaretoken": investor.session.cookies["sutiao_investor_csrf"],
            "organisation": org1,
            "dispute_type": "brokerage_contract",
            "respondent_name": demo.FIRM_PARTY[1],
            "respondent_code": demo.party_id_number(demo.FIRM_PARTY[2]),
            "respondent_sector": "securities_firm",
            "claims": "赔偿损失一万元",
            "amount": "10000",
            "facts": "客户经理未经授权买入基金。",
            "ordinary_investor": "on",
        },
        files={"files": ("申购记录.pdf", PDF, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, _errors(response.text)
    path = response.headers["Location"]
    page = investor.get(path)
    assert _state(page) == "submitted" and "申购记录.pdf" in page
    application_id = path.strip("/").split("/")[-1]

    admin = Web(live.investor.url, "org1_admin", PASSWORD)
    page = admin.get(path)
    assert "本平台设置" in page  # the review period says where it comes from
    mediator_id = re.search(r'<option value="(\d+)"[^>]*>张调解1', page).group(1)
    admin.act(path + "accept/", {"mediator": mediator_id})

    firm = Web(live.investor.url, demo.FIRM_PARTY[0], PASSWORD)
    page = firm.get(path)
    assert 'data-testid="l19-notice"' in page and "第九十四条" in page
    firm.act(path + "respond/", {"agreed": "0", "reason": "我司认为不存在违规"})
    page = investor.get(path)
    assert _state(page) == "mediating" and 'data-testid="refusal-attempted"' in page

    ws = f"/applications/{application_id}/mediation/"
    mediator = Web(live.investor.url, "org1_mediator1", PASSWORD)
    assert "当事人直接申请调解" in mediator.get(ws)
    mediator.act(ws + "message/", {"message-text": "请双方说明交易经过"})
    firm.act(ws + "party_message/", {"party_message-text": "可补偿五千元", "party_message-private": "on"})
    mediator.act(ws + "record/", {"record-text": "双方同意被申请人补偿申请人八千元。"})
    for party in (investor, firm):
        page = party.get(ws)
        record = re.search(r'name="record" value="(\d+)"', page).group(1)
        own = re.search(r'name="party" value="(\d+)"', page).group(1)
        party.act(ws + "confirm/", {"record": record, "party": own})
    assert "可补偿五千元" not in investor.get(ws)  # the firm's caucus with the mediator
    mediator.act(ws + "end/", {"end-outcome": "succeeded", "end-terms": "被申请人补偿申请人八千元", "confirmed": "1"})
    page = investor.get(path)
    assert _state(page) == "succeeded" and "被申请人补偿申请人八千元" in page

    # Nothing of a direct application travels to the court.
    code = (
        "from sutiao.docking.models import OutboxMessage\n"
        f"print(OutboxMessage.objects.filter(case={application_id!r}).count())\n"
    )
    assert wait_for(lambda: live.investor.manage("shell", "-c", code).stdout.strip().splitlines()[-1] == "0")
