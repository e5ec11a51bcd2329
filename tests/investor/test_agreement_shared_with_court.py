"""Issue 11 §5: the agreement in force is shared with the court that entrusted or delegated the case, in the same
transaction as the AGREEMENT_STATUS message naming it, so the court can fetch it by that hash to make the 调解书
(LEGAL-RULES L15); nothing is shared before it takes effect."""

from django.utils import timezone
from test_agreements import case  # noqa: F401 (the fixture)

from documents_checks import sandbox  # noqa: F401 (the fixture)
from sutiao.docking.documents import shared_file
from sutiao.investor.actions import agreements as actions


def test_l15_the_agreement_in_force_is_shared_with_the_court(case, mediator_a):  # noqa: F811
    mediation, *_, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    actions.submit_for_signing(mediator_a, agreement)
    peer = mediation.delegation.peer
    actions.signature_recorded(agreement, row_a, timezone.now())
    assert shared_file(peer, agreement.current.sha256) is None
    actions.signature_recorded(agreement, row_b, timezone.now())
    agreement.refresh_from_db()
    assert shared_file(peer, agreement.current.sha256) == agreement.current.pdf
