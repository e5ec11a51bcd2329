"""A result recorded by mistake is corrected within the window (issue 15 §4): by its mediator, with a reason,
checked as the result was; recorded, sent to the court, shown on the delegation's page; refused after the window,
and marked when the court refuses it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sutiao.audit.models import AuditRecord
from sutiao.docking.models import OutboxMessage
from sutiao.docking.outbox import envelope_of
from sutiao.docking.schemas import MESSAGE_ADAPTER, MessageType
from sutiao.investor.actions import delegations as actions
from sutiao.investor.models import Delegation, ResultCorrection
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError


@pytest.fixture
def succeeded(receive, org_a, admin_a, mediator_a):
    delegation = receive(org_a)
    actions.accept_delegation(admin_a, delegation)
    actions.assign_mediator(admin_a, delegation, mediator_a)
    actions.record_result(mediator_a, delegation, MediationOutcome.SUCCEEDED, terms="被申请人赔偿申请人八万元。")
    return Delegation.objects.get(pk=delegation.pk)


def test_the_mediator_corrects_the_terms_within_the_window(succeeded, mediator_a):
    correction = actions.correct_result(
        mediator_a, succeeded, correction_reason="金额笔误", terms="被申请人赔偿申请人六万元。"
    )
    succeeded.refresh_from_db()
    assert succeeded.terms == "被申请人赔偿申请人六万元。" and succeeded.outcome == MediationOutcome.SUCCEEDED
    assert correction.changes == [
        {
            "what": "调解协议内容",
            "field": "",
            "before": "被申请人赔偿申请人八万元。",
            "after": "被申请人赔偿申请人六万元。",
        }
    ]
    [message] = OutboxMessage.objects.filter(type=MessageType.RESULT_CORRECTED, case=succeeded.case)
    payload = MESSAGE_ADAPTER.validate_python(envelope_of(message)).payload
    assert payload.terms == "被申请人赔偿申请人六万元。" and payload.reason == "金额笔误"
    assert payload.correction_id == correction.pk
    assert AuditRecord.objects.filter(action="delegation.correct_result").exists()
    assert succeeded.events.filter(text__contains="更正调解结果").exists()


def test_no_correction_after_the_window_without_a_reason_or_by_another(succeeded, mediator_a, admin_a, settings):
    with pytest.raises(DomainError, match="更正理由"):
        actions.correct_result(mediator_a, succeeded, correction_reason=" ", terms="改")
    with pytest.raises(PermissionDenied):
        actions.correct_result(admin_a, succeeded, correction_reason="改", terms="改")
    with pytest.raises(DomainError, match="没有需要更正的内容"):
        actions.correct_result(mediator_a, succeeded, correction_reason="改", terms=succeeded.terms)
    with pytest.raises(DomainError, match="调解协议内容"):
        actions.correct_result(mediator_a, succeeded, correction_reason="改", terms="")
    Delegation.objects.filter(pk=succeeded.pk).update(
        concluded_at=succeeded.concluded_at - dt.timedelta(hours=settings.SUTIAO_RESULT_CORRECTION_HOURS, minutes=1)
    )
    succeeded.refresh_from_db()
    assert not actions.may_correct_result(mediator_a, succeeded)
    with pytest.raises(DomainError, match="不能更正"):
        actions.correct_result(mediator_a, succeeded, correction_reason="金额笔误", terms="赔偿六万元。")
    assert not ResultCorrection.objects.exists()


def test_the_page_offers_the_correction_then_shows_it(succeeded, mediator_a, client):
    client.force_login(mediator_a)
    url = reverse("delegation-detail", args=[succeeded.pk])
    assert 'data-testid="correct-result-form"' in client.get(url).content.decode()
    response = client.post(
        reverse("delegation-correct-result", args=[succeeded.pk]),
        {"fix-terms": "被申请人赔偿申请人六万元。", "fix-correction_reason": "金额笔误"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="result-corrections"' in page and "金额笔误" in page and "被申请人赔偿申请人六万元。" in page


def test_a_refusal_by_the_court_is_marked(succeeded, mediator_a):
    from sutiao.investor.inbound import on_result_correction_parked

    correction = actions.correct_result(mediator_a, succeeded, correction_reason="金额笔误", terms="赔偿六万元。")
    [message] = OutboxMessage.objects.filter(type=MessageType.RESULT_CORRECTED, case=succeeded.case)
    message.last_error = "法院已据调解结果办理（已立案），不能更正调解结果"
    from django.db import transaction

    with transaction.atomic():
        on_result_correction_parked([message])
    correction.refresh_from_db()
    assert "已立案" in correction.refused
    assert succeeded.events.filter(text__contains="法院未采纳调解结果的更正").exists()
