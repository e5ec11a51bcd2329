"""A party's direct application on the investor platform (issue 10 item 3): submission with evidence, review by
the organisation applied to, the respondent's answer (L19: a securities or futures firm's refusal of an ordinary
investor's request is recorded and mediation goes ahead), the mediation run as for a delegated case, and the
applicant told where to sue when it fails. Each permission: another investor sees nothing, an organisation only
the applications made to it, the respondent only once the application was taken on; nothing goes to a court."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from investor_registry_setup import id_number_for

from documents_checks import PDF_BYTES
from sutiao.accounts import parties
from sutiao.accounts.models import PartyProfile, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.docking.models import OutboxMessage
from sutiao.documents.storage import documents_storage
from sutiao.investor.actions import applications as actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.direct import selectors
from sutiao.investor.direct.models import DirectApplication
from sutiao.investor.mediation.models import Mediation
from sutiao.kernel.direct import RespondentSector
from sutiao.kernel.enums import MediationOutcome, PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import TerminationGround
from sutiao.kernel.workflow import ApplicationState, MediationState
from sutiao.notifications.models import Notification

FIRM_CODE = "91310000MA1FL0000N"  # a securities firm registered in Shanghai (division 310000)
OTHER_FIRM_CODE = "91440300MA5F00001A"


@pytest.fixture
def sandbox(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            **settings.STORAGES["documents"],
            "OPTIONS": {**settings.STORAGES["documents"]["OPTIONS"], "location": tmp_path / "store"},
        },
    }
    return tmp_path / "store"


def _party(username, name, kind, number, mobile, verified=True):
    profile = parties.register_party(
        "test", kind=kind, name=name, id_number=number, mobile=mobile, username=username, password="x-long-password"
    )
    if verified:
        parties.verify_identity(profile.user, profile, None)
    return profile.user


@pytest.fixture
def investor(db):
    return _party("inv_wang", "王五", PartyKind.NATURAL_PERSON, id_number_for(501), "13800000001")


@pytest.fixture
def other_investor(db):
    return _party("inv_zhao", "赵六", PartyKind.NATURAL_PERSON, id_number_for(502), "13800000002")


@pytest.fixture
def firm(db):
    return _party("firm_hs", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, "13800000003")


def _submit(user, org, sector=RespondentSector.SECURITIES_FIRM, ordinary=True, files=(), code=FIRM_CODE):
    return actions.submit(
        user,
        org,
        dispute_type="brokerage_contract",
        facts="营业部员工未经授权代为交易，造成损失。",
        claims="赔偿损失八万元",
        amount="80000",
        respondent_name="某某证券股份有限公司",
        respondent_code=code,
        respondent_sector=sector,
        ordinary_investor=ordinary,
        files=files,
    )


def test_an_application_from_submission_to_success_never_reaches_a_court(
    sandbox, investor, firm, org_a, admin_a, mediator_a
):
    evidence = SimpleUploadedFile("交易流水.pdf", PDF_BYTES, content_type="application/pdf")
    application = _submit(investor, org_a, files=[evidence])
    assert application.state == ApplicationState.SUBMITTED and application.review_due > application.submitted_at.date()
    stored = application.evidence.get().file
    assert stored.content_type == "application/pdf" and Path(documents_storage().path(stored.storage_name)).exists()
    assert Notification.objects.filter(recipient=admin_a, subject="收到调解申请").exists()

    actions.accept(admin_a, application, mediator_a)
    application.refresh_from_db()
    assert application.state == ApplicationState.AWAITING_RESPONDENT and application.mediator == mediator_a
    assert Notification.objects.filter(recipient=firm, subject="调解邀请").exists()  # found by the code's digest

    actions.respond(firm, application, True)
    application.refresh_from_db()
    mediation = Mediation.objects.get(application=application)
    assert application.state == ApplicationState.MEDIATING and mediation.pk == application.pk
    assert mediation.direct and mediation.period_days == 30 and mediation.due > mediation.accepted_on
    applicant_row, respondent_row = mediation.parties.order_by("id")
    assert (applicant_row.user, respondent_row.user) == (investor, firm)

    # The mediation's own actions work on it as on a delegated case.
    mediation_actions.post_message(mediator_a, mediation, "请双方提交交易记录")
    mediation_actions.post_message(firm, mediation, "愿意补偿三万元", caucus_with=respondent_row)
    record = mediation_actions.write_record(mediator_a, mediation, "双方同意以五万元了结纠纷。")
    mediation_actions.confirm_record(investor, record, applicant_row)
    mediation_actions.confirm_record(firm, record, respondent_row)
    actions.record_result(mediator_a, application, MediationOutcome.SUCCEEDED, terms="被申请人补偿申请人五万元")
    application.refresh_from_db()
    mediation.refresh_from_db()
    assert application.state == ApplicationState.SUCCEEDED and mediation.state == MediationState.SUCCEEDED
    assert application.terms == "被申请人补偿申请人五万元" and not application.court_guidance
    assert OutboxMessage.objects.count() == 0
    assert list(application.events.values_list("text", flat=True))[-1] == "记录调解结果：调解成功"


def test_another_investor_and_another_organisation_see_nothing(
    investor, other_investor, firm, org_a, admin_a, admin_b, mediator_a, mediator_b, client
):
    application = _submit(investor, org_a)
    for outsider in (other_investor, admin_b, mediator_b, firm):  # the firm: not before it is taken on
        with pytest.raises(Http404):
            selectors.application_for(outsider, application.pk)
        assert not selectors.applications_for(outsider).exists()
        client.force_login(outsider)
        assert client.get(f"/applications/{application.pk}/").status_code == 404
    assert list(selectors.applications_for(admin_a)) == [application]
    assert list(selectors.applications_for(investor)) == [application]
    with pytest.raises(PermissionDenied):
        actions.accept(admin_b, application, mediator_b)
    with pytest.raises(PermissionDenied):
        actions.decline(admin_b, application, "不属于本组织")
    actions.accept(admin_a, application, mediator_a)
    assert list(selectors.applications_for(firm)) == [application]  # invited now
    with pytest.raises(PermissionDenied):
        actions.respond(other_investor, application, True)  # only whoever acts for the firm answers


def test_an_organisation_assigns_only_its_own_mediators(investor, org_a, admin_a, mediator_b):
    application = _submit(investor, org_a)
    with pytest.raises(DomainError, match="只能指派本组织在册的调解员"):
        actions.accept(admin_a, application, mediator_b)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


def test_l19_a_securities_firm_may_not_refuse_an_ordinary_investor(investor, firm, org_a, admin_a, mediator_a, client):
    application = _submit(investor, org_a)
    actions.accept(admin_a, application, mediator_a)
    client.force_login(firm)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'data-testid="l19-notice"' in page and "不得拒绝" in page and "第九十四条" in page
    with pytest.raises(DomainError, match="拒绝调解请写明理由"):
        actions.respond(firm, application, False)
    actions.respond(firm, application, False, "公司认为不存在过错")
    application.refresh_from_db()
    assert application.state == ApplicationState.MEDIATING and application.refusal_attempted
    assert Mediation.objects.get(application=application).state == MediationState.ACTIVE
    audit = AuditRecord.objects.get(action="application.respondent_refusal_not_allowed")
    assert audit.after["rule"] == "L19" and audit.after["reason"] == "公司认为不存在过错"
    client.force_login(investor)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'data-testid="refusal-attempted"' in page and 'data-testid="workspace-link"' in page


def test_l19_other_respondents_may_refuse_and_the_applicant_is_told_where_to_sue(
    db, investor, org_a, admin_a, mediator_a
):
    issuer = _party("issuer", "某某科技股份有限公司", PartyKind.LEGAL_PERSON, OTHER_FIRM_CODE, "13800000004")
    application = _submit(investor, org_a, sector=RespondentSector.ISSUER, code=OTHER_FIRM_CODE)
    actions.accept(admin_a, application, mediator_a)
    actions.respond(issuer, application, False, "不同意调解")
    application.refresh_from_db()
    assert application.state == ApplicationState.RESPONDENT_REFUSED and not application.refusal_attempted
    assert not Mediation.objects.filter(application=application).exists()
    assert "广东省" in application.court_guidance and "第二十二条" in application.court_guidance
    professional = _submit(investor, org_a, ordinary=False)
    actions.accept(admin_a, professional, mediator_a)
    firm = _party("firm_pro", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, "13800000005")
    actions.respond(firm, professional, False, "专业投资者，不同意调解")  # L19 protects ordinary investors only
    professional.refresh_from_db()
    assert professional.state == ApplicationState.RESPONDENT_REFUSED


def test_a_declined_application_tells_the_applicant_why(investor, org_a, admin_a):
    application = _submit(investor, org_a)
    with pytest.raises(DomainError, match="不予受理须写明理由"):
        actions.decline(admin_a, application, "  ")
    actions.decline(admin_a, application, "纠纷不属于本组织受理范围")
    application.refresh_from_db()
    assert application.state == ApplicationState.DECLINED
    told = Notification.objects.get(recipient=investor, subject="调解申请不予受理", channel="in_app")
    assert "纠纷不属于本组织受理范围" in told.body


def test_a_failed_mediation_tells_the_applicant_the_competent_court(investor, firm, org_a, admin_a, mediator_a, client):
    application = _submit(investor, org_a)
    actions.accept(admin_a, application, mediator_a)
    actions.respond(firm, application, True)
    failure = {
        "undisputed_facts": "申请人在被申请人处开立证券账户。",
        "disputed_points": "交易是否经申请人授权",
        "positions": {"王五": "未授权", "某某证券股份有限公司": "已授权"},
    }
    actions.record_result(
        mediator_a,
        application,
        MediationOutcome.FAILED,
        ground=TerminationGround.IRRECONCILABLE,
        failure_record=failure,
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.FAILED
    assert "上海市" in application.court_guidance and "起诉状" in application.court_guidance
    assert Mediation.objects.get(application=application).failure_record["disputed_points"] == "交易是否经申请人授权"
    client.force_login(investor)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'data-testid="court-guidance"' in page and "上海市" in page
    assert OutboxMessage.objects.count() == 0


def test_bad_input_is_refused_in_chinese_and_nothing_is_kept(db, investor, org_a):
    with pytest.raises(DomainError, match="统一社会信用代码") as refused:
        _submit(investor, org_a, code="91310000MA1FL00001")
    assert refused.value.field == "respondent_code"
    unverified = _party("inv_new", "钱七", PartyKind.NATURAL_PERSON, id_number_for(503), "13800000006", False)
    with pytest.raises(DomainError, match="请先完成实名核验"):
        _submit(unverified, org_a)
    firm = _party("firm_x", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, "13800000007")
    with pytest.raises(PermissionDenied):
        _submit(firm, org_a)  # a firm does not apply as an investor
    assert not DirectApplication.objects.exists()


def test_the_pages_show_the_review_deadline_and_its_source_and_run_each_step(
    sandbox, investor, firm, org_a, admin_a, mediator_a, client
):
    client.force_login(investor)
    response = client.post(
        "/applications/new/",
        {
            "organisation": org_a.pk,
            "dispute_type": "brokerage_contract",
            "respondent_name": "某某证券股份有限公司",
            "respondent_code": FIRM_CODE,
            "respondent_sector": "securities_firm",
            "claims": "赔偿损失",
            "amount": "1000",
            "facts": "未经授权交易",
            "ordinary_investor": "on",
            "files": [SimpleUploadedFile("证据.pdf", PDF_BYTES, content_type="application/pdf")],
        },
    )
    application = DirectApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/"
    client.force_login(admin_a)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert 'data-testid="review-due"' in page and "本平台设置" in page and "个工作日" in page
    evidence = application.evidence.get()
    assert client.get(f"/applications/{application.pk}/evidence/{evidence.pk}/").status_code == 200
    assert client.post(f"/applications/{application.pk}/accept/", {"mediator": mediator_a.pk}).status_code == 302
    client.force_login(firm)
    assert client.post(f"/applications/{application.pk}/respond/", {"agreed": "1"}).status_code == 302
    client.force_login(mediator_a)
    page = client.get(f"/applications/{application.pk}/mediation/").content.decode()
    assert "当事人直接申请调解" in page and "本平台设置" in page
    response = client.post(f"/applications/{application.pk}/mediation/message/", {"message-text": "请提交材料"})
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/mediation/"


def test_an_uploaded_file_of_the_wrong_type_is_refused_and_the_application_not_kept(sandbox, investor, org_a):
    exe = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(DomainError):
        _submit(investor, org_a, files=[exe])
    assert not DirectApplication.objects.exists() and not PartyProfile.objects.filter(name="x").exists()


def test_the_mediation_workspace_of_an_application_is_closed_to_outsiders(
    investor, other_investor, firm, org_a, admin_b, mediator_a, mediator_b, admin_a, client
):
    application = _submit(investor, org_a)
    actions.accept(admin_a, application, mediator_a)
    actions.respond(firm, application, True)
    workspace = f"/applications/{application.pk}/mediation/"
    for insider in (investor, firm, mediator_a, admin_a):
        client.force_login(insider)
        assert client.get(workspace).status_code == 200
    for outsider in (other_investor, admin_b, mediator_b):
        client.force_login(outsider)
        assert client.get(workspace).status_code == 404
        assert client.post(workspace + "message/", {"message-text": "x"}).status_code == 404


def test_the_application_form_is_the_investors_alone(investor, firm, admin_a, client):
    """Found by the permission matrix walk (issue 14): the form was shown to every signed-in user (staff, a firm),
    though only an investor's own account may apply. Now it is refused as the action refuses."""
    for outsider in (admin_a, firm):
        client.force_login(outsider)
        assert client.get("/applications/new/").status_code == 403
    client.force_login(investor)
    assert client.get("/applications/new/").status_code == 200


def test_the_applicant_withdraws_before_the_mediation_starts_and_everyone_involved_is_told(
    investor, other_investor, firm, org_a, admin_a, mediator_a, client
):
    # While the organisation reviews: through the page, with a reason.
    reviewing = _submit(investor, org_a)
    client.force_login(investor)
    page = client.get(f"/applications/{reviewing.pk}/").content.decode()
    assert 'data-testid="withdraw-form"' in page
    client.post(f"/applications/{reviewing.pk}/withdraw/", {"reason": "已与证券公司自行和解"})
    reviewing.refresh_from_db()
    assert reviewing.state == ApplicationState.WITHDRAWN
    told = Notification.objects.get(recipient=admin_a, subject="调解申请已撤回", channel="in_app")
    assert "已与证券公司自行和解" in told.body
    assert AuditRecord.objects.filter(action="application.withdraw", object_id=str(reviewing.pk)).exists()
    assert 'data-testid="withdraw-form"' not in client.get(f"/applications/{reviewing.pk}/").content.decode()

    # After the organisation took it on, the invited respondent and the named mediator are told as well.
    invited = _submit(investor, org_a)
    actions.accept(admin_a, invited, mediator_a)
    with pytest.raises(PermissionDenied):
        actions.withdraw(other_investor, invited)  # only the applicant
    actions.withdraw(investor, invited)
    invited.refresh_from_db()
    assert invited.state == ApplicationState.WITHDRAWN
    for who in (firm, mediator_a):
        assert Notification.objects.filter(recipient=who, subject="调解申请已撤回").exists()

    # Once the mediation runs, withdrawing is a ground for ending it (L7), not this action.
    running = _submit(investor, org_a)
    actions.accept(admin_a, running, mediator_a)
    actions.respond(firm, running, True)
    with pytest.raises(DomainError, match="调解已开始"):
        actions.withdraw(investor, running)
    running.refresh_from_db()
    assert running.state == ApplicationState.MEDIATING


def test_an_overdue_review_is_flagged_once_to_the_organisation_its_supervisor_and_the_applicant(
    investor, org_a, admin_a, mediator_a, regional_office
):
    supervisor = User.objects.create_user(
        "bj_office", password="x-long-password", role=Role.SUPERVISOR, institution=regional_office
    )
    application = _submit(investor, org_a)
    due = application.review_due
    assert actions.flag_overdue_reviews(today=due) == 0  # the last day itself is still in time
    assert actions.flag_overdue_reviews(today=due + dt.timedelta(days=1)) == 1
    application.refresh_from_db()
    assert application.review_overdue_at is not None and application.state == ApplicationState.SUBMITTED
    assert Notification.objects.filter(recipient=admin_a, subject="调解申请审查逾期").exists()
    told = Notification.objects.get(recipient=investor, subject="调解申请审查逾期", channel="in_app")
    assert "撤回申请" in told.body
    assert org_a.parent == regional_office
    assert Notification.objects.filter(recipient=supervisor, subject="所指导的调解组织审查逾期").exists()
    assert AuditRecord.objects.filter(action="application.review_overdue", object_id=str(application.pk)).count() == 1
    # Once only; and the organisation may still decide.
    assert actions.flag_overdue_reviews(today=due + dt.timedelta(days=5)) == 0
    actions.accept(admin_a, application, mediator_a)
    application.refresh_from_db()
    assert application.state == ApplicationState.AWAITING_RESPONDENT
