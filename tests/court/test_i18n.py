"""English as the second locale of the court platform: Chinese by default, English by Accept-Language or by
the language switcher (POST /i18n/setlang/); and a complete English catalogue."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

import sutiao
from sutiao.court.actions import cases
from sutiao.court.models import Delegation
from sutiao.kernel import agreement, confirmation, enums, mediation, service, workflow
from sutiao.kernel.calendar import PeriodRule, china_today
from sutiao.kernel.rules import ANSWER_PERIODS
from sutiao.kernel.workflow import DelegationState
from sutiao.translation import LABELS
from sutiao.workdays.selectors import calendar

PO = Path(sutiao.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _unquote(line: str) -> str:
    return line.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def po_entries(path: Path = PO) -> list[tuple[str, list[str]]]:
    """(msgid, [msgstr, ...]) for every live entry of a .po file (obsolete `#~` entries left out)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith('"'):
                fields[key] += _unquote(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = _unquote(value)
        if "msgid" in fields and fields["msgid"]:
            entries.append((fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")]))
    return entries


def kernel_labels() -> set[str]:
    kinds = [
        enums.DisputeType,
        enums.DelegationKind,
        enums.CaseStage,
        enums.PartyRole,
        enums.PartyKind,
        enums.ConsentMethod,
        enums.MediationOutcome,
        workflow.CourtState,
        workflow.InvestorState,
        workflow.DelegationState,
        workflow.CourtProposalState,
        workflow.MediationState,
        mediation.TerminationGround,
        mediation.RecusalDecision,
        confirmation.CourtLevel,
        confirmation.VenueGround,
        confirmation.NonAcceptanceGround,
        confirmation.RejectionGround,
        confirmation.RulingOutcome,
        workflow.ConfirmationState,
        workflow.RequestState,
        workflow.AgreementState,
        agreement.TermKind,
        agreement.TermStatus,
        workflow.MediationDocumentState,
        service.ServiceChannel,
        service.ServiceConsentMethod,
        service.OtherMeans,
    ]
    stage_labels = {workflow.court_state_label(s, stage) for s in workflow.CourtState for stage in enums.CaseStage}
    litigation_roles = {"原告", "被告"}
    return (
        {m.label for kind in kinds for m in kind}
        | {rule.citation for rule in ANSWER_PERIODS.values()}
        | stage_labels
        | litigation_roles
    )


def test_every_msgid_has_an_english_msgstr():
    entries = po_entries()
    assert len(entries) > 250
    untranslated = [msgid for msgid, strs in entries if not strs or not all(s.strip() for s in strs)]
    assert untranslated == []
    fuzzy = re.findall(r"^#,.*fuzzy.*\n(?:#.*\n)*msgid (.*)$", PO.read_text(encoding="utf-8"), re.M)
    assert fuzzy == []


def test_the_committed_mo_matches_the_po():
    """A fresh machine may have no gettext tools: the compiled catalogue is committed and must be current."""
    with translation.override("en"):
        for msgid, strs in po_entries():
            if len(strs) == 1:
                assert translation.gettext(msgid) == strs[0], msgid


def test_kernel_labels_are_listed_and_translated():
    """The Django-free kernel keeps Chinese labels; sutiao/translation.py lists each one for makemessages."""
    labels = kernel_labels() | {settings.PLATFORM_NAME}
    assert labels <= set(LABELS)
    with translation.override("en"):
        assert {label for label in labels if translation.gettext(label) == label} == set()
        assert translation.gettext(enums.DelegationKind.DELEGATION.label) == "Pre-filing delegated mediation"
        assert translation.gettext(enums.DelegationKind.ENTRUSTMENT.label) == "Court-entrusted mediation"


def test_home_is_chinese_by_default_and_english_on_request(client, staff, consented_case):
    client.force_login(staff)
    chinese = client.get("/").content.decode()
    assert 'lang="zh-hans"' in chinese
    assert "登记调解申请" in chinese and "各方同意调解，待委派" in chinese
    assert "Register" not in chinese

    english = client.get("/", **EN).content.decode()
    assert 'lang="en"' in english
    assert "Register a mediation application" in english and "Workbench" in english
    assert "People&#x27;s Court Mediation Platform" in english
    assert "All parties agree to mediation; awaiting delegation" in english
    assert "Misrepresentation" in english and "125,000.00 yuan" in english
    assert "登记调解申请" not in english and "各方同意调解" not in english


def test_the_language_switcher_sets_english_for_the_next_pages(client, staff, appointable_case):
    client.force_login(staff)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(f"/cases/{appointable_case.pk}/").content.decode()
    assert "Parties and their answers on mediation" in page
    assert "All parties agree to mediation; awaiting delegation" in page
    assert "Pre-filing delegated mediation" in page  # the delegate form's heading: the kernel label, translated
    assert "Confirmed by phone (recorded)" in page and "Applicant" in page and "Respondent" in page
    assert 'data-testid="case-state" data-state="consented"' in page

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "当事人与调解意见" in client.get(f"/cases/{appointable_case.pk}/").content.decode()


def test_a_delegated_case_in_english_shows_the_answer_deadline(client, staff, delegated):
    Delegation.objects.filter(pk=delegated.pk).update(
        state=DelegationState.RECEIVED,
        received_at=timezone.now(),
        # Three working days ahead: the badge counts the rule's own unit (issue 15 §5), weekends not counted.
        answer_due=calendar().add_working_days(china_today(), PeriodRule("test", 3, True, "")).due,
    )
    client.force_login(staff)
    page = client.get(f"/cases/{delegated.case_id}/", **EN).content.decode()
    assert "Answer deadline" in page and "3 working days left" in page
    assert "Received by the mediation platform, awaiting answer" in page
    assert "answer deadline" in page.lower()
    chinese = client.get(f"/cases/{delegated.case_id}/").content.decode()
    assert "答复期限" in chinese and "剩 3 个工作日" in chinese and "调解平台已接收，待答复" in chinese


def test_refusals_are_in_english_for_english_users(client, staff, new_case, organisation):
    case = new_case()
    cases.ask_consent(staff, case)
    client.force_login(staff)
    refused = client.post(f"/cases/{case.pk}/delegate/", {"organisation": organisation.pk}, **EN)
    page = refused.content.decode()
    assert "These parties have not agreed to mediation" in page
    assert "李四" in page  # party names are data, never translated
    chinese = client.post(f"/cases/{case.pk}/delegate/", {"organisation": organisation.pk}).content.decode()
    assert "未取得以下当事人同意调解的意见" in chinese


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_case_record_stays_chinese(client, staff, new_case, language):
    """Case events are the record, written once in Chinese whatever language the user reads."""
    client.force_login(staff)
    case = new_case()
    client.post(f"/cases/{case.pk}/ask-consent/", HTTP_ACCEPT_LANGUAGE=language)
    assert case.events.last().text == "征求各方当事人调解意见"
