"""Correcting a case's registration data and voiding a case registered by mistake (issue 15 §2): the version
history (who, when, why, before → after), the case found by its corrected names, the rules on which states
allow which, the correction of a delegated case sent to the organisation, and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sutiao.audit.models import AuditRecord
from sutiao.court import selectors
from sutiao.court.actions import cases
from sutiao.court.models import Case, CaseRevision, RevisionKind
from sutiao.docking.models import OutboxMessage
from sutiao.docking.outbox import envelope_of
from sutiao.docking.schemas import MESSAGE_ADAPTER, MessageType
from sutiao.kernel.enums import DisputeType, MediationOutcome, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import CourtState

APPLICANT_ID = "110105199001011232"


def edits(case, **overrides_by_name):
    """The case's parties as the correction form gives them back, some fields changed (by party name)."""
    rows = []
    for p in case.parties.all():
        values = {f: getattr(p, f) for f in ("role", "kind", "name", "id_number", "phone", "address")}
        rows.append(cases.PartyEdit(**{**values, **overrides_by_name.get(p.name, {})}, id=p.pk))
    return rows


def correct(staff, case, parties=None, claims=None, reason="登记时录入错误", **fields):
    return cases.correct_case(
        staff,
        case,
        reason=reason,
        dispute_type=fields.get("dispute_type", case.dispute_type),
        amount=fields.get("amount", case.amount),
        facts=fields.get("facts", case.facts),
        parties=parties if parties is not None else edits(case),
        claims=claims or [cases.ClaimInput(c.text, c.amount) for c in case.claims.all()],
    )


def names(user, q):
    return [c.number for c in selectors.case_list(user, {"q": q}).items]


def test_a_correction_keeps_who_when_why_and_each_field_before_and_after(staff, new_case):
    case = new_case()
    revision = correct(
        staff,
        case,
        parties=edits(case, 李四={"name": "李思", "phone": "13800000002", "id_number": APPLICANT_ID}),
        claims=[cases.ClaimInput("赔偿投资差额损失及佣金", Decimal("130000.00"))],
        amount=Decimal("130000.00"),
        dispute_type=DisputeType.INSIDER_TRADING,
    )
    case.refresh_from_db()
    assert case.amount == Decimal("130000.00") and case.dispute_type == DisputeType.INSIDER_TRADING
    assert set(case.parties.values_list("name", flat=True)) == {"某某药业股份有限公司", "李思"}
    assert [c.text for c in case.claims.all()] == ["赔偿投资差额损失及佣金"]
    assert revision.actor == staff and revision.kind == RevisionKind.CORRECTED and revision.reason == "登记时录入错误"
    changes = {c["what"]: (c["before"], c["after"], c["field"]) for c in revision.changes}
    assert changes["标的额（元）"] == ("125,000.00", "130,000.00", "")
    assert changes["纠纷类型"] == ("虚假陈述", "内幕交易", "")
    assert changes["当事人李四：姓名/名称"] == ("李四", "李思", "")
    assert changes["当事人李四：联系电话"] == ("", "13800000002", "phone")
    assert changes["请求事项"][1] == "赔偿投资差额损失及佣金（130,000.00元）"
    assert revision.sent_to is None  # nothing had been sent
    # The history's personal values are encrypted at rest, like the parties themselves.
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes FROM court_caserevision WHERE id = %s", [revision.pk])
        stored = cursor.fetchone()[0]
    assert "13800000002" not in stored and "李思" not in stored
    # The audit record names the changes, the personal values masked (the trail is not encrypted).
    audit = AuditRecord.objects.get(action="case.correct", case=str(case.pk))
    assert "13800000002" not in str(audit.after) and "138****0002" in str(audit.after)
    # The case's story says so.
    assert case.events.filter(text__contains="更正登记信息").exists()


def test_the_case_is_found_by_its_corrected_names_not_the_old_ones(staff, new_case):
    case = new_case()
    assert names(staff, "李四") == [case.number]
    correct(staff, case, parties=edits(case, 李四={"name": "王小明"}))
    assert names(staff, "王小明") == [case.number]
    assert names(staff, "小明") == [case.number]
    assert names(staff, "李四") == []


def test_a_correction_needs_a_reason_the_filing_staff_of_the_court_and_a_change(staff, judge, other_staff, new_case):
    case = new_case()
    with pytest.raises(DomainError, match="更正理由"):
        correct(staff, case, reason="  ", amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        correct(judge, case, amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        correct(other_staff, case, amount=Decimal("1"))
    with pytest.raises(DomainError, match="没有需要更正的内容"):
        correct(staff, case)
    # Registration's own checks hold for a correction.
    with pytest.raises(DomainError):
        correct(staff, case, parties=edits(case, 李四={"id_number": "110105199001011234"}))
    assert not CaseRevision.objects.exists()


def test_parties_are_added_or_removed_only_before_they_were_asked(staff, new_case):
    case = new_case()
    added = cases.PartyEdit(PartyRole.THIRD_PARTY, PartyKind.NATURAL_PERSON, "赵六")
    revision = correct(staff, case, parties=[*edits(case), added])
    assert case.parties.filter(name="赵六").exists()
    assert [c["what"] for c in revision.changes] == ["增加当事人"]
    revision = correct(staff, case, parties=[e for e in edits(case) if e.name != "赵六"])
    assert [c["what"] for c in revision.changes] == ["删除当事人"]
    cases.ask_consent(staff, case)
    with pytest.raises(DomainError, match="不能再增加或删除当事人"):
        correct(staff, case, parties=[*edits(case), added])
    # …but their particulars may still be corrected.
    correct(staff, case, parties=edits(case, 李四={"phone": "13900000009"}))
    assert case.parties.get(name="李四").phone == "13900000009"


def test_no_correction_once_a_result_is_recorded_or_the_case_is_closed(staff, new_case):
    case = new_case()
    for state in (CourtState.SUCCEEDED, CourtState.FAILED, CourtState.FILED, CourtState.VOIDED):
        Case.objects.filter(pk=case.pk).update(state=state)
        case.refresh_from_db()
        with pytest.raises(DomainError, match="不能更正"):
            correct(staff, case, amount=Decimal("1"))


def correction_messages(case):
    return [
        MESSAGE_ADAPTER.validate_python(envelope_of(m))
        for m in OutboxMessage.objects.filter(type=MessageType.CASE_CORRECTED, case=case.pk)
    ]


def test_a_correction_after_delegation_is_sent_to_the_organisation(staff, delegated):
    case = delegated.case
    revision = correct(
        staff,
        case,
        parties=edits(case, 李四={"name": "李思", "phone": "13800000002"}),
        amount=Decimal("99.00"),
        reason="当事人姓名录入错误",
    )
    assert revision.sent_to == delegated
    [message] = correction_messages(case)
    payload = message.payload
    assert payload.delegation_id == delegated.pk and payload.revision_id == revision.pk
    assert payload.reason == "当事人姓名录入错误" and "王立案" in payload.corrected_by
    assert {p.name for p in payload.parties} == {"李思", "某某药业股份有限公司"}
    assert {c.party for c in payload.consent} == {"李思", "某某药业股份有限公司"}  # consents follow the name
    assert payload.amount == Decimal("99.00")
    assert {c.what for c in payload.changes} >= {"当事人李四：姓名/名称", "标的额（元）"}
    # Sent after the delegation, in the case's order.
    delegate = OutboxMessage.objects.get(type=MessageType.DELEGATE, case=case.pk)
    assert message.seq == delegate.seq + 1


def test_a_correction_before_delegation_sends_nothing(staff, consented_case):
    correct(staff, consented_case, amount=Decimal("1.00"))
    assert correction_messages(consented_case) == []


# --- voiding ---


def test_void_closes_the_case_for_good_with_its_reason(staff, new_case):
    case = new_case()
    cases.void_case(staff, case, "重复登记")
    case.refresh_from_db()
    assert case.state == CourtState.VOIDED and case.closed_at is not None
    [revision] = case.revisions.all()
    assert revision.kind == RevisionKind.VOIDED and revision.reason == "重复登记"
    assert AuditRecord.objects.filter(action="case.void", case=str(case.pk)).exists()
    with pytest.raises(DomainError):
        cases.ask_consent(staff, case)
    with pytest.raises(DomainError, match="不能作废"):
        cases.void_case(staff, case, "再来一次")
    # A list filtered by the state finds it, and only it.
    other = new_case()
    assert [c.pk for c in selectors.case_list(staff, {"state": CourtState.VOIDED}).items] == [case.pk]
    assert other.pk not in [c.pk for c in selectors.case_list(staff, {"state": CourtState.VOIDED}).items]


def test_void_needs_a_reason_the_filing_staff_and_nothing_sent(staff, judge, new_case, delegated):
    case = new_case()
    with pytest.raises(DomainError, match="作废理由"):
        cases.void_case(staff, case, " ")
    with pytest.raises(PermissionDenied):
        cases.void_case(judge, case, "重复登记")
    with pytest.raises(DomainError, match="不能作废"):
        cases.void_case(staff, delegated.case, "重复登记")


# --- pages ---


def test_correction_page_shows_every_error_at_once_and_then_corrects(client, staff, new_case):
    case = new_case()
    client.force_login(staff)
    url = reverse("case-correct", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and "李四" in page.content.decode()
    parties = list(case.parties.all())
    data = {
        "dispute_type": case.dispute_type,
        "amount": "-1",
        "facts": "",
        "reason": "",
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "2",
        "party-MIN_NUM_FORMS": "2",
        "party-MAX_NUM_FORMS": "50",
        "claim-TOTAL_FORMS": "1",
        "claim-INITIAL_FORMS": "1",
        "claim-MIN_NUM_FORMS": "1",
        "claim-MAX_NUM_FORMS": "50",
        "claim-0-text": "",
        "claim-0-amount": "",
    }
    for i, p in enumerate(parties):
        data |= {f"party-{i}-{f}": getattr(p, f) for f in ("id", "role", "kind", "name", "phone", "address")}
    data["party-0-id_number"] = "110105199001011234"  # wrong check digit
    page = client.post(url, data)
    body = page.content.decode()
    assert page.status_code == 200
    # The amount, the reason, the identity number and the claim: all four at once.
    assert body.count('class="text-danger small"') >= 4
    assert "校验" in body or "身份" in body
    data |= {"amount": "100.00", "reason": "标的额录入错误", "claim-0-text": "赔偿损失", "party-0-id_number": ""}
    page = client.post(url, data)
    assert page.status_code == 302
    case.refresh_from_db()
    assert case.amount == Decimal("100.00")
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert 'data-testid="revisions"' in detail and "标的额录入错误" in detail


def test_judges_see_the_history_with_personal_values_masked(client, staff, judge, new_case):
    case = new_case()
    correct(staff, case, parties=edits(case, 李四={"phone": "13800000002"}))
    client.force_login(judge)
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "138****0002" in detail and "13800000002" not in detail
    assert 'data-testid="correct"' not in detail and 'data-testid="void"' not in detail


def test_void_page_names_the_consequence_before_voiding(client, staff, new_case):
    case = new_case()
    client.force_login(staff)
    detail = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert reverse("case-void", args=[case.pk]) in detail
    page = client.get(reverse("case-void", args=[case.pk])).content.decode()
    assert "不能恢复" in page and 'name="reason"' in page
    page = client.post(reverse("case-void", args=[case.pk]), {"reason": "", "confirmed": "1"})
    assert page.status_code == 200
    case.refresh_from_db()
    assert case.state == CourtState.APPLIED
    assert (
        client.post(reverse("case-void", args=[case.pk]), {"reason": "重复登记", "confirmed": "1"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.state == CourtState.VOIDED
    listing = client.get(reverse("case-list"), {"state": "voided"}).content.decode()
    assert case.number in listing


# --- a result corrected within the window arrives (issue 15 §4) ---


def _result_correction(delegated, **overrides):
    return {
        "correction_id": 1,
        "corrected_at": timezone.now(),
        "corrected_by": "中证资本市场法律服务中心 张调解1",
        "reason": "调解协议金额笔误",
        "changes": [{"what": "调解协议内容", "before": "赔偿八万元", "after": "赔偿六万元"}],
        "outcome": "succeeded",
        "terms": "赔偿六万元",
        **overrides,
    }


def test_a_corrected_result_replaces_the_record_and_is_told(delegated, answer, result, from_investor):
    answer(delegated)
    result(delegated, MediationOutcome.SUCCEEDED, terms="赔偿八万元")
    from_investor(MessageType.RESULT_CORRECTED, delegated, **_result_correction(delegated))
    delegated.refresh_from_db()
    assert delegated.terms == "赔偿六万元"
    story = list(delegated.case.events.values_list("text", flat=True))
    assert any("更正调解结果（调解协议内容）：调解协议金额笔误" in t for t in story)
    assert AuditRecord.objects.filter(action="delegation.result_corrected").exists()


def test_a_corrected_result_is_refused_once_the_court_acted(
    staff, delegated, answer, result, investor, post_message, make_envelope
):
    answer(delegated)
    result(delegated, MediationOutcome.FAILED, reason="被申请人不同意赔偿方案")
    cases.send_back_to_court(staff, delegated.case)
    body = {
        "delegation_id": str(delegated.pk),
        **_result_correction(delegated, outcome="failed", terms="", result_reason="被申请人不同意"),
        "corrected_at": timezone.now().isoformat(),
    }
    message = make_envelope(
        MessageType.RESULT_CORRECTED, delegated.case_id, 3, body, "investor-platform", "court-platform"
    )
    response = post_message(message, investor.key)
    assert response.status_code == 422 and response.json()["error"] == "case_moved_on"
    delegated.refresh_from_db()
    assert delegated.outcome_reason == "被申请人不同意赔偿方案"


def test_retention_erases_the_personal_values_of_corrections_too(staff, delegated, settings):
    """Once the case has been closed longer than the retention period, the corrections' personal values go with
    the parties' — in the revision and in the stored CASE_CORRECTED message (docs/personal-data.md)."""
    import datetime as dt

    from sutiao.court.actions.personal_data import purge_personal_data

    case = delegated.case
    revision = correct(staff, case, parties=edits(case, 李四={"phone": "13800000002", "name": "李思"}))
    days = settings.SUTIAO_RETENTION_DAYS["case_parties"]
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=days + 1))
    assert purge_personal_data() == 1
    revision.refresh_from_db()
    phone = next(c for c in revision.changes if c["field"] == "phone")
    assert phone["before"] == phone["after"] == ""
    assert any(c["after"] == "李思" for c in revision.changes)  # names stay with the file
    [message] = OutboxMessage.objects.filter(type=MessageType.CASE_CORRECTED, case=case.pk)
    assert "13800000002" not in str(message.payload)


def test_two_parties_may_swap_names(staff, new_case):
    """Applicant and respondent registered the wrong way round: one correction swaps them."""
    case = new_case()
    swapped = edits(case, 李四={"name": "某某药业股份有限公司"}, 某某药业股份有限公司={"name": "李四"})
    correct(staff, case, parties=swapped)
    assert dict(case.parties.values_list("role", "name")) == {
        PartyRole.APPLICANT: "某某药业股份有限公司",
        PartyRole.RESPONDENT: "李四",
    }
