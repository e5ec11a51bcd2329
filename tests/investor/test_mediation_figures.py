"""Issue 13: the mediation's figures kept on its row for the dashboards (investor.mediation.figures) are, after every
action that changes what they count, what a recompute from the sources gives — a session held, an extension
granted (not one refused), an agreement voided, in force, superseded after the court rejected its confirmation, a
term's performance reported, disputed, confirmed or left undisputed, a survey answered. An action that forgot to
refresh them fails here. The operators' command recomputes every mediation and says how many differed."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from test_agreements import _effective, case  # noqa: F401 (a fixture)
from test_confirmation_rejected import _ruled
from test_online_confirmation import from_court, sent  # noqa: F401 (fixtures)

from documents_checks import sandbox  # noqa: F401 (the fixture)
from sutiao.investor.actions import agreements as agreement_actions
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.actions.survey import answer_survey
from sutiao.investor.agreements.models import AgreementTerm, PerformanceStep
from sutiao.investor.mediation import figures
from sutiao.investor.mediation.models import Mediation, SessionMode
from sutiao.kernel.agreement import UNDISPUTED_DAYS
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.workflow import AgreementState

NOTHING = {
    "first_session_held_at": None,
    "extensions_granted": 0,
    "terms_agreed": 0,
    "terms_open": 0,
    "terms_last_due": None,
    "amount_agreed": None,
    "amount_paid": None,
    "survey_answers": 0,
    "survey_points": None,
}


def _stored(mediation) -> dict:
    """The mediation's stored figures, after checking that every mediation's equal a recompute from the sources."""
    assert figures.stale(Mediation.objects.all()) == []
    return Mediation.objects.values(*figures.FIGURES).get(pk=mediation.pk)


def _held(mediator, mediation, rows, starts_in_days):
    session = mediation_actions.schedule_session(
        mediator,
        mediation,
        timezone.now() + dt.timedelta(days=starts_in_days),
        SessionMode.ONLINE,
        "https://meet.example/1",
        rows,
        "sms",
    )
    participants = list(session.participants.all())
    for p in participants:
        mediation_actions.check_identity(mediator, p, "身份证件在线比对", True, True)
    return mediation_actions.record_session_held(mediator, session, [p.pk for p in participants])


def test_every_action_that_changes_a_figure_leaves_it_equal_to_a_recompute(case, mediator_a):  # noqa: F811
    mediation, party_a, party_b, row_a, row_b = case
    assert _stored(mediation) == NOTHING

    first = _held(mediator_a, mediation, [row_a, row_b], 2)
    assert _stored(mediation)["first_session_held_at"] == first.held_at
    _held(mediator_a, mediation, [row_a], 3)  # a later session: the first stays the first
    assert _stored(mediation)["first_session_held_at"] == first.held_at

    refused = mediation_actions.propose_extension(mediator_a, mediation, 5, "等待对账")
    mediation_actions.answer_extension(party_a, refused, row_a, False)
    assert _stored(mediation)["extensions_granted"] == 0
    granted = mediation_actions.propose_extension(mediator_a, mediation, 10, "双方正在核对交易记录")
    mediation_actions.answer_extension(party_a, granted, row_a, True)
    assert _stored(mediation)["extensions_granted"] == 0  # one party's consent grants nothing yet
    mediation_actions.answer_extension(party_b, granted, row_b, True)
    assert _stored(mediation)["extensions_granted"] == 1

    # A draft voided, then the agreement that takes effect (two terms, 80,000.00 and one without an amount).
    draft = agreement_actions.draft_agreement(mediator_a, mediation)
    agreement_actions.void_agreement(mediator_a, draft, "当事人另行协商")
    assert _stored(mediation)["terms_agreed"] == 0
    agreement = _effective(case, mediator_a)
    pay, act = agreement.current.terms.order_by("position")
    in_force = {
        "terms_agreed": 2,
        "terms_open": 2,
        "terms_last_due": pay.due,
        "amount_agreed": Decimal("80000.00"),
        "amount_paid": None,
    }
    assert _stored(mediation) == NOTHING | in_force | {"first_session_held_at": first.held_at, "extensions_granted": 1}

    # Performance: reported, disputed, reported again, confirmed; the other term reported and left undisputed.
    agreement_actions.confirm_performance(party_b, pay, row_b, PerformanceStep.REPORTED)
    agreement_actions.confirm_performance(party_a, pay, row_a, PerformanceStep.DISPUTED, "未收到款项")
    assert _stored(mediation)["terms_open"] == 2
    agreement_actions.confirm_performance(party_b, pay, row_b, PerformanceStep.REPORTED, "已再次转账")
    agreement_actions.confirm_performance(party_a, pay, row_a, PerformanceStep.CONFIRMED)
    assert {k: _stored(mediation)[k] for k in ("terms_open", "amount_paid")} == {
        "terms_open": 1,
        "amount_paid": Decimal("80000.00"),
    }
    agreement_actions.confirm_performance(party_b, act, row_b, PerformanceStep.REPORTED)
    # Time passes: the report is older than the dispute window (moved straight in the database: not a figure).
    AgreementTerm.objects.filter(pk=act.pk).update(reported_at=timezone.now() - dt.timedelta(days=UNDISPUTED_DAYS + 1))
    assert agreement_actions.remind_performance() == 1
    assert _stored(mediation)["terms_open"] == 0

    delegation_actions.record_result(
        mediator_a, mediation.delegation, MediationOutcome.SUCCEEDED, terms="被申请人赔偿申请人八万元。"
    )
    mediation.refresh_from_db()
    answer_survey(party_a, mediation, row_a, fairness=5, conduct=4, convenience=3)
    assert {k: _stored(mediation)[k] for k in ("survey_answers", "survey_points")} == {
        "survey_answers": 1,
        "survey_points": 12,
    }
    answer_survey(party_b, mediation, row_b, fairness=2, conduct=2, convenience=1)
    assert _stored(mediation) == NOTHING | in_force | {
        "first_session_held_at": first.held_at,
        "extensions_granted": 1,
        "terms_open": 0,
        "amount_paid": Decimal("80000.00"),
        "survey_answers": 2,
        "survey_points": 17,
    }


def test_a_superseded_agreement_counts_no_more_and_the_new_one_does(
    sent,  # noqa: F811
    case,  # noqa: F811
    from_court,  # noqa: F811
    mediator_a,
):
    mediation, _party_a, _party_b, row_a, row_b = case
    assert _stored(mediation)["terms_agreed"] == 2
    _ruled(sent, from_court, "rejected")
    new = agreement_actions.draft_agreement(mediator_a, mediation)
    sent.agreement.refresh_from_db()
    assert sent.agreement.state == AgreementState.SUPERSEDED
    assert {k: _stored(mediation)[k] for k in ("terms_agreed", "amount_agreed")} == {
        "terms_agreed": 0,
        "amount_agreed": None,
    }
    # The new draft starts from the rejected one's terms; the mediator changes them as the court's grounds call for.
    due = china_today() + dt.timedelta(days=20)
    term = agreement_actions.TermInput(row_b.pk, row_a.pk, "payment", "赔偿投资差额损失", Decimal("50000.00"), due)
    agreement_actions.revise_agreement(mediator_a, new, "双方同意如下。", [term], "按法院意见修改履行期限")
    agreement_actions.submit_for_signing(mediator_a, new)
    agreement_actions.signature_recorded(new, row_a, timezone.now())
    assert _stored(mediation)["terms_agreed"] == 0  # not in force until every party signed
    agreement_actions.signature_recorded(new, row_b, timezone.now())
    assert {k: _stored(mediation)[k] for k in ("terms_agreed", "terms_open", "terms_last_due", "amount_agreed")} == {
        "terms_agreed": 1,
        "terms_open": 1,
        "terms_last_due": due,
        "amount_agreed": Decimal("50000.00"),
    }


def test_a_mediation_that_fails_voids_its_draft_and_keeps_its_figures(case, mediator_a):  # noqa: F811
    mediation, *_rows = case
    agreement = agreement_actions.draft_agreement(mediator_a, mediation)
    agreement_actions.submit_for_signing(mediator_a, agreement)
    delegation_actions.record_result(mediator_a, mediation.delegation, MediationOutcome.WITHDRAWN, reason="已和解")
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.VOID
    assert _stored(mediation) == NOTHING


@pytest.fixture
def mediations(receive, org_a, admin_a):
    made = []
    for _ in range(3):
        delegation = receive(org_a)
        delegation_actions.accept_delegation(admin_a, delegation)
        made.append(Mediation.objects.get(pk=delegation.pk))
    return made


def test_the_command_recomputes_every_mediation_in_batches_and_says_how_many_differed(mediations):
    # Figures written past the actions (a restore of an older backup, a bulk load): two mediations are wrong.
    Mediation.objects.filter(pk=mediations[0].pk).update(extensions_granted=3)
    Mediation.objects.filter(pk=mediations[2].pk).update(survey_answers=1, survey_points=15)
    assert set(figures.stale(Mediation.objects.all())) == {mediations[0].pk, mediations[2].pk}
    out = io.StringIO()
    call_command("recompute_mediation_figures", "--batch", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("已重新计算 2 件") and lines[1].startswith("已重新计算 3 件")
    assert lines[-1] == "完成：共 3 件调解，2 件的统计数字与来源数据不一致，已更正"
    assert figures.stale(Mediation.objects.all()) == []
    assert Mediation.objects.values(*figures.FIGURES).get(pk=mediations[2].pk) == NOTHING
    # Run again, nothing differs.
    call_command("recompute_mediation_figures", stdout=(out := io.StringIO()))
    assert out.getvalue().splitlines()[-1] == "完成：共 3 件调解，0 件的统计数字与来源数据不一致，已更正"
