"""Judicial confirmation as the kernel decides it (issue 11 §4): the application window and the competent court
(L11), the court's periods (L12), what a ruling opens (L13, L14) and its cost (L18). Dates are 2026's, whose
holiday arrangement chinese-calendar knows: 国庆 1–7 October, make-up working Saturday 28 February."""

import datetime as dt
from decimal import Decimal

import pytest

from sutiao.kernel.calendar import CHINA, WorkdayCalendar
from sutiao.kernel.confirmation import (
    CompetenceFacts,
    CourtLevel,
    RulingOutcome,
    VenueGround,
    acceptance_deadline,
    application_deadline,
    competent_venues,
    confirmation_fee,
    court_is_competent,
    half_fee,
    may_apply,
    objection_deadline,
    outsider_objection_last_day,
    review_deadlines,
    what_follows,
)
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import CONFIRMATION, ConfirmationEvent, ConfirmationState, TransitionNotAllowed

CAL = WorkdayCalendar()


def _at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHINA)


def test_l11_the_parties_apply_within_30_days_of_the_agreement_taking_effect():
    deadline = application_deadline(CAL, dt.date(2026, 3, 2))
    assert deadline.due == dt.date(2026, 4, 1)
    assert "第二百零五条" in deadline.rule.citation
    assert may_apply(CAL, dt.date(2026, 3, 2), _at(dt.date(2026, 4, 1), 23, 59))
    assert not may_apply(CAL, dt.date(2026, 3, 2), _at(dt.date(2026, 4, 2), 0, 0))


def test_l11_a_window_ending_in_the_national_day_holiday_runs_to_the_next_working_day():
    # 1 September + 30 days = 1 October, a holiday until the 7th: the last day is 8 October (民事诉讼法 Art. 85).
    assert application_deadline(CAL, dt.date(2026, 9, 1)).due == dt.date(2026, 10, 8)
    assert may_apply(CAL, dt.date(2026, 9, 1), _at(dt.date(2026, 10, 8), 18))


def test_l11_a_provisional_window_never_refuses_on_its_own():
    """L21: in a year nobody has published, the last day is only provisional — refusing is irreversible."""
    effective = dt.date(2027, 11, 20)
    assert application_deadline(CAL, effective).provisional
    assert may_apply(CAL, effective, _at(dt.date(2028, 1, 10)))


def test_l11_a_delegated_mediation_goes_back_to_the_inviting_court():
    venues = competent_venues(CompetenceFacts(DisputeType.BROKERAGE_CONTRACT, inviting_court="court-A"))
    assert [(v.ground, v.court) for v in venues] == [(VenueGround.INVITING_COURT, "court-A")]
    assert court_is_competent(venues, "court-A", CourtLevel.BASIC, ()) is venues[0]
    assert court_is_competent(venues, "court-B", CourtLevel.BASIC, ("11",)) is None


def test_l11_the_organisations_own_mediation_goes_to_a_basic_court_of_a_party_the_subject_or_the_seat():
    facts = CompetenceFacts(
        DisputeType.BROKERAGE_CONTRACT,
        party_domiciles=("110105", "310115", "110105"),
        subject_matter="440304",
        organisation_seat="110102",
    )
    venues = competent_venues(facts)
    assert [(v.ground, v.place, v.level) for v in venues] == [
        (VenueGround.PARTY_DOMICILE, "110105", CourtLevel.BASIC),
        (VenueGround.PARTY_DOMICILE, "310115", CourtLevel.BASIC),
        (VenueGround.SUBJECT_MATTER, "440304", CourtLevel.BASIC),
        (VenueGround.ORGANISATION_SEAT, "110102", CourtLevel.BASIC),
    ]
    # 朝阳区's basic court serves 110105; an intermediate court of Beijing does not hear a basic court's case.
    assert court_is_competent(venues, "chaoyang", CourtLevel.BASIC, ("110105",)).ground == VenueGround.PARTY_DOMICILE
    assert court_is_competent(venues, "bj-2nd-intermediate", CourtLevel.INTERMEDIATE, ("1101",)) is None
    assert court_is_competent(venues, "haidian", CourtLevel.BASIC, ("110108",)) is None


def test_l11_misrepresentation_belongs_to_the_intermediate_court_of_the_issuers_seat():
    facts = CompetenceFacts(
        DisputeType.MISREPRESENTATION, party_domiciles=("110105",), organisation_seat="110102", issuer_seat="310115"
    )
    [venue] = competent_venues(facts)
    assert (venue.ground, venue.level, venue.place) == (VenueGround.ISSUER_SEAT, CourtLevel.INTERMEDIATE, "310115")
    assert "虚假陈述" in venue.citation and "第三条" in venue.citation
    # Shanghai's designated court for misrepresentation serves the whole province ("31").
    assert court_is_competent([venue], "shanghai-financial", CourtLevel.INTERMEDIATE, ("31",)) is venue
    assert court_is_competent([venue], "chaoyang", CourtLevel.BASIC, ("110105",)) is None
    with pytest.raises(DomainError, match="发行人住所地"):
        competent_venues(CompetenceFacts(DisputeType.MISREPRESENTATION, party_domiciles=("110105",)))


def test_l11_configured_dispute_types_go_to_intermediate_courts_and_a_place_is_required():
    facts = CompetenceFacts(DisputeType.INSIDER_TRADING, party_domiciles=("110105",))
    assert competent_venues(facts, intermediate_types=[DisputeType.INSIDER_TRADING])[0].level == CourtLevel.INTERMEDIATE
    assert competent_venues(facts)[0].level == CourtLevel.BASIC
    with pytest.raises(DomainError, match="确定管辖法院"):
        competent_venues(CompetenceFacts(DisputeType.OTHER))


def test_l12_acceptance_within_3_days_across_the_national_day_holiday():
    # Received 29 September: the 3rd day is 2 October, a holiday; the court decides by 8 October.
    deadline = acceptance_deadline(CAL, dt.date(2026, 9, 29))
    assert deadline.due == dt.date(2026, 10, 8)
    assert "第四条" in deadline.rule.citation


def test_l12_review_within_15_days_plus_10_with_the_presidents_approval():
    ordinary = review_deadlines(CAL, dt.date(2026, 3, 2), extended=False)
    assert ordinary.review.due == dt.date(2026, 3, 17)
    assert ordinary.special.due == dt.date(2026, 4, 1)  # 民事诉讼法 Art. 187: 30 days from filing
    extended = review_deadlines(CAL, dt.date(2026, 3, 2), extended=True)
    assert extended.review.due == dt.date(2026, 3, 27)
    assert extended.review.start == dt.date(2026, 3, 2)


def test_l12_review_ending_in_a_holiday_moves_and_the_extension_runs_from_there():
    # Accepted 20 September: the 15th day is 5 October (holiday) → 8 October; ten more → 18 October (a Sunday) → 19th.
    assert review_deadlines(CAL, dt.date(2026, 9, 20), extended=False).review.due == dt.date(2026, 10, 8)
    assert review_deadlines(CAL, dt.date(2026, 9, 20), extended=True).review.due == dt.date(2026, 10, 19)


def test_l12_the_application_moves_received_accepted_ruled_and_nothing_after():
    state = CONFIRMATION.next_state(ConfirmationState.RECEIVED, ConfirmationEvent.ACCEPT)
    assert state == ConfirmationState.ACCEPTED
    assert CONFIRMATION.next_state(state, ConfirmationEvent.CONFIRM) == ConfirmationState.CONFIRMED
    with pytest.raises(TransitionNotAllowed):
        CONFIRMATION.next_state(ConfirmationState.RECEIVED, ConfirmationEvent.CONFIRM)  # never before accepting
    with pytest.raises(TransitionNotAllowed):
        CONFIRMATION.next_state(ConfirmationState.CONFIRMED, ConfirmationEvent.WITHDRAW)  # not after the ruling


def test_l13_what_follows_each_ruling():
    assert "申请执行" in what_follows(RulingOutcome.VALID)[0]
    assert [line[:4] for line in what_follows(RulingOutcome.REJECTED)] == ["通过调解", "达成新的", "向人民法"]


def test_l14_a_partys_objection_within_15_days_of_receipt():
    # Received 16 January: the 15th day is Saturday 31 January → Monday 2 February.
    assert objection_deadline(CAL, dt.date(2026, 1, 16)).due == dt.date(2026, 2, 2)


def test_l14_an_outsiders_objection_within_six_months_month_end_and_rest_days():
    # 31 August + 6 months: February has no 31st → its last day, the 28th, a make-up working Saturday in 2026.
    assert outsider_objection_last_day(CAL, dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)
    # 1 April + 6 months = 1 October, a holiday → 8 October.
    assert outsider_objection_last_day(CAL, dt.date(2026, 4, 1)) == dt.date(2026, 10, 8)


def test_l18_no_fee_for_judicial_confirmation_half_for_a_mediated_case():
    assert confirmation_fee() == Decimal("0")
    assert half_fee(Decimal("1050.25")) == Decimal("525.13")
