"""The kernel's rules for a direct application (issue 10 item 3): who may refuse (L19), its state machine, and what
a failed applicant is told about the competent court."""

import pytest

from sutiao.kernel.direct import RespondentSector, competent_court_guidance, respondent_may_refuse
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.workflow import APPLICATION, ApplicationEvent, ApplicationState, TransitionNotAllowed


def test_l19_securities_and_futures_firms_may_not_refuse_an_ordinary_investor():
    """L19: 《证券法》第九十四条第一款; 《期货和衍生品法》第五十七条 (not Art. 56, the burden of proof)."""
    assert not respondent_may_refuse(True, RespondentSector.SECURITIES_FIRM)
    assert not respondent_may_refuse(True, RespondentSector.FUTURES_FIRM)
    assert respondent_may_refuse(False, RespondentSector.SECURITIES_FIRM)  # a professional investor
    for sector in (RespondentSector.ISSUER, RespondentSector.FUND_MANAGER, RespondentSector.OTHER):
        assert respondent_may_refuse(True, sector)


def test_the_application_machine_mediates_only_once_taken_on_and_answered():
    with pytest.raises(TransitionNotAllowed):
        APPLICATION.next_state(ApplicationState.SUBMITTED, ApplicationEvent.START_MEDIATION)
    state = APPLICATION.next_state(ApplicationState.SUBMITTED, ApplicationEvent.ACCEPT)
    assert state == ApplicationState.AWAITING_RESPONDENT
    assert APPLICATION.next_state(state, ApplicationEvent.START_MEDIATION) == ApplicationState.MEDIATING
    with pytest.raises(TransitionNotAllowed):
        APPLICATION.next_state(ApplicationState.DECLINED, ApplicationEvent.ACCEPT)


def test_the_guidance_names_the_respondents_province_and_the_misrepresentation_court_where_it_applies():
    text = competent_court_guidance(DisputeType.MISREPRESENTATION, "91310000MA1FL0000N")
    assert "上海市" in text and "第二十二条" in text and "中级人民法院" in text and "以法院审查为准" in text
    plain = competent_court_guidance(DisputeType.BROKERAGE_CONTRACT, "91100000MA1FL0000X")
    assert "登记机关位于" not in plain and "虚假陈述" not in plain  # no province for a national-level code


def test_l19_cites_the_futures_laws_mediation_article_and_says_it_is_cited_from_outside_law():
    """期货和衍生品法 Art. 57 is the ordinary trader's mediation article (Art. 56: the burden of proof); the law
    is not in docs/law/, and the rules register says so."""
    from sutiao.kernel.direct import L19_CITATION
    from sutiao.kernel.rules import RULES

    assert "《中华人民共和国期货和衍生品法》第五十七条" in L19_CITATION and "第五十六条" not in L19_CITATION
    assert "docs/law/" in RULES["L19"].outside_law
