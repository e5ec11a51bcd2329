"""Kernel rules of issue 11 §5–6: the 调解书 takes effect only when both parties signed for receipt (L15); electronic
service needs consent, takes effect on arrival, the earliest channel counting (L16); the case fee of a property
case by the bands of 《诉讼费用交纳办法》Art. 13 and half of it for a case closed by a 调解书 (L18)."""

import datetime as dt
from decimal import Decimal

import pytest

from sutiao.kernel.confirmation import case_fee, half_fee
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation_document import takes_effect
from sutiao.kernel.service import ServiceChannel, consented_channels, may_serve_electronically, served_at
from sutiao.kernel.workflow import COURT, CourtEvent, CourtState, TransitionNotAllowed


def test_l15_the_document_takes_effect_only_when_every_party_signed_for_receipt():
    assert not takes_effect(set(), {1, 2})
    assert not takes_effect({1}, {1, 2})
    assert takes_effect({1, 2}, {1, 2})
    assert not takes_effect({1, 3}, {1, 2})  # someone else's receipt is not the party's
    assert not takes_effect(set(), set())


def test_l15_the_case_closes_on_effect_or_returns_to_trial_on_refusal():
    issued = COURT.next_state(CourtState.SUCCEEDED, CourtEvent.ISSUE_DOCUMENT)
    assert issued == CourtState.DOCUMENT_ISSUED
    assert COURT.next_state(issued, CourtEvent.DOCUMENT_EFFECTIVE) == CourtState.DOCUMENT_EFFECTIVE
    assert COURT.next_state(issued, CourtEvent.RESUME_TRIAL) == CourtState.TRIAL_RESUMED
    with pytest.raises(TransitionNotAllowed):
        COURT.next_state(CourtState.MEDIATING, CourtEvent.ISSUE_DOCUMENT)


def test_l16_consent_names_a_known_channel_and_service_needs_one():
    assert consented_channels(["in_app", "sms", "in_app"]) == (ServiceChannel.INBOX, ServiceChannel.SMS)
    with pytest.raises(DomainError):
        consented_channels([])
    with pytest.raises(ValueError):
        consented_channels(["fax"])
    assert may_serve_electronically(["email"]) and not may_serve_electronically([])


def test_l16_service_takes_effect_at_the_earliest_arrival():
    t = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert served_at([None, t + dt.timedelta(minutes=5), t]) == t
    assert served_at([None, None]) is None


@pytest.mark.parametrize(
    "amount, fee",
    [
        # Worked by hand from Art. 13(1): 50 yuan up to 10,000, then each band's part at its rate.
        ("5000", "50.00"),
        ("10000", "50.00"),
        ("100000", "2300.00"),  # 50 + 90,000 × 2.5 %
        ("125000", "2800.00"),  # 2,300 + 25,000 × 2 %
        ("123456.78", "2769.14"),  # 2,300 + 23,456.78 × 2 % = 2,769.1356
        ("500000", "8800.00"),  # 2,300 + 2,000 + 300,000 × 1.5 %
        ("1000000", "13800.00"),  # 8,800 + 500,000 × 1 %
        ("2000000", "22800.00"),  # 13,800 + 1,000,000 × 0.9 %
        ("5000000", "46800.00"),  # 22,800 + 3,000,000 × 0.8 %
        ("10000000", "81800.00"),  # 46,800 + 5,000,000 × 0.7 %
        ("20000000", "141800.00"),  # 81,800 + 10,000,000 × 0.6 %
        ("30000000", "191800.00"),  # 141,800 + 10,000,000 × 0.5 %
    ],
)
def test_l18_the_property_case_fee_follows_the_bands_of_article_13(amount, fee):
    assert case_fee(Decimal(amount)) == Decimal(fee)


def test_l18_a_case_closed_by_a_mediation_document_pays_half():
    assert half_fee(case_fee(Decimal("1000000"))) == Decimal("6900.00")
    assert half_fee(case_fee(Decimal("123456.78"))) == Decimal("1384.57")
    with pytest.raises(DomainError):
        case_fee(Decimal("-1"))
