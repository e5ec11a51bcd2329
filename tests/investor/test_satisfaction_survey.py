"""Issue 13 §1: the parties' satisfaction survey. Once the mediation has ended each party — or its agent within the
«messages» scope — answers once (1–5 on fairness, the mediator's conduct, the convenience of the online process,
an optional comment); the answer is audited and the party sees what its agent did; anyone else finds no survey.
The reports read the mean and the number of answers (`satisfaction`)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from sutiao.accounts import parties
from sutiao.accounts.models import ActOnBehalf, AgentScope, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.actions.survey import answer_survey
from sutiao.investor.mediation.models import Mediation, SatisfactionSurvey
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import MediationOutcome, PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.reports import metrics
from sutiao.reports.facts import source

APPLICANT_ID, RESPONDENT_ID = "110105198001010016", "91110000100000000R"
ANSWER = {"fairness": 5, "conduct": 4, "convenience": 3, "comment": "调解员很耐心"}


@pytest.fixture
def case(receive, org_a, admin_a, mediator_a):
    delegation = receive(
        org_a,
        parties=[
            {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
        ],
    )
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    profile = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=APPLICANT_ID,
        mobile="13800000001",
        username="li_si",
        password="x-long-password",
    )
    firm = User.objects.create_user("drug_co", password="x-long-password", role=Role.PARTY, full_name="某某药业")
    mediation_actions.link_party_account(profile.user, profile.id_number_digest)
    mediation_actions.link_party_account(firm, parties.pii.id_number_digest(RESPONDENT_ID))
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    return delegation, mediation, profile.user, firm, row_a, row_b


def _end(delegation, mediator):
    delegation_actions.record_result(mediator, delegation, MediationOutcome.WITHDRAWN, reason="双方已自行和解")
    return Mediation.objects.get(pk=delegation.pk)


def _agent(party_user, scopes):
    lawyer = User.objects.create_user(f"lawyer{len(scopes)}", password="x" * 12, role=Role.AGENT, full_name="赵律师")
    parties.grant_power(
        party_user, agent=lawyer, scopes=list(scopes), valid_until=timezone.localdate() + dt.timedelta(days=30)
    )
    return lawyer


def test_no_survey_before_the_mediation_ended(client, case):
    _delegation, mediation, party_a, _firm, row_a, _row_b = case
    client.force_login(party_a)
    page = client.get(reverse("survey", args=[mediation.pk]))
    assert page.status_code == 200 and 'data-testid="survey-not-yet"' in page.content.decode()
    assert page.context["form"] is None
    posted = client.post(reverse("survey-answer", args=[mediation.pk]), {"party": row_a.pk, **ANSWER})
    assert posted.status_code == 200 and not SatisfactionSurvey.objects.exists()
    with pytest.raises(DomainError, match="调解结束后方可评价"):
        answer_survey(party_a, mediation, row_a, fairness=5, conduct=5, convenience=5)


def test_each_party_answers_once_after_the_end_and_it_is_audited(client, case, mediator_a):
    delegation, _mediation, party_a, firm, row_a, row_b = case
    mediation = _end(delegation, mediator_a)
    client.force_login(party_a)
    assert 'data-testid="survey-link"' in client.get(reverse("mediation-mine")).content.decode()
    form = client.get(reverse("survey", args=[mediation.pk])).context["form"]
    assert [p for p, _name in form.fields["party"].choices] == [row_a.pk]  # only one's own party
    sent = client.post(reverse("survey-answer", args=[mediation.pk]), {"party": row_a.pk, **ANSWER})
    assert sent.status_code == 302
    survey = SatisfactionSurvey.objects.get()
    assert (survey.party, survey.points, survey.comment, survey.by) == (row_a, 12, "调解员很耐心", party_a)
    audit = AuditRecord.objects.get(action="mediation.survey_answered")
    assert audit.after["fairness"] == 5 and audit.actor_id == str(party_a.pk)
    # Once: the form is gone, and the action refuses a second answer.
    page = client.get(reverse("survey", args=[mediation.pk]))
    assert page.context["form"] is None and 'data-testid="survey-answered"' in page.content.decode()
    with pytest.raises(DomainError, match="只能评价一次"):
        answer_survey(party_a, mediation, row_a, fairness=1, conduct=1, convenience=1)
    # Never for the other party.
    with pytest.raises(PermissionDenied):
        answer_survey(firm, mediation, row_a, fairness=1, conduct=1, convenience=1)
    answer_survey(firm, mediation, row_b, fairness=2, conduct=3, convenience=2)
    assert SatisfactionSurvey.objects.count() == 2


def test_a_score_outside_one_to_five_is_refused(client, case, mediator_a):
    delegation, _mediation, party_a, _firm, row_a, _row_b = case
    mediation = _end(delegation, mediator_a)
    client.force_login(party_a)
    page = client.post(reverse("survey-answer", args=[mediation.pk]), {"party": row_a.pk, **ANSWER, "fairness": 6})
    assert page.status_code == 200 and "请选择 1 至 5 分" in page.content.decode()
    with pytest.raises(DomainError):
        answer_survey(party_a, mediation, row_a, fairness=0, conduct=3, convenience=3)
    assert not SatisfactionSurvey.objects.exists()


def test_an_agent_answers_within_the_messages_scope_and_the_party_sees_it(client, case, mediator_a):
    delegation, _mediation, party_a, _firm, row_a, _row_b = case
    mediation = _end(delegation, mediator_a)
    signing_only = _agent(party_a, [AgentScope.SIGN])
    client.force_login(signing_only)
    page = client.get(reverse("survey", args=[mediation.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    with pytest.raises(PermissionDenied):
        answer_survey(signing_only, mediation, row_a, fairness=3, conduct=3, convenience=3)
    lawyer = _agent(party_a, [AgentScope.MESSAGES, AgentScope.SIGN])
    client.force_login(lawyer)
    sent = client.post(reverse("survey-answer", args=[mediation.pk]), {"party": row_a.pk, **ANSWER})
    assert sent.status_code == 302 and SatisfactionSurvey.objects.get().by == lawyer
    act = ActOnBehalf.objects.get(action="mediation.survey_answered")
    assert act.actor == lawyer and act.audit_seq


def test_the_mediator_and_the_organisation_find_no_survey(client, case, mediator_a, admin_a):
    delegation, *_ = case
    mediation = _end(delegation, mediator_a)
    for user in (mediator_a, admin_a):
        client.force_login(user)
        assert client.get(reverse("survey", args=[mediation.pk])).status_code == 404
        assert client.post(reverse("survey-answer", args=[mediation.pk]), ANSWER).status_code == 404


def test_the_figure_is_the_mean_of_every_score_with_the_number_of_answers(case, mediator_a, bureau_user):
    delegation, _mediation, party_a, firm, row_a, row_b = case
    mediation = _end(delegation, mediator_a)
    facts = source().facts(bureau_user)
    before = metrics.totals(facts, china_today())
    assert (before["satisfaction"], before["satisfaction_answers"]) == (None, 0)
    answer_survey(party_a, mediation, row_a, fairness=5, conduct=4, convenience=3)
    answer_survey(firm, mediation, row_b, fairness=2, conduct=2, convenience=2)
    after = metrics.totals(facts, china_today())
    # (5 + 4 + 3 + 2 + 2 + 2) ÷ 6 = 3.0
    assert (after["satisfaction"], after["satisfaction_answers"]) == (Decimal("3.0"), 2)
