"""Judicial confirmation at the court (issue 11 §4): filing staff register an application brought to the court,
accept it within 3 days naming the judge, the judge reviews and rules; periods, competence and rulings as the
kernel decides them (LEGAL-RULES L11–L14, L18), on the platform's pages and actions, audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents_checks import PDF_BYTES, sandbox  # noqa: F401 (a fixture)
from signing_checks import ca_files, platform_ca  # noqa: F401 (fixtures)
from sutiao.accounts.models import Role, User
from sutiao.audit.models import AuditRecord
from sutiao.court.actions import confirmation as actions
from sutiao.court.confirmation.models import ConfirmationApplication, CourtArea
from sutiao.documents.models import StoredFile
from sutiao.kernel.calendar import china_today
from sutiao.kernel.confirmation import NonAcceptanceGround, RejectionGround, RulingOutcome, VenueGround
from sutiao.kernel.enums import DisputeType, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import ConfirmationState

INVESTOR_ID = "11010519491231002X"
FIRM_CODE = "91110000100000000M"  # the check character is what GB 32100 computes for these 17


def _applicants(domicile="110105"):
    return [
        actions.ApplicantInput(
            PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "张三", INVESTOR_ID, domicile, "13800138000"
        ),
        actions.ApplicantInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某某证券股份有限公司", _uscc(), domicile),
    ]


def _uscc():
    from sutiao.kernel.identifiers import uscc_check_character

    return "91110000MA0000000" + uscc_check_character("91110000MA0000000")


def _resident_id(first17: str) -> str:
    from sutiao.kernel.identifiers import resident_id_check_digit

    return first17 + resident_id_check_digit(first17)


def _pdf():
    return SimpleUploadedFile("调解协议.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def area(court):
    return CourtArea.objects.create(court=court, prefix="110105", note="朝阳区")


@pytest.fixture
def received(staff, area, sandbox):  # noqa: F811
    return actions.receive_application(
        staff,
        agreement=_pdf(),
        agreement_effective_on=china_today() - dt.timedelta(days=5),
        dispute_type=DisputeType.BROKERAGE_CONTRACT,
        organisation_name="中证资本市场法律服务中心",
        organisation_seat="110102",
        applicants=_applicants(),
        amount=Decimal("12000"),
    )


@pytest.fixture
def accepted(staff, judge, received):
    return actions.accept(staff, received, judge)


def test_l11_filing_staff_register_an_application_brought_to_the_court(staff, received):
    assert received.state == ConfirmationState.RECEIVED
    assert received.venue_ground == VenueGround.PARTY_DOMICILE
    assert "第二百零五条" in received.venue_citation
    assert received.agreement.sha256 and received.parties.count() == 2
    assert AuditRecord.objects.filter(action="confirmation.receive").count() == 1
    # Found by a part of a party's name, as every list is (sutiao.listing).
    page = actions_list(staff, q="某某证券")
    assert [a.pk for a in page.items] == [received.pk]


def actions_list(user, **filters):
    from sutiao.court.confirmation.selectors import application_list

    return application_list(user, **filters)


def test_l11_an_application_after_the_30_days_is_refused_with_its_citation_and_nothing_is_stored(
    staff,
    area,
    sandbox,  # noqa: F811
):
    with pytest.raises(DomainError, match="第二百零五条") as refused:
        actions.receive_application(
            staff,
            agreement=_pdf(),
            agreement_effective_on=china_today() - dt.timedelta(days=45),
            dispute_type=DisputeType.BROKERAGE_CONTRACT,
            organisation_name="某调解中心",
            applicants=_applicants(),
        )
    assert refused.value.field == "agreement_effective_on"
    assert not ConfirmationApplication.objects.exists() and not StoredFile.objects.exists()


def test_l11_a_court_not_competent_names_where_to_apply(staff, area, sandbox):  # noqa: F811
    with pytest.raises(DomainError, match=r"本院对该司法确认申请没有管辖权.*当事人住所地（310115）的基层人民法院"):
        actions.receive_application(
            staff,
            agreement=_pdf(),
            agreement_effective_on=china_today() - dt.timedelta(days=1),
            dispute_type=DisputeType.BROKERAGE_CONTRACT,
            organisation_name="某调解中心",
            applicants=_applicants("310115"),
        )
    # Misrepresentation belongs to the intermediate court of the issuer's seat, never a basic court.
    with pytest.raises(DomainError, match="发行人住所地（110105）的中级人民法院"):
        actions.receive_application(
            staff,
            agreement=_pdf(),
            agreement_effective_on=china_today() - dt.timedelta(days=1),
            dispute_type=DisputeType.MISREPRESENTATION,
            organisation_name="某调解中心",
            issuer_seat="110105",
            applicants=_applicants(),
        )
    assert not ConfirmationApplication.objects.exists()


def test_l11_the_delegating_court_hears_its_own_delegated_case_wherever_the_parties_live(
    staff,
    consented_case,
    sandbox,  # noqa: F811
):
    application = actions.receive_application(
        staff,
        agreement=_pdf(),
        agreement_effective_on=china_today(),
        dispute_type=DisputeType.MISREPRESENTATION,
        organisation_name="某调解中心",
        case=consented_case,
        applicants=_applicants("440304"),
    )
    assert application.venue_ground == VenueGround.INVITING_COURT
    assert application.case == consented_case


def test_l11_both_sides_apply_together(staff, area, sandbox):  # noqa: F811
    with pytest.raises(DomainError, match="共同申请"):
        actions.receive_application(
            staff,
            agreement=_pdf(),
            agreement_effective_on=china_today(),
            dispute_type=DisputeType.BROKERAGE_CONTRACT,
            organisation_name="某调解中心",
            applicants=_applicants()[:1],
        )


def test_l12_accepting_numbers_the_case_and_names_the_judge(accepted, judge):
    assert accepted.state == ConfirmationState.ACCEPTED
    assert accepted.number == f"({china_today().year})京0105民特1号"
    assert accepted.judge == judge and accepted.accepted_on == china_today()


def test_l12_only_the_named_judge_reviews(accepted, court, staff):
    colleague = User.objects.create_user("judge2", password="x-long-password", role=Role.JUDGE, institution=court)
    for someone in (colleague, staff):
        with pytest.raises(PermissionDenied):
            actions.rule(someone, accepted, RulingOutcome.VALID, "符合法律规定")
    with pytest.raises(DomainError, match="本院的一名法官"):
        actions.accept(staff, actions_fresh(accepted), staff)


def actions_fresh(application):
    application.refresh_from_db()
    return application


def test_l12_ten_more_days_once_with_the_presidents_approval(accepted, judge):
    extended = actions.approve_extension(judge, accepted, "院长甲", china_today(), "需要询问双方当事人")
    assert extended.extended
    with pytest.raises(DomainError, match="延长过一次"):
        actions.approve_extension(judge, extended, "院长甲", china_today(), "再延长")
    assert AuditRecord.objects.filter(action="confirmation.extend").count() == 1


def test_l12_an_approval_dated_before_acceptance_is_refused(accepted, judge):
    with pytest.raises(DomainError, match="院长批准延长的日期"):
        actions.approve_extension(judge, accepted, "院长甲", china_today() - dt.timedelta(days=3), "理由")


def test_l13_a_valid_ruling_waits_for_requested_material(accepted, judge, platform_ca):  # noqa: F811
    request = actions.request_material(judge, accepted, "调解组织主持调解的证明", china_today() + dt.timedelta(days=5))
    with pytest.raises(DomainError, match="补充的材料未记录答复"):
        actions.rule(judge, actions_fresh(accepted), RulingOutcome.VALID, "符合法律规定")
    actions.record_material(judge, request, "已提交调解组织出具的证明")
    ruled = actions.rule(judge, actions_fresh(accepted), RulingOutcome.VALID, "调解协议符合法律规定")
    assert ruled.state == ConfirmationState.CONFIRMED and ruled.decided_by == judge


def test_l13_a_rejection_names_its_ground(accepted, judge, platform_ca):  # noqa: F811
    with pytest.raises(DomainError, match="驳回情形"):
        actions.rule(judge, accepted, RulingOutcome.REJECTED, "内容不明确")
    ruled = actions.rule(
        judge, actions_fresh(accepted), RulingOutcome.REJECTED, "给付期限不明", RejectionGround.UNCLEAR
    )
    assert ruled.state == ConfirmationState.REJECTED and ruled.rejection_ground == RejectionGround.UNCLEAR


def test_not_accepted_and_withdrawn_close_the_application(received, staff, judge, accepted_other):
    closed = actions.not_accept(staff, received, NonAcceptanceGround.PROPERTY_TITLE, "涉及物权确权")
    assert closed.state == ConfirmationState.NOT_ACCEPTED
    with pytest.raises(DomainError, match="没有逾期未补充的材料"):
        actions.withdraw(judge, accepted_other, "当事人未补充", deemed=True)
    withdrawn = actions.withdraw(judge, actions_fresh(accepted_other), "双方当事人撤回申请")
    assert withdrawn.state == ConfirmationState.WITHDRAWN


@pytest.fixture
def accepted_other(staff, judge, area, sandbox):  # noqa: F811
    application = actions.receive_application(
        staff,
        agreement=_pdf(),
        agreement_effective_on=china_today(),
        dispute_type=DisputeType.BROKERAGE_CONTRACT,
        organisation_name="另一调解中心",
        applicants=_applicants(),
    )
    return actions.accept(staff, application, judge)


def test_another_courts_staff_see_nothing(client, received, other_staff):
    client.force_login(other_staff)
    assert client.get(reverse("confirmation-detail", args=[received.pk])).status_code == 404
    assert client.get(reverse("confirmation-agreement", args=[received.pk])).status_code == 404
    page = client.get(reverse("confirmation-list"))
    assert page.status_code == 200 and "某某证券" not in page.content.decode()


def test_identity_numbers_clear_for_filing_staff_masked_for_the_court_admin(client, received, staff, admin):
    client.force_login(admin)
    html = client.get(reverse("confirmation-detail", args=[received.pk])).content.decode()
    assert INVESTOR_ID not in html and "110*" in html
    client.force_login(staff)
    html = client.get(reverse("confirmation-detail", args=[received.pk])).content.decode()
    assert INVESTOR_ID in html
    assert AuditRecord.objects.filter(action="confirmation.parties.view_personal_data").count() == 1


def test_the_pages_register_accept_and_rule(client, staff, judge, area, sandbox, platform_ca):  # noqa: F811
    client.force_login(staff)
    form = client.get(reverse("confirmation-new"))
    assert form.status_code == 200
    data = {
        "agreement": _pdf(),
        "agreement_effective_on": (china_today() - dt.timedelta(days=2)).isoformat(),
        "received_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "dispute_type": DisputeType.BROKERAGE_CONTRACT.value,
        "organisation_name": "中证资本市场法律服务中心",
        "applicant-TOTAL_FORMS": "2",
        "applicant-INITIAL_FORMS": "0",
        "applicant-MIN_NUM_FORMS": "2",
        "applicant-MAX_NUM_FORMS": "20",
        "applicant-0-role": "applicant",
        "applicant-0-kind": "natural_person",
        "applicant-0-name": "张三",
        "applicant-0-id_number": INVESTOR_ID,
        "applicant-0-domicile": "110105",
        "applicant-1-role": "respondent",
        "applicant-1-kind": "legal_person",
        "applicant-1-name": "某某证券股份有限公司",
        "applicant-1-id_number": _uscc(),
        "applicant-1-domicile": "110105",
    }
    created = client.post(reverse("confirmation-new"), data)
    assert created.status_code == 302
    application = ConfirmationApplication.objects.get()
    detail = client.get(created.url).content.decode()
    assert 'data-testid="acceptance-due"' in detail and "第四条" in detail
    assert client.post(reverse("confirmation-accept", args=[application.pk]), {"judge": judge.pk}).status_code == 302
    client.force_login(judge)
    detail = client.get(reverse("confirmation-detail", args=[application.pk])).content.decode()
    assert 'data-testid="review-due"' in detail and 'data-testid="ruling-form"' in detail
    ruling = {"outcome": "valid", "reasons": "调解协议符合法律规定"}
    asked = client.post(reverse("confirmation-rule", args=[application.pk]), ruling)
    assert asked.status_code == 200 and "确认作出裁定" in asked.content.decode()  # the second look first
    application.refresh_from_db()
    assert application.state == ConfirmationState.ACCEPTED
    done = client.post(reverse("confirmation-rule", args=[application.pk]), {**ruling, "confirmed": "1"})
    assert done.status_code == 302
    html = client.get(done.url).content.decode()
    assert "申请执行" in html and "收到裁定之日起15日内" in html and "不收取费用" in html  # L13, L14, L18


def test_a_form_missing_its_applicants_says_so_in_plain_chinese(client, staff, area, sandbox):  # noqa: F811
    client.force_login(staff)
    response = client.post(
        reverse("confirmation-new"),
        {"applicant-TOTAL_FORMS": "0", "applicant-INITIAL_FORMS": "0", "applicant-MIN_NUM_FORMS": "2"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "请至少填写两名申请人" in html and "这个字段是必填项" in html


def test_an_applicant_follows_their_own_application_and_no_one_elses(client, received, judge):
    from sutiao.accounts import parties

    applicant = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="张三",
        id_number=INVESTOR_ID,
        mobile="13800138000",
        username="zhangsan",
        password="sutiao-demo-2026",
    ).user
    stranger = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="王五",
        id_number=_resident_id("11010519800101001"),
        mobile="13800138001",
        username="wangwu",
        password="sutiao-demo-2026",
    ).user
    client.force_login(applicant)
    listing = client.get(reverse("party-confirmations")).content.decode()
    assert reverse("party-confirmation", args=[received.pk]) in listing
    page = client.get(reverse("party-confirmation", args=[received.pk])).content.decode()
    assert "中证资本市场法律服务中心" in page and INVESTOR_ID not in page
    client.force_login(stranger)
    assert (
        reverse("party-confirmation", args=[received.pk])
        not in client.get(reverse("party-confirmations")).content.decode()
    )
    assert client.get(reverse("party-confirmation", args=[received.pk])).status_code == 404
    # Staff pages stay closed to a party.
    assert client.get(reverse("confirmation-detail", args=[received.pk])).status_code in (403, 404)


def test_l13_the_ruling_is_a_pdf_sealed_by_the_court_that_the_parties_can_read(
    client,
    accepted,
    judge,
    platform_ca,  # noqa: F811
):
    import shutil
    import subprocess

    from sutiao.accounts import parties
    from sutiao.documents.signing import verify
    from sutiao.documents.storage import open_verified

    ruled = actions.rule(judge, accepted, RulingOutcome.VALID, "调解协议系双方自愿达成，内容不违反法律规定。")
    with open_verified(ruled.ruling) as f:
        pdf = f.read()
    checked = verify(pdf)
    assert checked.valid and checked.sealed
    assert [s.signer_name for s in checked.signatures] == ["北京市朝阳区人民法院"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "民事裁定书" in text.replace(" ", "") and "调解协议有效" in text.replace(" ", "")
    applicant = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="张三",
        id_number=INVESTOR_ID,
        mobile="13800138000",
        username="zhangsan",
        password="sutiao-demo-2026",
    ).user
    client.force_login(applicant)
    page = client.get(reverse("party-confirmation", args=[ruled.pk])).content.decode()
    assert 'data-testid="ruling-check"' in page and "签名后未被改动" in page
    download = client.get(reverse("party-confirmation-ruling", args=[ruled.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
