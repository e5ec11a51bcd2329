"""A direct application whose respondent has no account on the platform (issue 10 leftover): it no longer waits
forever. The organisation's administrator records the answer the respondent gave off the platform (by phone,
in writing, in person — with its evidence, as a court records offline consent), and the mediation starts; or,
once the period for reaching the other party has passed (L5: 3 working days from acceptance, 《人民法院在线调解
规则》Art. 15 ¶1) and it could not reach the respondent, ends the procedure with a written account (Art. 15 ¶2,
Art. 25 (3); L7), the applicant told where to sue. Never automatically; never when the respondent could answer
online itself."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from investor_registry_setup import id_number_for
from test_direct_applications import FIRM_CODE, _party, _submit

from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import applications as actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.direct.models import DirectApplication
from sutiao.investor.mediation.models import Mediation
from sutiao.kernel.direct import may_end_unreached
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import ApplicationState, MediationState
from sutiao.notifications.models import Notification


@pytest.fixture
def investor(db):
    return _party("inv_wang", "王五", PartyKind.NATURAL_PERSON, id_number_for(501), "13800000001")


@pytest.fixture
def taken_on(investor, org_a, admin_a, mediator_a):
    """Accepted by org A; the respondent firm has no account here, so no one was invited."""
    application = _submit(investor, org_a)
    actions.accept(admin_a, application, mediator_a)
    application.refresh_from_db()
    assert application.state == ApplicationState.AWAITING_RESPONDENT
    return application


def _accepted_days_ago(application, days):
    DirectApplication.objects.filter(pk=application.pk).update(answered_at=timezone.now() - dt.timedelta(days=days))
    application.refresh_from_db()


def test_the_organisation_records_an_offline_agreement_and_the_mediation_starts(taken_on, admin_a, client):
    client.force_login(admin_a)
    page = client.get(f"/applications/{taken_on.pk}/").content.decode()
    assert 'data-testid="offline-answer-form"' in page and 'data-testid="unreached-form"' in page
    missing = client.post(
        f"/applications/{taken_on.pk}/respondent-answer/", {"agreed": "1", "method": "phone", "note": ""}
    )
    assert missing.status_code == 200 and "凭据" in missing.content.decode()
    done = client.post(
        f"/applications/{taken_on.pk}/respondent-answer/", {"agreed": "1", "method": "phone", "note": "录音 0007"}
    )
    assert done.status_code == 302
    taken_on.refresh_from_db()
    assert taken_on.state == ApplicationState.MEDIATING and taken_on.respondent_answered_by == admin_a
    mediation = Mediation.objects.get(application=taken_on)
    assert mediation.state == MediationState.ACTIVE
    respondent = mediation.parties.get(role="respondent")
    assert respondent.user is None and respondent.id_number_digest == taken_on.respondent_digest  # joins later
    audit = AuditRecord.objects.get(action="application.respondent_agree")
    assert audit.after["recorded_offline"] == {"method": "phone", "note": "录音 0007"}
    actor = taken_on.events.filter(text="被申请人同意调解").values_list("actor", flat=True).get()
    assert "调解组织甲管理员记录" in actor and "录音 0007" in actor


def test_an_offline_refusal_by_a_securities_firm_is_recorded_as_not_allowed(taken_on, admin_a):
    """L19 holds for an answer recorded offline as for one given online."""
    with pytest.raises(DomainError, match="拒绝调解请写明理由"):
        actions.record_respondent_answer(admin_a, taken_on, False, "written", "", "函 2026-01")
    actions.record_respondent_answer(admin_a, taken_on, False, "written", "公司认为无过错", "函 2026-01")
    taken_on.refresh_from_db()
    assert taken_on.state == ApplicationState.MEDIATING and taken_on.refusal_attempted


def test_only_the_organisations_administrator_records_and_never_for_a_respondent_with_an_account(
    taken_on, admin_b, mediator_a, investor, admin_a
):
    for someone in (admin_b, mediator_a, investor):
        with pytest.raises(PermissionDenied):
            actions.record_respondent_answer(someone, taken_on, True, "phone", "", "录音")
    with pytest.raises(DomainError, match="答复的方式"):
        actions.record_respondent_answer(admin_a, taken_on, True, "online", "", "录音")
    _party("firm_hs", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, "13800000003")
    with pytest.raises(DomainError, match="由其登录平台自行答复"):
        actions.record_respondent_answer(admin_a, taken_on, True, "phone", "", "录音")
    assert not Mediation.objects.filter(application=taken_on).exists()


def test_the_organisation_ends_it_only_after_the_period_for_reaching_the_respondent(
    taken_on, admin_a, investor, client
):
    with pytest.raises(DomainError, match="三个工作日"):
        actions.end_unreached(admin_a, taken_on, "电话三次未接通")
    _accepted_days_ago(taken_on, 10)
    with pytest.raises(DomainError, match="联系被申请人的经过"):
        actions.end_unreached(admin_a, taken_on, "  ")
    client.force_login(admin_a)
    done = client.post(f"/applications/{taken_on.pk}/unreached/", {"reason": "电话三次未接通，邮寄信函被退回"})
    assert done.status_code == 302
    taken_on.refresh_from_db()
    assert taken_on.state == ApplicationState.RESPONDENT_UNREACHED
    assert "第二十二条" in taken_on.court_guidance  # where to sue
    audit = AuditRecord.objects.get(action="application.respondent_unreached")
    assert audit.after["rule"] == "L7" and "第十五条第二款" in audit.after["citation"]
    told = Notification.objects.filter(recipient=investor).order_by("-id").first()
    assert told is not None
    client.force_login(investor)
    page = client.get(f"/applications/{taken_on.pk}/").content.decode()
    assert 'data-testid="court-guidance"' in page and "无法联系被申请人" in page
    with pytest.raises(DomainError):  # ended: nothing more to answer
        actions.record_respondent_answer(admin_a, taken_on, True, "phone", "", "录音")


def test_ending_is_the_organisations_alone_and_not_once_the_respondent_answered(taken_on, admin_b, admin_a, mediator_a):
    _accepted_days_ago(taken_on, 10)
    with pytest.raises(PermissionDenied):
        actions.end_unreached(admin_b, taken_on, "无法联系")
    with pytest.raises(PermissionDenied):
        actions.end_unreached(mediator_a, taken_on, "无法联系")
    actions.record_respondent_answer(admin_a, taken_on, True, "in_person", "", "笔录 1")
    with pytest.raises(DomainError, match="不在等待被申请人答复"):
        actions.end_unreached(admin_a, taken_on, "无法联系")
    row = Mediation.objects.get(application=taken_on).parties.get(role="respondent")
    firm = _party("firm_hs", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, "13800000003")
    assert mediation_actions.join_mediations(firm) == 1  # the firm's account joins the mediation later
    row.refresh_from_db()
    assert row.user == firm


def test_the_rule_itself():
    due = dt.date(2026, 3, 5)
    assert not may_end_unreached(dt.date(2026, 3, 5), due, False)  # the due day itself still counts
    assert may_end_unreached(dt.date(2026, 3, 6), due, False)
    assert not may_end_unreached(dt.date(2026, 3, 9), due, True)
