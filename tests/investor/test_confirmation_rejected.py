"""After the court rejects the application for judicial confirmation (LEGAL-RULES L13; 民事诉讼法 Art. 206) the parties
may change the agreement, reach a new one, or sue: the confirmation page offers the three, and the mediator may
draft a new agreement, which takes the place of the rejected one (kept, marked superseded) and can be signed and
sent for confirmation again. While an application is pending, or after a valid ruling, the agreement in force stays."""

import pytest
from django.utils import timezone
from test_agreements import case  # noqa: F401 (a fixture)
from test_online_confirmation import from_court, sent  # noqa: F401 (fixtures)

from documents_checks import sandbox  # noqa: F401 (the fixture)
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import agreements as agreement_actions
from sutiao.investor.actions import confirmation as actions
from sutiao.investor.agreements import selectors as agreement_selectors
from sutiao.investor.models import DelegationEvent
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
