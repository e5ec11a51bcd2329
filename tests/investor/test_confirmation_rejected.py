"""After the court rejects the application for judicial confirmation (LEGAL-RULES L13; 民事诉讼法 Art. 206) the parties
may change the agreement, reach a new one, or sue: the confirmation page offers the three, and the mediator may
draft a new agreement, which takes the place of the rejected one (kept, marked superseded) and can be signed and
sent for confirmation again. The new draft starts from the rejected agreement's last version (clauses and terms
copied, the same parties), its page names the court's grounds, its history says where it came from, and a copied
due date that has passed is flagged until the mediator changes it. While an application is pending, or after a
valid ruling, the agreement in force stays; a first agreement still starts from the template."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from test_agreements import _move_due_bypassing_actions, _terms, case  # noqa: F401 (a fixture)
from test_online_confirmation import from_court, sent  # noqa: F401 (fixtures)

from documents_checks import sandbox  # noqa: F401 (the fixture)
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import agreements as agreement_actions
from sutiao.investor.actions import confirmation as actions
from sutiao.investor.agreements import selectors as agreement_selectors
from sutiao.investor.agreements.models import Agreement
from sutiao.investor.models import DelegationEvent
from sutiao.kernel.agreement import DEFAULT_DUE_DAYS
from sutiao.kernel.calendar import china_today, cn_date
from sutiao.kernel.confirmation import RulingOutcome, new_agreement_allowed
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import AgreementState, RequestState


def test_l13_only_a_rejection_opens_a_new_agreement():
    assert new_agreement_allowed(RulingOutcome.REJECTED) and new_agreement_allowed("rejected")
    assert not new_agreement_allowed(RulingOutcome.VALID) and not new_agreement_allowed("")


def _ruled(request, from_court, outcome):  # noqa: F811
    request = from_court(request, step="received")
    request = from_court(request, step="accepted", number="(2026)京0105民特7号")
    return from_court(
        request,
        step="ruled",
        number=request.number,
        outcome=outcome,
        ground="内容不明确" if outcome == "rejected" else "",
        reasons="履行期限不明确" if outcome == "rejected" else "协议有效",
        ruling_sha256="c" * 64,
        ruling_size=100,
    )


def test_l13_while_the_application_is_pending_or_after_a_valid_ruling_no_new_agreement(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    mediator_a,
):
    mediation = case[0]
    with pytest.raises(DomainError, match="本案已有调解协议"):
        agreement_actions.draft_agreement(mediator_a, mediation)
    request = _ruled(sent, from_court, "valid")
    assert request.state == RequestState.CONFIRMED
    with pytest.raises(DomainError, match="本案已有调解协议"):
        agreement_actions.draft_agreement(mediator_a, mediation)
    assert agreement_selectors.current_agreement(mediation).state == AgreementState.EFFECTIVE


def test_l13_after_a_rejection_the_three_paths_are_offered_and_a_new_agreement_is_signed_and_applied_for(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    mediator_a,
    client,
):
    mediation, party_a, party_b, row_a, row_b = case
    request = _ruled(sent, from_court, "rejected")
    assert request.state == RequestState.REJECTED
    client.force_login(party_a)
    page = client.get(f"/mediations/{mediation.pk}/confirmation/").content.decode()
    assert 'data-testid="rejected-paths"' in page and "变更原调解协议" in page and "提起诉讼" in page
    reasons = page[page.index('data-testid="court-reasons"') :]
    assert "内容不明确" in reasons and "履行期限不明确" in reasons
    # The ground is the court's label of 解释 Art. 358, in the page's language; the reasons as the court wrote them.
    english = client.get(f"/mediations/{mediation.pk}/confirmation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    reasons = english[english.index('data-testid="court-reasons"') :]
    assert "Unclear" in reasons[:300] and "履行期限不明确" in reasons[:300]
    assert 'data-testid="redraft"' not in client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    client.force_login(mediator_a)
    page = client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    assert 'data-testid="redraft"' in page and "第二百零六条" in page

    response = client.post(f"/mediations/{mediation.pk}/agreement/draft/")
    assert response.status_code == 302
    old = request.agreement
    old.refresh_from_db()
    new = agreement_selectors.current_agreement(mediation)
    assert old.state == AgreementState.SUPERSEDED and new.pk != old.pk and new.state == AgreementState.DRAFT
    assert AuditRecord.objects.filter(action="agreement.supersede", object_id=str(old.pk)).exists()
    story = DelegationEvent.objects.filter(delegation=mediation.delegation).values_list("text", flat=True)
    assert any("司法确认申请被驳回，另行起草" in line for line in story)
    page = client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    assert 'data-state="draft"' in page and 'data-testid="redraft"' not in page

    # The new agreement goes the whole way again: signed, in force, a new joint application sent.
    agreement_actions.submit_for_signing(mediator_a, new)
    agreement_actions.signature_recorded(new, row_a, timezone.now())
    agreement_actions.signature_recorded(new, row_b, timezone.now())
    new.refresh_from_db()
    assert new.state == AgreementState.EFFECTIVE
    actions.join_confirmation(party_a, new, row_a, "110105")
    again = actions.join_confirmation(party_b, new, row_b, "110105")
    assert again.state == RequestState.SENT and again.pk != request.pk and again.agreement_id == new.pk


def _terms_of(version):
    return [
        (t.position, t.obligor_id, t.obligee_id, t.kind, t.description, t.amount, t.due)
        for t in version.terms.order_by("position")
    ]


def test_l13_the_new_draft_starts_from_the_rejected_agreement_and_names_the_courts_grounds(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    mediator_a,
    client,
):
    mediation, party_a, party_b, row_a, row_b = case
    request = _ruled(sent, from_court, "rejected")
    old = request.agreement
    old.refresh_from_db()
    rejected = old.current
    assert rejected.number == 2 and len(_terms_of(rejected)) == 2  # the template's version 1, then the agreed one

    client.force_login(mediator_a)
    response = client.post(f"/mediations/{mediation.pk}/agreement/draft/", follow=True)
    new = agreement_selectors.current_agreement(mediation)
    assert new.pk != old.pk and new.state == AgreementState.DRAFT and new.redrafted_from_id == rejected.pk
    version = new.current
    # The clauses and every term copied as they stood (the same parties), as new rows of the new version.
    assert version.number == 1 and version.clauses == rejected.clauses == "双方同意如下。"
    assert _terms_of(version) == _terms_of(rejected)
    assert {(t.obligor_id, t.obligee_id) for t in version.terms.all()} == {(row_b.pk, row_a.pk)}
    assert not set(version.terms.values_list("pk", flat=True)) & set(rejected.terms.values_list("pk", flat=True))
    assert version.sha256 != rejected.sha256  # its own PDF (its own footer, time and id)
    # Its history says where it came from, naming the version and the ruling.
    assert (
        version.note == "以原调解协议第2版为基础另行起草（北京市朝阳区人民法院(2026)京0105民特7号裁定驳回司法确认申请）"
    )
    drafted = AuditRecord.objects.get(action="agreement.draft", object_id=str(new.pk))
    assert drafted.after["from_version"] == 2 and drafted.after["from_agreement"] == str(old.pk)
    assert drafted.after["rejected_request"] == str(request.pk) and drafted.after["terms"] == 2
    story = DelegationEvent.objects.filter(delegation=mediation.delegation).values_list("text", flat=True)
    assert any("以原调解协议第2版的条款和履行条款为基础" in line for line in story)

    page = response.content.decode()
    assert "已以原调解协议为基础另行起草" in page
    grounds = page[page.index('data-testid="rejection-grounds"') :]
    grounds = grounds[: grounds.index('data-testid="current-version"')]
    assert "第2版" in grounds and "北京市朝阳区人民法院" in grounds and "(2026)京0105民特7号" in grounds
    assert "内容不明确" in grounds and "履行期限不明确" in grounds
    assert 'data-testid="draft-problems"' not in page and 'data-testid="term-flag"' not in page  # dates still ahead
    assert "以原调解协议第2版为基础另行起草" in page  # the version history
    english = client.get(f"/mediations/{mediation.pk}/agreement/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This draft starts from version 2 of the earlier agreement" in english
    assert "rejected the application to confirm the earlier agreement by civil ruling (2026)京0105民特7号" in english
    assert page.count('data-testid="term-form"') >= 2 and "在官网发布更正公告" in page  # the editor holds the copy
    # The parties see the draft with the grounds too; the superseded agreement's versions stay in the history.
    reader = Client()
    reader.force_login(party_a)
    page = reader.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    assert 'data-testid="rejection-grounds"' in page and "履行期限不明确" in page and "已另行起草" in page

    # Once revised, frozen and signed the grounds note is gone from the page; the provenance stays on the agreement.
    agreement_actions.revise_agreement(
        mediator_a, new, "双方同意如下，履行期限明确。", _terms(row_a, row_b), "按驳回理由修改"
    )
    agreement_actions.submit_for_signing(mediator_a, new)
    assert (
        'data-testid="rejection-grounds"' not in client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    )
    assert Agreement.objects.get(pk=new.pk).redrafted_from_id == rejected.pk


def test_l13_a_copied_due_date_that_has_passed_is_flagged_and_refused_at_submission(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    mediator_a,
    client,
):
    mediation, party_a, party_b, row_a, row_b = case
    request = _ruled(sent, from_court, "rejected")
    old = request.agreement
    old.refresh_from_db()
    yesterday = china_today() - dt.timedelta(days=1)
    # The rejection came after the agreed due date: the first term's date is in the past, the second still ahead.
    _move_due_bypassing_actions(list(old.current.terms.filter(position=1)), yesterday)

    new = agreement_actions.draft_agreement(mediator_a, mediation)
    first, second = new.current.terms.order_by("position")
    assert first.due == yesterday and second.due > china_today()  # kept, not silently moved
    client.force_login(mediator_a)
    page = client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    problems = page[page.index('data-testid="draft-problems"') :]
    problems = problems[: problems.index("</ul>")]
    assert f"第1项履行条款（履行期限{cn_date(yesterday)}）：履行期限不能早于今天" in problems
    assert "第2项" not in problems
    assert page.count('data-testid="term-flag" data-field="due"') == 1 and page.count('data-flagged="yes"') == 1
    assert page.count('data-testid="editor-flag"') == 1  # on the due date field of the first term in the editor

    # Submission refuses it (the same check), and nothing is frozen.
    with pytest.raises(agreement_actions.AgreementProblems, match="履行期限不能早于今天") as refused:
        agreement_actions.submit_for_signing(mediator_a, new)
    assert [(p.index, p.field) for p in refused.value.problems] == [(0, "due")]
    new.refresh_from_db()
    assert new.state == AgreementState.DRAFT and new.current.frozen_at is None

    # The mediator sets a new date: no flag, and it can be frozen.
    later = china_today() + dt.timedelta(days=20)
    agreement_actions.revise_agreement(
        mediator_a, new, new.current.clauses, _terms(row_a, row_b, due=later), "重新约定履行期限"
    )
    page = client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    assert 'data-testid="draft-problems"' not in page and 'data-testid="term-flag"' not in page
    assert agreement_actions.submit_for_signing(mediator_a, new).state == AgreementState.SIGNING


def test_a_first_agreement_and_one_after_a_void_still_start_from_the_template(case, mediator_a, client):  # noqa: F811
    mediation, party_a, party_b, row_a, row_b = case
    client.force_login(mediator_a)
    response = client.post(f"/mediations/{mediation.pk}/agreement/draft/", follow=True)
    first = agreement_selectors.current_agreement(mediation)
    assert first.redrafted_from_id is None and first.current.note == "按模板起草"
    assert "李四与某某药业股份有限公司证券虚假陈述责任纠纷一案" in first.current.clauses
    (term,) = first.current.terms.all()
    assert term.amount == Decimal("125000.00") and term.due == china_today() + dt.timedelta(days=DEFAULT_DUE_DAYS)
    page = response.content.decode()
    assert "已按模板起草调解协议" in page and 'data-testid="rejection-grounds"' not in page
    assert 'data-testid="draft-problems"' not in page
    drafted = AuditRecord.objects.get(action="agreement.draft", object_id=str(first.pk))
    assert "from_version" not in drafted.after

    # A void draft is no rejected agreement: the next draft is the template again, not a copy.
    agreement_actions.revise_agreement(mediator_a, first, "已协商的条款", _terms(row_a, row_b), "协商")
    agreement_actions.void_agreement(mediator_a, first, "重新起草")
    second = agreement_actions.draft_agreement(mediator_a, mediation)
    assert second.redrafted_from_id is None and second.current.note == "按模板起草"
    assert "已协商的条款" not in second.current.clauses


def test_l13_only_the_case_mediator_drafts_the_new_agreement(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    mediator_a,
    mediator_a2,
    mediator_b,
    admin_a,
    client,
):
    mediation, party_a, party_b, row_a, row_b = case
    request = _ruled(sent, from_court, "rejected")
    old = request.agreement
    drafted = AuditRecord.objects.filter(action="agreement.draft").count()
    for other in (mediator_a2, admin_a, party_a):
        with pytest.raises(PermissionDenied):
            agreement_actions.draft_agreement(other, mediation)
    for other in (mediator_a2, mediator_b, admin_a, party_a, party_b):
        client.force_login(other)
        assert client.post(f"/mediations/{mediation.pk}/agreement/draft/").status_code in (403, 404)
    old.refresh_from_db()
    assert old.state == AgreementState.EFFECTIVE and Agreement.objects.filter(mediation=mediation).count() == 1
    assert not AuditRecord.objects.filter(action="agreement.supersede").exists()
    assert AuditRecord.objects.filter(action="agreement.draft").count() == drafted
