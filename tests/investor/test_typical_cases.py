"""Typical cases (issue 13 §7): an organisation proposes a closed case, the platform replaces its personal data,
a reviewer compares the two texts side by side and publishes — refused while anything personal remains — and the
public page shows it, searchable by dispute type and words, without any name, number or address of the case."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import typical_cases as actions
from sutiao.investor.mediation.models import Mediation
from sutiao.investor.typical.models import TypicalCase
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import TransitionNotAllowed, TypicalCaseState

APPLICANT_ID, RESPONDENT_CODE = "110105198001010016", "91110000MA01ABCD1M"
PHONE, ADDRESS, ACCOUNT = "13912345678", "北京市朝阳区建国路88号3号楼501室", "6222021234567890"

TEXT = (
    f"申请人李四（身份证号{APPLICANT_ID}，电话{PHONE}，住{ADDRESS}）在某某证券股份有限公司开立资金账户{ACCOUNT}。"
    "李四称，某某证券股份有限公司营业部员工未经授权代其买卖股票，造成损失十二万五千元。调解员张调解组织双方"
    "背对背调解三次，释明举证责任与法律风险，双方于调解期限内达成协议，某某证券股份有限公司赔偿李四六万元。"
)
SIGNIFICANCE = "本案体现了调解在化解证券经纪合同纠纷中的作用，张调解耐心释法，李四的损失得到及时赔偿。"


def _parties():
    return [
        {
            "role": "applicant",
            "kind": "natural_person",
            "name": "李四",
            "id_number": APPLICANT_ID,
            "phone": PHONE,
            "address": ADDRESS,
        },
        {"role": "respondent", "kind": "legal_person", "name": "某某证券股份有限公司", "id_number": RESPONDENT_CODE},
    ]


def _receive(receive, org_a):
    now = timezone.now().isoformat()
    consent = [
        {"party": p["name"], "consented": True, "method": "written", "recorded_at": now, "recorded_by": "王立案"}
        for p in _parties()
    ]
    return receive(org_a, parties=_parties(), consent=consent, dispute_type="brokerage_contract")


@pytest.fixture
def closed(receive, org_a, admin_a, mediator_a):
    """A delegated case mediated to an agreement: closed, so its organisation may propose it."""
    delegation = _receive(receive, org_a)
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    delegation_actions.record_result(mediator_a, delegation, MediationOutcome.SUCCEEDED, terms="被申请人赔偿六万元。")
    return Mediation.objects.get(pk=delegation.pk)


@pytest.fixture
def other_office_user(db):
    office = Institution.objects.create(kind=InstitutionKind.REGIONAL_OFFICE, name="中国证监会上海监管局")
    return User.objects.create_user("sh_office", password="x-long-password", role=Role.SUPERVISOR, institution=office)


@pytest.fixture
def office_user(regional_office):
    return User.objects.create_user(
        "bj_office", password="x-long-password", role=Role.SUPERVISOR, institution=regional_office
    )


def _draft(text=TEXT):
    return actions.Draft("李四诉某某证券股份有限公司证券经纪合同纠纷调解案", text, SIGNIFICANCE)


def _propose(admin_a, closed):
    return actions.propose_typical_case(admin_a, closed, _draft())


SECRETS = ("李四", "某某证券股份有限公司", APPLICANT_ID, PHONE, "建国路", ACCOUNT, "张调解")


def test_the_proposal_is_de_identified_and_its_original_kept_encrypted(admin_a, closed):
    case = _propose(admin_a, closed)
    published_words = f"{case.title}{case.text}{case.significance}"
    for secret in SECRETS:
        assert secret not in published_words
    assert case.title == "投资者甲诉某证券公司证券经纪合同纠纷调解案"
    assert "调解员组织双方背对背调解" in case.text and "[证件号码]" in case.text and "[住址]" in case.text
    assert {r["as"] for r in case.replaced} >= {"投资者甲", "某证券公司", "调解员", "[电话号码]", "[账号]"}
    # At rest the original is ciphertext: its words are not in the table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT original, original_significance FROM investor_typicalcase")
        stored = " ".join(cursor.fetchone())
    assert "李四" not in stored and APPLICANT_ID not in stored
    assert TypicalCase.objects.get(pk=case.pk).original.startswith("李四诉某某证券")
    trail = AuditRecord.objects.filter(action="typical_case.proposed").get()
    assert "李四" not in str(trail.after) and trail.actor == str(admin_a)


def test_only_the_organisations_administrator_proposes_only_a_closed_case(
    receive, org_a, admin_a, admin_b, mediator_a, closed
):
    with pytest.raises(PermissionDenied):
        actions.propose_typical_case(admin_b, closed, _draft())
    with pytest.raises(PermissionDenied):
        actions.propose_typical_case(mediator_a, closed, _draft())
    open_one = _receive(receive, org_a)
    delegation_actions.accept_delegation(admin_a, open_one)
    with pytest.raises(DomainError, match="调解尚未结束"):
        actions.propose_typical_case(admin_a, Mediation.objects.get(pk=open_one.pk), _draft())
    with pytest.raises(DomainError, match="至少 50 字"):
        actions.propose_typical_case(admin_a, closed, _draft(text="太短"))
    _propose(admin_a, closed)
    with pytest.raises(DomainError, match="已推荐"):
        _propose(admin_a, closed)


def test_publication_is_refused_while_personal_data_remains(admin_a, bureau_user, closed):
    case = _propose(admin_a, closed)
    with pytest.raises(DomainError, match="电话号码") as refused:
        actions.approve_typical_case(bureau_user, case, case.title, case.text + "联系电话 139 1234 5678。", "意义")
    assert PHONE not in refused.value.message
    with pytest.raises(DomainError, match="姓名"):
        actions.approve_typical_case(bureau_user, case, case.title, case.text + "李四表示满意。", "意义")
    case.refresh_from_db()
    assert case.state == TypicalCaseState.PROPOSED
    actions.approve_typical_case(bureau_user, case, case.title, case.text, case.significance)
    case.refresh_from_db()
    assert case.state == TypicalCaseState.PUBLISHED and case.reviewed_by == bureau_user and case.published_at


def test_reviewers_are_the_bureau_and_the_organisations_own_supervisor(
    admin_a, admin_b, office_user, other_office_user, closed
):
    case = _propose(admin_a, closed)
    for outsider in (admin_a, admin_b, other_office_user):
        with pytest.raises(PermissionDenied):
            actions.approve_typical_case(outsider, case, case.title, case.text, case.significance)
    actions.return_typical_case(office_user, case, "请补充调解过程")
    case.refresh_from_db()
    assert case.state == TypicalCaseState.RETURNED and case.review_note == "请补充调解过程"
    with pytest.raises(TransitionNotAllowed):
        actions.approve_typical_case(office_user, case, case.title, case.text, case.significance)
    actions.revise_typical_case(admin_a, case, _draft(TEXT + "调解员三次组织双方当面沟通。"))
    case.refresh_from_db()
    assert case.state == TypicalCaseState.PROPOSED and "三次组织双方当面沟通" in case.text
    actions.approve_typical_case(office_user, case, case.title, case.text, case.significance)


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_reviewer_compares_side_by_side_and_others_see_nothing(
    admin_a, admin_b, bureau_user, other_office_user, closed
):
    case = _propose(admin_a, closed)
    page = _signed_in(bureau_user).get(f"/typical-cases/{case.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="typical-original"' in html and "李四" in html  # the original, for the reviewer
    assert 'data-testid="typical-deidentified"' in html and 'data-testid="typical-approve"' in html
    for outsider in (admin_b, other_office_user):
        assert _signed_in(outsider).get(f"/typical-cases/{case.pk}/").status_code == 404
    listing = _signed_in(admin_b).get("/typical-cases/").content.decode()
    assert case.title not in listing
    assert case.title in _signed_in(admin_a).get("/typical-cases/").content.decode()


def test_the_public_page_shows_published_cases_only_without_personal_data(admin_a, bureau_user, closed, client):
    case = _propose(admin_a, closed)
    assert client.get(f"/public/typical-cases/{case.pk}/").status_code == 404  # not yet published
    assert case.title not in client.get("/public/typical-cases/").content.decode()
    response = _signed_in(bureau_user).post(
        f"/typical-cases/{case.pk}/approve/",
        {"title": case.title, "text": case.text, "significance": case.significance},
    )
    assert response.status_code == 302
    listing = client.get("/public/typical-cases/").content.decode()
    assert case.title in listing
    detail = client.get(f"/public/typical-cases/{case.pk}/").content.decode()
    assert "背对背调解三次" in detail
    for secret in SECRETS:
        assert secret not in listing and secret not in detail
    # Searched by dispute type and by words of the text.
    assert (
        case.title
        in client.get("/public/typical-cases/", {"dispute_type": closed.delegation.dispute_type}).content.decode()
    )
    other_type = next(t for t in ("futures_brokerage", "misrepresentation") if t != closed.delegation.dispute_type)
    assert case.title not in client.get("/public/typical-cases/", {"dispute_type": other_type}).content.decode()
    assert case.title in client.get("/public/typical-cases/", {"q": "举证责任"}).content.decode()
    assert case.title not in client.get("/public/typical-cases/", {"q": "内幕交易"}).content.decode()
    assert "请至少输入两个字" in client.get("/public/typical-cases/", {"q": "调"}).content.decode()


def test_a_published_case_is_taken_off_the_page_with_a_reason(admin_a, bureau_user, closed, client):
    case = _propose(admin_a, closed)
    actions.approve_typical_case(bureau_user, case, case.title, case.text, case.significance)
    with pytest.raises(DomainError, match="撤回理由"):
        actions.withdraw_typical_case(bureau_user, case, " ")
    actions.withdraw_typical_case(bureau_user, case, "当事人提出异议")
    assert client.get(f"/public/typical-cases/{case.pk}/").status_code == 404
    assert AuditRecord.objects.filter(action="typical_case.withdrawn").count() == 1
    # Withdrawn, the case may be proposed again.
    assert _propose(admin_a, closed).state == TypicalCaseState.PROPOSED


def test_the_proposal_form_starts_from_the_case_and_shows_errors_in_chinese(admin_a, closed):
    client = _signed_in(admin_a)
    form = client.get(f"/typical-cases/propose/{closed.pk}/").content.decode()
    assert "基本案情" in form and "调解结果" in form
    refused = client.post(f"/typical-cases/propose/{closed.pk}/", {"title": "x", "text": "短", "significance": "y"})
    assert refused.status_code == 200 and "至少 50 字" in refused.content.decode()
    done = client.post(
        f"/typical-cases/propose/{closed.pk}/", {"title": "经纪合同纠纷", "text": TEXT, "significance": SIGNIFICANCE}
    )
    assert done.status_code == 302 and TypicalCase.objects.get().state == TypicalCaseState.PROPOSED


def test_retention_erases_the_original_and_keeps_what_was_published(admin_a, bureau_user, closed, settings):
    from sutiao.investor.actions.personal_data import purge_personal_data

    case = _propose(admin_a, closed)
    actions.approve_typical_case(bureau_user, case, case.title, case.text, case.significance)
    days = settings.SUTIAO_RETENTION_DAYS["case_parties"]
    assert purge_personal_data(now=timezone.now() + dt.timedelta(days=days + 1)) == 1
    case.refresh_from_db()
    assert (case.original, case.original_significance) == ("", "")
    assert case.state == TypicalCaseState.PUBLISHED and "背对背调解三次" in case.text
