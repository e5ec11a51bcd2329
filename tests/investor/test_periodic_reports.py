"""Issue 13 §3: quarterly and yearly quality-and-efficiency reports, made by a background task with its progress
shown, as a PDF (Chinese text embedded, charts drawn) and an Excel workbook whose totals are the dashboard's for
the same dates; made once per ended period by the scheduler; read by whom they belong to."""

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from investor_registry_setup import registered_org
from investor_report_setup import write_delegations_bypassing_actions, write_mediations_bypassing_actions
from openpyxl import load_workbook

from report_data import figures, generate, pdf_table_row
from sutiao.accounts.models import Role, User
from sutiao.documents.storage import open_verified
from sutiao.jobs.tasks import run_queued_tasks
from sutiao.kernel.calendar import CHINA, china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import ReportPeriod, ReportState
from sutiao.reports import actions, metrics, periodic
from sutiao.reports.facts import source
from sutiao.reports.models import PeriodicReport

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdftoppm")


def _world(records, court_peer, bureau_user):
    made = write_delegations_bypassing_actions(
        records, court_peer.peer, lambda name, n, office: registered_org(name, n, office, court_peer, bureau_user)
    )
    made["org_admin"] = User.objects.create_user(
        "org1_admin_r", password="x-long-password", role=Role.ORG_ADMIN, institution=made["orgs"][0]
    )
    return made


@pytest.fixture
def world(court_peer, bureau_user):
    return _world(generate(), court_peer, bureau_user)


def _bytes(stored) -> bytes:
    with open_verified(stored) as f:
        return f.read()


def _dashboard_totals(client, user, start, end) -> dict:
    """The dashboard's headline figures for the same dates, as its page shows them."""
    client.force_login(user)
    page = client.get(reverse("reports-dashboard"), {"start": start, "end": end})
    assert page.status_code == 200
    return page.context["totals"]


def _check_pdf(data: bytes, name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # The CJK font is embedded (emb = yes) as a subset: the text reads the same on any reader.
    assert any("WenQuanYi" in line and " yes yes " in line for line in fonts.splitlines()), fonts
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / name)], check=True)
    assert list(ARTIFACTS.glob(f"{name}-*.png"))
    return text


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts, pdftoppm) not installed")
def test_a_yearly_report_is_made_in_the_background_and_its_totals_are_the_dashboards(world, bureau_user, client):
    report = actions.request_report(bureau_user, ReportPeriod.YEAR, dt.date(2025, 1, 1))
    assert report.state == ReportState.QUEUED and report.progress == 0
    client.force_login(bureau_user)
    waiting = client.get(reverse("report-periodic", args=[report.pk])).content.decode()
    assert 'hx-get="' in waiting and 'data-state="queued"' in waiting  # the page polls its progress
    assert run_queued_tasks() == 1
    report.refresh_from_db()
    assert report.state == ReportState.DONE and report.progress == 100 and report.finished_at
    done = client.get(reverse("report-periodic-progress", args=[report.pk])).content.decode()
    assert "hx-get" not in done and 'data-testid="report-pdf"' in done

    text = _check_pdf(_bytes(report.pdf), "periodic-report-2025")
    assert "2025年证券期货纠纷调解质效报告" in text and "总体情况" in text
    assert "各月收到与调解成功" in text and "按调解组织" in text and "测试调解组织1" in text
    # Each dimension its numbered section, the region last (the sixth: 七).
    assert "七、按地区" in text and "北京市" in text and "上海市" in text

    dashboard = _dashboard_totals(client, bureau_user, "2025-01-01", "2025-12-31")
    book = load_workbook(io.BytesIO(_bytes(report.workbook)))
    sheet = book["总体情况"]
    printed = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=4)}
    for key, metric in metrics.METRICS.items():
        if key not in metrics.here():
            # A figure the platform holds no facts for (the court's) is said to be so, not printed as 0.
            assert printed[str(metric.label)] == "本平台无此数据", key
            continue
        expected = dashboard[key]
        assert printed[str(metric.label)] == (
            float(expected) if expected is not None and metric.kind != "count" else expected
        ), key
    assert dashboard["received"] == sum(1 for r in generate() if r.received.astimezone(CHINA).year == 2025)
    # Each organisation's row in the workbook sums to the total.
    by_org = book["调解组织"]
    assert sum(row[1].value for row in by_org.iter_rows(min_row=2)) == dashboard["received"]
    # And each region's (the delegating court's province), by the case numbers of the year's cases.
    by_region = {row[0].value: row[1].value for row in book["地区"].iter_rows(min_row=2)}
    year = [r for r in generate() if r.received.astimezone(CHINA).year == 2025]
    names = {"11": "北京市", "31": "上海市"}
    assert by_region == {names[k]: sum(1 for r in year if r.region == k) for k in {r.region for r in year}}
    # The files download to the requester, audited by the documents app.
    pdf = client.get(reverse("report-periodic-file", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts, pdftoppm) not installed")
def test_the_pdf_groups_the_mediations_further_figures_by_organisation(world, bureau_user):
    """Each dimension has a second table, the same rows, with the figures of how the mediations went and were
    performed — those the investor platform holds; the court's (judicial confirmation, 调解书) are no column there."""
    write_mediations_bypassing_actions(generate(), world)
    report = actions.request_report(bureau_user, ReportPeriod.YEAR, dt.date(2025, 1, 1))
    assert run_queued_tasks() == 1
    report.refresh_from_db()
    text = _check_pdf(_bytes(report.pdf), "periodic-report-2025-further")
    assert "续表：按调解组织的其他指标" in text
    records = [r for r in generate() if r.received.astimezone(CHINA).year == 2025]
    for i in range(len(world["orgs"])):
        mine = figures([r for r in records if r.org == i], "investor")
        assert mine["amount_agreed"] > 0 and mine["satisfaction_answers"] > 0, i
        cells = (
            f"{mine['days_to_first_session']} 日",
            str(mine["extended"]),
            None,  # the performance rate: judged as of the day the report is made
            f"{mine['amount_agreed']:,.2f}",
            f"{mine['amount_paid']:,.2f}",
            str(mine["satisfaction_answers"]),
            str(mine["satisfaction"]),
        )
        assert pdf_table_row(f"测试调解组织{i + 1}", cells).search(text), (i, cells)
    # 本平台无此数据 only in the overview, once for each of the court's figures: no table has a column of it.
    assert text.count("本平台无此数据") == 3


def test_an_organisation_reports_on_its_own_figures_and_reads_only_its_own_reports(world, bureau_user, client):
    admin = world["org_admin"]
    mine = actions.request_report(admin, ReportPeriod.QUARTER, dt.date(2025, 4, 1))
    theirs = actions.request_report(bureau_user, ReportPeriod.QUARTER, dt.date(2025, 4, 1))
    run_queued_tasks()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    own_org = (
        source()
        .facts(admin)
        .filter(
            r_received__gte=dt.datetime(2025, 4, 1, tzinfo=CHINA), r_received__lt=dt.datetime(2025, 7, 1, tzinfo=CHINA)
        )
    )
    assert mine.totals["received"] == own_org.count() < theirs.totals["received"]
    client.force_login(admin)
    assert client.get(reverse("report-periodic", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("report-periodic-file", args=[theirs.pk, "xlsx"])).status_code == 404
    listing = client.get(reverse("report-periodic-list")).content.decode()
    assert str(mine.pk) in listing and str(theirs.pk) not in listing


def test_the_scheduler_makes_each_ended_periods_platform_report_once_for_the_bureau(world, bureau_user, client):
    assert periodic.schedule_due_reports(today=dt.date(2026, 12, 1)) == 2
    assert periodic.schedule_due_reports(today=dt.date(2026, 12, 1)) == 0
    made = {(r.period, r.starts_on, r.ends_on) for r in PeriodicReport.objects.filter(requested_by=None)}
    assert made == {
        (ReportPeriod.QUARTER, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (ReportPeriod.YEAR, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    }
    assert run_queued_tasks() == 2
    quarter = PeriodicReport.objects.get(requested_by=None, period=ReportPeriod.QUARTER)
    assert quarter.state == ReportState.DONE and quarter.pdf.uploaded_by is None
    client.force_login(bureau_user)
    assert client.get(reverse("report-periodic", args=[quarter.pk])).status_code == 200
    client.force_login(world["org_admin"])
    assert client.get(reverse("report-periodic", args=[quarter.pk])).status_code == 404


def test_a_period_not_yet_begun_or_misaligned_is_refused_in_chinese(bureau_user, db):
    today = china_today()
    with pytest.raises(DomainError, match="尚未开始"):
        actions.request_report(bureau_user, ReportPeriod.YEAR, dt.date(today.year + 1, 1, 1))
    with pytest.raises(DomainError, match="第一天"):
        actions.request_report(bureau_user, ReportPeriod.QUARTER, dt.date(2025, 2, 1))
    # A period still running is reported up to today.
    current = actions.request_report(bureau_user, ReportPeriod.YEAR, dt.date(today.year, 1, 1))
    assert current.ends_on == today
    assert actions.request_report(bureau_user, ReportPeriod.YEAR, dt.date(today.year, 1, 1)) == current


def test_a_report_a_stopped_worker_left_fails_and_can_be_asked_again(world, bureau_user, client):
    report = actions.request_report(bureau_user, ReportPeriod.QUARTER, dt.date(2025, 1, 1))
    PeriodicReport.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, created_at=report.created_at - dt.timedelta(hours=2)
    )
    assert periodic.fail_interrupted() == 1
    client.force_login(bureau_user)
    page = client.get(reverse("report-periodic", args=[report.pk])).content.decode()
    assert 'data-testid="report-failed"' in page and "请重新申请" in page
    assert client.post(reverse("report-periodic-retry", args=[report.pk])).status_code == 302
    run_queued_tasks()
    report.refresh_from_db()
    assert report.state == ReportState.DONE


def test_who_has_no_dashboard_has_no_reports(db, client):
    party = User.objects.create_user("someone", password="x-long-password", role=Role.PARTY)
    client.force_login(party)
    assert client.get(reverse("report-periodic-list")).status_code == 403
    assert client.post(reverse("report-periodic-request"), {"period": "year", "year": 2025}).status_code == 403


def test_a_period_without_a_case_is_reported_as_months_of_zeros(bureau_user, db):
    # Found by the chaos run: on a platform with no case yet, the scheduler's first report failed drawing an
    # empty chart. A month without a case is a row of zeros, in the workbook and in the charts.
    report = actions.request_report(bureau_user, ReportPeriod.QUARTER, dt.date(2025, 1, 1))
    assert run_queued_tasks() == 1
    report.refresh_from_db()
    assert report.state == ReportState.DONE, report.error
    assert report.totals["received"] == 0
    sheet = load_workbook(io.BytesIO(_bytes(report.workbook)))["按月"]
    months = [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2)]
    assert months == [("2025年1月", 0), ("2025年2月", 0), ("2025年3月", 0)]
    assert _bytes(report.pdf).startswith(b"%PDF")
