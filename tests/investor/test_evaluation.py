"""Issue 13 §4 on the investor platform: the Bureau keeps a scoring scheme, evaluates the organisations over a
quarter with the dashboard's figures, each score explained; one below the threshold is flagged to its supervising
body with the figures behind it; commendations are recorded; a supervisor reads only the rows it oversees."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from investor_registry_setup import registered_org
from investor_report_setup import write_delegations_bypassing_actions

from report_data import TODAY, generate
from sutiao.accounts.models import Role, User
from sutiao.audit.models import AuditRecord
from sutiao.kernel.errors import DomainError
from sutiao.kernel.evaluation import LOWER, Weight
from sutiao.kernel.workflow import ReportPeriod
from sutiao.notifications.models import Notification
from sutiao.reports import actions, metrics, periodic
from sutiao.reports.facts import source

WEIGHTS = [Weight("success_rate", 60), Weight("answered_late", 40, LOWER)]


@pytest.fixture
def world(court_peer, bureau_user):
    made = write_delegations_bypassing_actions(
        generate(), court_peer.peer, lambda name, n, office: registered_org(name, n, office, court_peer, bureau_user)
    )
    made["office_user"] = User.objects.create_user(
        "office1_e", password="x-long-password", role=Role.SUPERVISOR, institution=made["offices"][0]
    )
    made["other_office_user"] = User.objects.create_user(
        "office2_e", password="x-long-password", role=Role.SUPERVISOR, institution=made["offices"][1]
    )
    return made


def _scheme(user, flag_below=100):
    return actions.create_scheme(
        user,
        name="2025年调解组织评估",
        subject="organisation",
        period=ReportPeriod.YEAR,
        weights=WEIGHTS,
        min_cases=5,
        flag_below=flag_below,
    )


def test_the_ranking_uses_the_dashboards_figures_and_explains_each_score(world, bureau_user):
    evaluation = actions.run_evaluation(bureau_user, _scheme(bureau_user, flag_below=0), dt.date(2025, 1, 1))
    facts = periodic.window(source().public_facts(), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    figures = {str(r["key"]): r for r in metrics.by_dimension(facts, "organisation", TODAY)}
    assert {r["key"] for r in evaluation.rows} == set(figures)
    for r in evaluation.rows:
        f = figures[r["key"]]
        expected = Decimal(f["success_rate"]) * 60 / 100 + 40 * (1 - Decimal(f["answered_late"]) / f["received"])
        assert abs(Decimal(r["score"]) - expected) <= Decimal("0.05"), r
        assert [p["metric"] for p in r["parts"]] == ["success_rate", "answered_late"]
    assert [r["rank"] for r in evaluation.rows] == [1, 2, 3]
    assert sorted((Decimal(r["score"]) for r in evaluation.rows), reverse=True) == [
        Decimal(r["score"]) for r in evaluation.rows
    ]


def test_a_low_score_is_flagged_to_the_supervising_body_with_its_figures(world, bureau_user):
    evaluation = actions.run_evaluation(bureau_user, _scheme(bureau_user, flag_below=100), dt.date(2025, 1, 1))
    assert evaluation.flagged == 3
    told = Notification.objects.filter(kind="evaluation_flagged", recipient=world["office_user"])
    # Organisations 1 and 2 are under office 1; organisation 3 under office 2, which has no staff here.
    assert told.filter(channel="in_app").count() == 2
    body = told.first().body
    assert "调解成功率" in body and "逾期答复" in body and "分（" in body
    assert (
        not Notification.objects.filter(kind="evaluation_flagged", recipient=world["other_office_user"])
        .exclude(body__contains="测试调解组织3")
        .exists()
    )


def test_only_the_bureau_keeps_schemes_evaluates_and_commends(world, bureau_user):
    with pytest.raises(PermissionDenied):
        _scheme(world["office_user"])
    scheme = _scheme(bureau_user)
    with pytest.raises(PermissionDenied):
        actions.run_evaluation(world["office_user"], scheme, dt.date(2025, 1, 1))
    with pytest.raises(DomainError, match="权重之和应为 100"):
        actions.create_scheme(
            bureau_user,
            name="x",
            subject="organisation",
            period="year",
            weights=WEIGHTS[:1],
            min_cases=5,
            flag_below=60,
        )
    evaluation = actions.run_evaluation(bureau_user, scheme, dt.date(2025, 1, 1))
    first = evaluation.rows[0]
    commendation = actions.commend(
        bureau_user, evaluation, subject="organisation", key=first["key"], title="年度优秀调解组织", reason="成功率第一"
    )
    assert commendation.subject_name == first["name"]
    with pytest.raises(DomainError, match="不在本次评估的排名中"):
        actions.commend(bureau_user, evaluation, subject="organisation", key="nobody", title="x", reason="y")
    assert AuditRecord.objects.filter(action__startswith="evaluation.").count() == 3


def test_a_supervisor_reads_the_rows_it_oversees_and_the_pages_work(world, bureau_user, client):
    evaluation = actions.run_evaluation(bureau_user, _scheme(bureau_user), dt.date(2025, 1, 1))
    client.force_login(world["office_user"])
    page = client.get(reverse("evaluation", args=[evaluation.pk])).content.decode()
    assert "测试调解组织1" in page and "测试调解组织2" in page and "测试调解组织3" not in page
    assert 'data-testid="commend-form"' not in page
    assert client.post(reverse("evaluation-run"), {}).status_code == 403
    client.force_login(bureau_user)
    home = client.get(reverse("evaluation-home")).content.decode()
    assert 'data-testid="evaluation-scheme"' in home and 'data-testid="evaluation-row"' in home
    made = client.post(reverse("evaluation-run"), {"scheme": str(evaluation.scheme_id), "year": 2025, "quarter": ""})
    assert made.status_code == 302
    refused = client.post(
        reverse("evaluation-scheme-new"),
        {
            "name": "x",
            "subject": "mediator",
            "period": "quarter",
            "min_cases": 3,
            "flag_below": "60",
            "w_success_rate": 50,
        },
    )
    assert "权重之和应为 100" in refused.content.decode()
