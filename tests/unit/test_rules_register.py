"""The rules register (issue 9 §1): each LEGAL-RULES id the code enforces is defined once in kernel.rules, has a
test naming it, and docs/rules.md says where it lives; the rest are listed as not implemented, never both."""

import re

import pytest

from sutiao import rules_doc
from sutiao.kernel.calendar import PeriodRule
from sutiao.kernel.enums import CaseStage
from sutiao.kernel.rules import NOT_IMPLEMENTED, RULES, cite_notice
from sutiao.kernel.workflow import COURT, CourtEvent, CourtState, TransitionNotAllowed, back_to_court_event

LEGAL_RULE_IDS = {f"L{n}" for n in range(1, 24)}  # ../shared/docs/LEGAL-RULES.md, L1 to L23


def test_docs_rules_md_is_generated_from_the_code():
    """Run `python -m sutiao.rules_doc` (or `make rules-doc`) after changing a rule, its uses or its tests."""
    assert rules_doc.DOC.read_text(encoding="utf-8") == rules_doc.render()


def test_every_rule_in_the_register_has_a_test_naming_it():
    named = rules_doc.tests_naming()
    assert [rule_id for rule_id in RULES if not named.get(rule_id)] == []


def test_every_legal_rule_is_either_implemented_or_listed_as_not_implemented():
    assert set(RULES) | set(NOT_IMPLEMENTED) == LEGAL_RULE_IDS
    assert set(RULES) & set(NOT_IMPLEMENTED) == set()


def test_no_code_cites_a_rule_listed_as_not_implemented():
    """L6 and L9 (issue 9): nothing may look implemented while the register says it is not."""
    assert rules_doc.stray_mentions() == []


def test_each_period_carries_the_id_of_a_rule_in_the_register():
    periods = [v for rule in RULES.values() for v in _values(rule.value) if isinstance(v, PeriodRule)]
    assert periods and {p.code.split("-")[0] for p in periods} <= set(RULES)


def _values(value):
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, tuple | list):
        return list(value)
    return [value]


def test_l22_the_notice_is_cited_by_part_and_item():
    """L22: 法办〔2021〕313号 四（五） — parts and items, never 第四条."""
    assert cite_notice("四", "五") == "法办〔2021〕313号 四（五）"
    citations = [rule.citation for rule in RULES.values()] + [
        v.citation for rule in RULES.values() for v in _values(rule.value) if isinstance(v, PeriodRule)
    ]
    notice = [c for c in citations if "313号" in c and c != "法办〔2021〕313号"]
    assert notice and all(re.search(r"313号 [一二三四五六七八九十]+（[一二三四五六七八九十]+）", c) for c in notice)
    assert not any(re.search(r"313号 ?第", c) for c in citations)


def test_l1_the_court_delegates_only_after_every_party_consented():
    """L1: consent first — the court's machine has no way to delegate from before consent."""
    for state in (CourtState.APPLIED, CourtState.AWAITING_CONSENT):
        with pytest.raises(TransitionNotAllowed):
            COURT.next_state(state, CourtEvent.DELEGATE)
    assert COURT.next_state(CourtState.AWAITING_CONSENT, CourtEvent.ALL_CONSENTED) == CourtState.CONSENTED
    assert COURT.next_state(CourtState.CONSENTED, CourtEvent.DELEGATE) == CourtState.DELEGATED


def test_l17_failed_pre_filing_mediation_is_filed_and_in_litigation_resumes_trial():
    """L17: 委派 failures are filed, 委托 failures go back to trial."""
    assert back_to_court_event(CaseStage.PRE_FILING) == CourtEvent.FILE_CASE
    assert back_to_court_event(CaseStage.IN_LITIGATION) == CourtEvent.RESUME_TRIAL
    assert COURT.next_state(CourtState.FAILED, CourtEvent.FILE_CASE) == CourtState.FILED
    assert COURT.next_state(CourtState.FAILED, CourtEvent.RESUME_TRIAL) == CourtState.TRIAL_RESUMED


def test_the_generator_is_deterministic():
    assert rules_doc.render() == rules_doc.render()
