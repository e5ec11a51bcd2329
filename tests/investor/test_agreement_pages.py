"""The agreement pages (issue 11 §1, §3): the mediator's editor shows every problem at once in Chinese and keeps
what was typed, versions are listed with their PDFs, a PDF goes only to the case's mediator, the organisation's
administrator, its parties and their agents, nothing is edited once submitted for signing, and a party confirms
performance from the page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from documents_checks import sandbox  # noqa: F401 (the fixture)
from sutiao.accounts import parties
from sutiao.accounts.models import AgentScope, Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.investor.actions import agreements as actions
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.agreements.models import Agreement
from sutiao.investor.mediation.models import Mediation
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.workflow import AgreementState

APPLICANT_ID, RESPONDENT_ID = "110105198001010016", "91110000100000000R"


@pytest.fixture
def case(sandbox, receive, org_a, admin_a, mediator_a):  # noqa: F811
    delegation = receive(
        org_a,
        parties=[
            {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
        ],
    )
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    party_a = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=APPLICANT_ID,
        mobile="13800000001",
        username="li_si",
        password="x-long-password",
    ).user
    party_b = User.objects.create_user("drug_co", password="x-long-password", role=Role.PARTY, full_name="某某药业")
    assert mediation_actions.link_party_account(party_a, id_number_digest(APPLICANT_ID)) == 1
    assert mediation_actions.link_party_account(party_b, id_number_digest(RESPONDENT_ID)) == 1
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    return mediation, party_a, party_b, row_a, row_b


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(mediation, tail=""):
    return f"/mediations/{mediation.pk}/agreement/{tail}"


def _revision(row_a, row_b, **rows):
    """The editor's POST: the clauses and the term rows given as dicts."""
    data = {"agreement-clauses": "各方同意如下。", "agreement-note": "协商后修改"}
    terms = rows.get("terms", [])
    data |= {
        "terms-TOTAL_FORMS": str(len(terms)),
        "terms-INITIAL_FORMS": "0",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "50",
    }
    for i, t in enumerate(terms):
        data |= {f"terms-{i}-{k}": v for k, v in t.items()}
    return data | rows.get("extra", {})


def test_the_mediator_drafts_from_the_template_and_the_parties_read_the_draft(case, mediator_a, admin_a):
    mediation, party_a, party_b, *_ = case
    mediator = _as(mediator_a)
    workspace = mediator.get(f"/delegations/{mediation.pk}/mediation/").content.decode()
    assert 'data-testid="open-agreement"' in workspace and "起草调解协议" in workspace
    page = mediator.get(_url(mediation)).content.decode()
    assert 'data-testid="draft-agreement"' in page
    response = mediator.post(_url(mediation, "draft/"))
    assert response.status_code == 302
    page = mediator.get(_url(mediation)).content.decode()
    assert 'data-state="draft"' in page and "证券虚假陈述责任纠纷" in page and "125,000.00" in page
    assert 'data-testid="editor-form"' in page and 'data-testid="submit-for-signing"' in page
    for reader in (party_a, party_b, admin_a):
        page = _as(reader).get(_url(mediation)).content.decode()
        assert "证券虚假陈述责任纠纷" in page and 'data-testid="editor-form"' not in page
        assert 'data-testid="draft-agreement"' not in page and 'data-testid="submit-for-signing"' not in page
    # A party cannot draft or revise.
    assert _as(party_a).post(_url(mediation, "draft/")).status_code == 403


def test_the_editor_shows_every_problem_at_once_and_keeps_what_was_typed(case, mediator_a):
    mediation, *_, row_a, row_b = case
    actions.draft_agreement(mediator_a, mediation)
    yesterday = (china_today() - dt.timedelta(days=1)).isoformat()
    data = _revision(
        row_a,
        row_b,
        terms=[
            {"obligor": row_b.pk, "obligee": row_b.pk, "kind": "payment", "amount": "-5", "due": yesterday},
            {"obligor": row_b.pk, "obligee": row_a.pk, "kind": "payment", "amount": "一万", "due": "明天"},
            {"obligor": row_b.pk, "obligee": row_a.pk, "kind": "performance", "description": "", "due": ""},
        ],
        extra={"agreement-clauses": "  "},
    )
    response = _as(mediator_a).post(_url(mediation, "revise/"), data)
    assert response.status_code == 200
    page = response.content.decode()
    for message in (
        "请填写协议条款",
        "义务人与权利人不能是同一当事人",
        "金额须大于零",
        "履行期限不能早于今天",
        "金额请填写数字",
        "请按“年-月-日”填写日期",
        "请写明应履行的行为",
        "请填写履行期限",
    ):
        assert message in page, message
    assert 'value="一万"' in page  # what was typed is kept
    assert Agreement.objects.get(mediation=mediation).versions.count() == 1


def test_a_good_revision_is_a_new_version_listed_with_its_pdf(case, mediator_a):
    mediation, *_, row_a, row_b = case
    actions.draft_agreement(mediator_a, mediation)
    due = (china_today() + dt.timedelta(days=20)).isoformat()
    data = _revision(
        row_a,
        row_b,
        terms=[
            {
                "obligor": row_b.pk,
                "obligee": row_a.pk,
                "kind": "payment",
                "description": "赔偿",
                "amount": "80000",
                "due": due,
            },
            {"obligor": "", "obligee": "", "kind": "", "description": "", "amount": "", "due": ""},  # a blank row
        ],
    )
    mediator = _as(mediator_a)
    assert mediator.post(_url(mediation, "revise/"), data).status_code == 302
    agreement = Agreement.objects.get(mediation=mediation)
    assert agreement.current.number == 2 and agreement.current.terms.count() == 1
    page = mediator.get(_url(mediation)).content.decode()
    assert page.count('data-testid="version"') == 2 and "80,000.00" in page
    assert page.count('data-testid="version-pdf"') == 2


def test_a_pdf_goes_only_to_the_case_and_its_agents(case, mediator_a, mediator_a2, mediator_b, admin_a, admin_b):
    mediation, party_a, party_b, *_ = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    url = _url(mediation, f"versions/{agreement.current_id}/pdf/")
    agent = User.objects.create_user("lawyer", password="x" * 12, role=Role.AGENT, full_name="赵律师")
    until = timezone.localdate() + dt.timedelta(days=30)
    power = parties.grant_power(party_a, agent=agent, scopes=[AgentScope.MESSAGES], valid_until=until)
    assert _as(agent).get(url).status_code == 404  # a power without documents or signing
    parties.revoke_power(party_a, power)
    parties.grant_power(party_a, agent=agent, scopes=[AgentScope.DOCUMENTS], valid_until=until)
    for user in (mediator_a, admin_a, party_a, party_b, agent):
        response = _as(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    stranger = User.objects.create_user("wang", password="x" * 12, role=Role.PARTY, full_name="王五")
    for user in (mediator_a2, mediator_b, admin_b, stranger):
        assert _as(user).get(url).status_code == 404, user
        assert _as(user).get(_url(mediation)).status_code == 404, user
    # A version of another case's agreement is not found through this case.
    assert _as(mediator_a).get(_url(mediation, f"versions/{mediation.pk}/pdf/")).status_code == 404


def test_submitted_for_signing_nothing_can_be_edited(case, mediator_a):
    mediation, *_, row_a, row_b = case
    actions.draft_agreement(mediator_a, mediation)
    mediator = _as(mediator_a)
    asked = mediator.post(_url(mediation, "submit/"))
    assert asked.status_code == 200 and "定稿后本版本不能再修改" in asked.content.decode()
    assert mediator.post(_url(mediation, "submit/"), {"confirmed": "1"}).status_code == 302
    agreement = Agreement.objects.get(mediation=mediation)
    assert agreement.state == AgreementState.SIGNING
    page = mediator.get(_url(mediation)).content.decode()
    assert 'data-testid="editor-form"' not in page and 'data-testid="signing-note"' in page
    assert 'data-testid="withdraw"' in page
    due = (china_today() + dt.timedelta(days=20)).isoformat()
    data = _revision(
        row_a, row_b, terms=[{"obligor": row_b.pk, "obligee": row_a.pk, "kind": "payment", "amount": "1", "due": due}]
    )
    response = mediator.post(_url(mediation, "revise/"), data, follow=True)
    assert "不能再修改" in response.content.decode()
    assert agreement.versions.count() == 1


def test_a_party_confirms_performance_from_the_page(case, mediator_a):
    mediation, party_a, party_b, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    actions.submit_for_signing(mediator_a, agreement)
    for row in (row_a, row_b):
        actions.signature_recorded(agreement, row, timezone.now())
    term = agreement.current.terms.get()
    obligor, obligee = _as(party_b), _as(party_a)
    page = obligor.get(_url(mediation)).content.decode()
    assert 'data-testid="report-performed"' in page and 'data-testid="confirm-performed"' not in page
    page = obligee.get(_url(mediation)).content.decode()
    assert 'data-testid="confirm-performed"' in page and 'data-testid="report-performed"' not in page
    # Not for the other party's row.
    forged = {"term": term.pk, "party": row_b.pk, "step": "reported"}
    assert obligee.post(_url(mediation, "perform/"), forged).status_code == 403
    obligor.post(
        _url(mediation, "perform/"), {"term": term.pk, "party": row_b.pk, "step": "reported", "note": "已转账"}
    )
    page = obligee.get(_url(mediation)).content.decode()
    assert 'data-status="reported"' in page and 'data-testid="dispute-performed"' in page
    obligee.post(_url(mediation, "perform/"), {"term": term.pk, "party": row_a.pk, "step": "confirmed"})
    page = obligee.get(_url(mediation)).content.decode()
    assert 'data-status="performed"' in page and "已转账" in page


def test_the_success_form_offers_the_agreements_terms(case, mediator_a):
    """The free-text success path stays; its terms are offered from the agreement, named by version and hash."""
    mediation, *_ = case
    empty = _as(mediator_a).get(f"/delegations/{mediation.pk}/mediation/").content.decode()
    assert "调解协议第1版" not in empty
    agreement = actions.draft_agreement(mediator_a, mediation)
    page = _as(mediator_a).get(f"/delegations/{mediation.pk}/mediation/").content.decode()
    assert f"调解协议第1版（SHA-256：{agreement.current.sha256}）" in page
    assert "某某药业股份有限公司 → 李四" in page and "125,000.00元" in page
