"""Periodic reports and the dashboard at scale (issue 13 §3 acceptance): the investor platform with N delegations
received over two years, then

  · the quarterly quality-and-efficiency report made as the worker makes it (figures, PDF, workbook, stored) —
    seconds, and its ratio to a baseline read of the same quarter (one COUNT over its rows);
  · the report's totals checked against the dashboard's for the same dates, its PDF pages rendered with pdftoppm
    into test-artifacts/ (with pdffonts showing the Chinese font embedded);
  · the Bureau's dashboard page for the quarter, p50/p95 over repeated requests in process, against the sign-in
    page (no query) as the floor.

Figures are printed, never asserted (goal: the report ≤ 5 s at 1,000,000 cases on PostgreSQL). Defaults: 100,000
cases on SQLite and 1,000,000 on PostgreSQL (the PostgreSQL on 127.0.0.1:5432, or --pg-url):

  python bench/reports.py                     # both
  python bench/reports.py --sqlite 20000 --postgres 0   # a quick look

Each database runs in a child process of this script (`run`), with the platform's settings and a database of its
own, created and migrated here and dropped at the end."""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHUNK = 20_000
ORGS, OFFICES, MEDIATORS_PER_ORG, COURTS = 30, 6, 5, 40
TYPES = ["misrepresentation", "brokerage_contract", "insider_trading", "futures_brokerage", "private_fund"]


def _generate(n: int) -> dict:
    """N delegations written in bulk (the report reads them; how they got there is not what is measured)."""
    import datetime as dt
    import random
    import uuid

    from django.db import transaction

    from sutiao.accounts.models import Institution, InstitutionKind, Role, User
    from sutiao.docking.models import Peer
    from sutiao.investor.models import Delegation
    from sutiao.kernel.calendar import CHINA

    rnd = random.Random(13)
    peer, _ = Peer.objects.get_or_create(
        name="court-platform", defaults={"display_name": "法院平台", "base_url": "http://127.0.0.1:1"}
    )
    bureau_org = Institution.objects.create(kind=InstitutionKind.PROTECTION_BUREAU, name="中国证监会投资者保护局")
    bureau = User.objects.create(username="bench_bureau", role=Role.BUREAU_STAFF, institution=bureau_org)
    offices = [
        Institution.objects.create(kind=InstitutionKind.REGIONAL_OFFICE, name=f"测试监管局{i + 1}")
        for i in range(OFFICES)
    ]
    orgs = [
        Institution.objects.create(
            kind=InstitutionKind.MEDIATION_ORG, name=f"测试调解组织{i + 1}", parent=offices[i % OFFICES]
        )
        for i in range(ORGS)
    ]
    mediators = [
        [
            User(username=f"m{o}_{m}", role=Role.MEDIATOR, institution=orgs[o], full_name=f"调解员{o + 1}-{m + 1}")
            for m in range(MEDIATORS_PER_ORG)
        ]
        for o in range(ORGS)
    ]
    User.objects.bulk_create([u for row in mediators for u in row])
    mediators = [[User.objects.get(username=f"m{o}_{m}") for m in range(MEDIATORS_PER_ORG)] for o in range(ORGS)]
    courts = [(uuid.UUID(int=9000 + i), f"测试第{i + 1}人民法院") for i in range(COURTS)]
    start = dt.datetime(2025, 1, 1, 8, tzinfo=CHINA)
    span = (dt.datetime(2026, 11, 30, 20, tzinfo=CHINA) - start).total_seconds()
    began = time.monotonic()
    for first in range(0, n, CHUNK):
        rows = []
        for i in range(first, min(n, first + CHUNK)):
            received = start + dt.timedelta(seconds=rnd.random() * span)
            org = rnd.randrange(ORGS)
            court_id, court_name = courts[rnd.randrange(COURTS)]
            fate = rnd.random()
            answered = received + dt.timedelta(days=rnd.uniform(0.2, 9)) if fate > 0.05 else None
            declined = answered is not None and fate < 0.2
            mediator = mediators[org][rnd.randrange(MEDIATORS_PER_ORG)] if answered and not declined else None
            outcome = ""
            if mediator is not None and fate > 0.35:
                outcome = "succeeded" if fate > 0.55 else ("failed" if fate > 0.42 else "withdrawn")
            state = "received" if answered is None else "declined" if declined else outcome or "mediating"
            rows.append(
                Delegation(
                    id=uuid.UUID(int=i + 1),
                    case=uuid.UUID(int=10**9 + i),
                    peer=peer,
                    organisation=orgs[org],
                    kind="delegation",
                    court_id=court_id,
                    court_name=court_name,
                    court_case_number=f"(2026)测民诉前调{i + 1}号",
                    dispute_type=TYPES[i % len(TYPES)],
                    amount="1000.00",
                    claims=[],
                    parties=[],
                    consent=[],
                    delegated_at=received,
                    received_at=received,
                    answer_due=(received + dt.timedelta(days=7)).date(),
                    state=state,
                    answered_at=answered,
                    mediator=mediator,
                    outcome=outcome,
                    concluded_at=answered + dt.timedelta(days=rnd.uniform(5, 40)) if outcome else None,
                )
            )
        with transaction.atomic():
            Delegation.objects.bulk_create(rows, batch_size=2000)
    return {"bureau": bureau, "seconds": time.monotonic() - began}


def _timed(fn, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return times


def _p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def run(n: int, label: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutiao.settings.investor")
    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from sutiao.documents.storage import open_verified
    from sutiao.jobs.tasks import run_queued_tasks
    from sutiao.kernel.calendar import china_today
    from sutiao.kernel.workflow import ReportPeriod, ReportState
    from sutiao.reports import actions, metrics, periodic
    from sutiao.reports.facts import source

    setup_test_environment()  # the test client may run without ALLOWED_HOSTS containing testserver
    call_command("migrate", verbosity=0)
    made = _generate(n)
    print(f"[{label}] {n:,} delegations written in {made['seconds']:.0f} s", flush=True)
    if connection.vendor == "sqlite":
        connection.cursor().execute("ANALYZE")
    else:
        connection.cursor().execute("ANALYZE investor_delegation")
    bureau = made["bureau"]
    quarter = dt.date(2026, 7, 1)
    window = periodic.window(source().facts(bureau), quarter, dt.date(2026, 9, 30))
    baseline = min(_timed(lambda: window.count(), 3))
    report = actions.request_report(bureau, ReportPeriod.QUARTER, quarter)
    began = time.perf_counter()
    run_queued_tasks()
    seconds = time.perf_counter() - began
    report.refresh_from_db()
    assert report.state == ReportState.DONE, report.error
    print(
        f"[{label}] quarterly report over {report.totals['received']:,} of {n:,} cases: {seconds:.2f} s "
        f"(baseline COUNT of the quarter {baseline * 1000:.0f} ms; ratio {seconds / baseline:.0f}×; goal ≤ 5 s)",
        flush=True,
    )
    expected = metrics.totals(window, china_today())
    agree = all(
        (report.totals[k] == (float(v) if v is not None and not isinstance(v, int) else v)) for k, v in expected.items()
    )
    print(f"[{label}] report totals equal the dashboard's for the same dates: {agree}", flush=True)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / f"bench-report-{label}.pdf"
    with open_verified(report.pdf) as f:
        pdf_path.write_bytes(f.read())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf_path), str(ARTIFACTS / f"bench-report-{label}")], check=False
    )
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=False).stdout
    embedded = any("WenQuanYi" in line and " yes yes " in line for line in fonts.splitlines())
    pages = len(list(ARTIFACTS.glob(f"bench-report-{label}-*.png")))
    print(f"[{label}] PDF {pdf_path.stat().st_size:,} bytes, {pages} pages rendered, Chinese font embedded: {embedded}")
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(bureau)
    session = client.session  # signed in with both factors, as the Bureau's staff must be
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=bureau, name="bench", confirmed=True).persistent_id
    session.save()
    query = {"start": "2026-07-01", "end": "2026-09-30"}
    assert client.get("/reports/", query).status_code == 200  # and warm
    dashboard = _timed(lambda: client.get("/reports/", query), 20)
    floor = _timed(lambda: Client().get("/accounts/login/"), 20)
    print(
        f"[{label}] dashboard for the quarter: p50 {_p(dashboard, 0.5):.0f} ms, p95 {_p(dashboard, 0.95):.0f} ms "
        f"(sign-in page p95 {_p(floor, 0.95):.0f} ms; ratio {_p(dashboard, 0.95) / _p(floor, 0.95):.0f}×)",
        flush=True,
    )
    all_time = _timed(lambda: client.get("/reports/"), 5)
    print(f"[{label}] dashboard over all {n:,} cases: median {statistics.median(all_time) * 1000:.0f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", nargs="?", default="both")
    parser.add_argument("--sqlite", type=int, default=100_000)
    parser.add_argument("--postgres", type=int, default=1_000_000)
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--cases", type=int, default=0)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.command == "run":
        run(args.cases, args.label)
        return 0
    env = {**os.environ, "SUTIAO_DEV": "1", "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            child = {**env, "SUTIAO_VAR_DIR": tmp}  # the embedded SQLite file, under the bench's own var/
            failed |= subprocess.run(
                [sys.executable, __file__, "run", "--cases", str(args.sqlite), "--label", "sqlite"],
                env=child,
                check=False,
            ).returncode
        if args.postgres:
            import psycopg

            name = "sutiao_bench_reports"
            with psycopg.connect(args.pg_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
                admin.execute(f"CREATE DATABASE {name}")
            url = args.pg_url.rsplit("/", 1)[0] + f"/{name}"
            child = {**env, "SUTIAO_DATABASE_URL": url, "SUTIAO_VAR_DIR": tmp}
            try:
                failed |= subprocess.run(
                    [sys.executable, __file__, "run", "--cases", str(args.postgres), "--label", "postgres"],
                    env=child,
                    check=False,
                ).returncode
            finally:
                with psycopg.connect(args.pg_url, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {name}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
