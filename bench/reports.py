"""Periodic reports and the dashboard at scale (issue 13 §3 acceptance): the investor platform with N delegations
received over two years and, for the 80 % accepted, their mediations as the figures read them (parties, sessions,
extensions, agreements with versions and terms, survey answers; written in bulk, bench/bulk.py, and the figures each
mediation keeps on its row recomputed from them in bulk, timed), then

  · the quarterly quality-and-efficiency report made as the worker makes it (figures, PDF, workbook, stored) —
    seconds, and its ratio to a baseline read of the same quarter (one COUNT over its rows);
  · the report's totals checked against the dashboard's for the same dates, its PDF pages rendered with pdftoppm
    into test-artifacts/ (with pdffonts showing the Chinese font embedded);
  · where the report's time goes: the fact rows made once (reports.materialise) and each figure's query;
  · the Bureau's dashboard page by organisation and month, for the quarter (--repeat requests) and over every case
    (--all-repeat), p50/p95 in process, against the sign-in page (no query) as the floor.

Figures are printed, never asserted (goal: the report ≤ 5 s at 1,000,000 cases on PostgreSQL). Defaults: 100,000
cases on SQLite and 1,000,000 on PostgreSQL (the PostgreSQL on 127.0.0.1:5432, or --pg-url):

  python bench/reports.py                     # both
  python bench/reports.py --sqlite 20000 --postgres 0   # a quick look
  python bench/reports.py --sqlite 0 --pg-db h_mine --all-repeat 1   # 1,000,000 on PostgreSQL only

Each database runs in a child process of this script (`run`), with the platform's settings and a database of its
own, created and migrated here and dropped at the end (--keep leaves the PostgreSQL one for EXPLAIN)."""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHUNK = 20_000
ORGS, OFFICES, MEDIATORS_PER_ORG = 30, 6, 5
# The delegating courts by province (the first character of a court's code, 代字), as securities disputes spread: most
# where the exchanges, the issuers and the investors are (Beijing, Shanghai, Guangdong, then Zhejiang and Jiangsu),
# one court in each of twelve other provinces. Each court delegates alike, so a province has its courts' share.
COURT_PROVINCES = {"京": 8, "沪": 8, "粤": 6, "浙": 3, "苏": 3} | dict.fromkeys("鲁川鄂湘闽皖豫渝陕辽津冀", 1)
COURT_CODES = [f"{abbr}{k + 1:02d}" for abbr, courts in COURT_PROVINCES.items() for k in range(courts)]
COURTS = len(COURT_CODES)  # 40
TYPES = ["misrepresentation", "brokerage_contract", "insider_trading", "futures_brokerage", "private_fund"]


# What became of the delegations received, as shares of all of them (the rest, 80 %, were accepted): no answer
# yet, recalled by the court before one, not accepted. Of the accepted: still mediating, withdrawn by the applicant,
# failed, succeeded (cut at the thresholds below); a result dated after today is still mediating.
UNANSWERED, RECALLED, DECLINED = 0.04, 0.05, 0.20
OUTCOMES = ((0.19, ""), (0.28, "withdrawn"), (0.44, "failed"), (1.0, "succeeded"))
# The grounds a failed mediation ended on (LEGAL-RULES L7), by weight.
FAILURE_WEIGHTS = {
    "unreachable": 3, "unwilling": 3, "irreconcilable": 5, "period_expired": 2, "refused_to_sign": 1, "other": 1,
}  # fmt: skip
SCORES = (1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5)
# A mediation's stored figures before the recompute that follows the load, in the order of TABLES below.
EMPTY_FIGURES = (None, 0, 0, 0, None, None, None, 0, None)

# The columns written; the others are null (or Django's default, given here as the database stores it).
TABLES = {
    "documents_storedfile": [
        "id", "storage_name", "original_name", "content_type", "size", "sha256", "kind", "label", "uploaded_at",
    ],
    "investor_delegation": [
        "id", "case", "peer_id", "organisation_id", "kind", "court_id", "court_name", "court_case_number", "region",
        "dispute_type", "facts", "amount", "claims", "parties", "consent", "delegated_at", "received_at",
        "answer_due", "answer_due_provisional", "state", "answered_at", "decline_reason", "mediator_id",
        "mediator_assigned_at", "outcome", "terms", "outcome_reason", "concluded_at", "recall_reason",
        "choice_declined_reason", "simple_procedure", "search_text", "search_grams",
    ],
    "investor_mediation": [
        "id", "delegation_id", "state", "accepted_on", "period_days", "extension_days", "due", "due_provisional",
        "notify_due", "reminded", "ground", "failure_record", "ended_at",
        # The figures kept on the row (investor.mediation.figures), written empty and recomputed after the load.
        "first_session_held_at", "extensions_granted", "terms_agreed", "terms_open", "terms_last_due",
        "amount_agreed", "amount_paid", "survey_answers", "survey_points",
    ],
    "investor_mediationparty": ["id", "mediation_id", "role", "kind", "name", "phone", "id_number_digest"],
    "investor_session": [
        "id", "mediation_id", "starts_at", "mode", "place", "scheduled_by_id", "held_at", "summary", "room_split",
    ],
    "investor_periodextension": [
        "mediation_id", "days", "reason", "proposed_by_id", "proposed_at", "granted_at", "refused_at",
    ],
    "investor_agreement": [
        "id", "mediation_id", "state", "current_id", "created_by_id", "created_at", "submitted_at",
        "signed_party_ids", "first_signed_at", "effective_at", "voided_at", "void_reason", "method",
    ],
    "investor_agreementversion": [
        "id", "agreement_id", "number", "clauses", "note", "created_by_id", "created_at", "pdf_id", "sha256",
        "frozen_at",
    ],
    "investor_agreementterm": [
        "version_id", "position", "obligor_id", "obligee_id", "kind", "description", "amount", "due", "reported_at",
        "performed_at", "performed_undisputed",
    ],
    "investor_satisfactionsurvey": [
        "mediation_id", "party_id", "fairness", "conduct", "convenience", "comment", "at", "by_id",
    ],
}  # fmt: skip


def _generate(n: int) -> dict:
    """N delegations received over two years and, for those accepted, what the reports read of their mediation:
    the mediation (its ground), its two parties, sessions, extensions asked for, agreements (the one in force with
    its versions, their PDFs and terms, performed or not; a void one now and then) and the parties' survey answers,
    in the proportions above. Written in bulk (bench/bulk.py); the report reads them, how they got there is not
    what is measured. Returns the Bureau's user, the seconds taken and the rows written per table."""
    import datetime as dt
    import random
    import uuid
    from decimal import Decimal
    from types import SimpleNamespace

    from bulk import insert
    from django.db import connection, transaction
    from django.utils import timezone

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
    # Who answered the surveys (one account stands for every party: the reports never read who).
    party_user = User.objects.create(username="bench_party", role=Role.PARTY).pk
    offices = [
        Institution.objects.create(kind=InstitutionKind.REGIONAL_OFFICE, name=f"测试监管局{i + 1}")
        for i in range(OFFICES)
    ]
    orgs = [
        Institution.objects.create(
            kind=InstitutionKind.MEDIATION_ORG, name=f"测试调解组织{i + 1}", parent=offices[i % OFFICES]
        ).pk
        for i in range(ORGS)
    ]
    User.objects.bulk_create(
        User(username=f"m{o}_{m}", role=Role.MEDIATOR, institution_id=orgs[o], full_name=f"调解员{o + 1}-{m + 1}")
        for o in range(ORGS)
        for m in range(MEDIATORS_PER_ORG)
    )
    ids = dict(User.objects.filter(role=Role.MEDIATOR).values_list("username", "pk"))
    mediators = [[ids[f"m{o}_{m}"] for m in range(MEDIATORS_PER_ORG)] for o in range(ORGS)]
    from sutiao.kernel.regions import region_of_court

    # (id, name, code, region): the region as the inbound handler reads it from each case number's court code.
    courts = [
        (uuid.UUID(int=9000 + i), f"测试第{i + 1}人民法院", code, region_of_court(code).key)
        for i, code in enumerate(COURT_CODES)
    ]
    # The court's parties as Delegation.parties stores them (encrypted JSON): the reports never read them.
    parties_stored = Delegation._meta.get_field("parties").get_prep_value([])
    grounds = [g for g, w in FAILURE_WEIGHTS.items() for _ in range(w)]
    start = dt.datetime(2025, 1, 1, 8, tzinfo=CHINA)
    span = (dt.datetime(2026, 11, 30, 20, tzinfo=CHINA) - start).total_seconds()
    now = timezone.now()
    today = now.astimezone(CHINA).date()
    day = dt.timedelta(days=1)
    serial = {"party": 0, "uuid": 0}

    def new_uuid():
        serial["uuid"] += 1
        return uuid.UUID(int=(1 << 100) + serial["uuid"])

    def party():
        serial["party"] += 1
        return serial["party"]

    ctx = SimpleNamespace(
        rnd=rnd, now=now, today=today, grounds=grounds, party_user=party_user, new_uuid=new_uuid, party=party
    )
    written = dict.fromkeys(TABLES, 0)
    began = time.monotonic()
    for first in range(0, n, CHUNK):
        rows: dict[str, list] = {t: [] for t in TABLES}
        for i in range(first, min(n, first + CHUNK)):
            did = uuid.UUID(int=i + 1)
            received = start + dt.timedelta(seconds=rnd.random() * span)
            org = rnd.randrange(ORGS)
            court_id, court_name, court_code, region = courts[rnd.randrange(COURTS)]
            fate = rnd.random()
            answered = received + rnd.uniform(0.2, 9) * day if fate >= RECALLED else None
            mediator = concluded = None
            outcome = ""
            if answered is None:
                state = "received" if fate < UNANSWERED else "recalled"
            elif fate < DECLINED:
                state = "declined"
            else:
                mediator = mediators[org][rnd.randrange(MEDIATORS_PER_ORG)]
                cut = rnd.random()
                outcome = next(o for share, o in OUTCOMES if cut < share)
                concluded = answered + rnd.uniform(5, 40) * day
                if concluded > now:
                    outcome, concluded = "", None
                state = outcome or "mediating"
            rows["investor_delegation"].append(
                [
                    did,
                    uuid.UUID(int=10**9 + i),
                    peer.pk,
                    orgs[org],
                    "delegation",
                    court_id,
                    court_name,
                    f"(2026){court_code}民诉前调{i + 1}号",
                    region,
                    TYPES[i % len(TYPES)],
                    "",
                    Decimal("1000.00"),
                    "[]",
                    parties_stored,
                    "[]",
                    received,
                    received,
                    (received + 7 * day).date(),
                    False,
                    state,
                    answered,
                    "",
                    mediator,
                    answered if mediator else None,
                    outcome,
                    "",
                    "",
                    concluded,
                    "",
                    "",
                    False,
                    "",
                    "",
                ]
            )
            if mediator is not None:
                _mediation(rows, ctx, did, mediator, answered, outcome, concluded)
        with transaction.atomic():
            for table, columns in TABLES.items():
                insert(connection, table, columns, rows[table])
                written[table] += len(rows[table])
    return {"bureau": bureau, "seconds": time.monotonic() - began, "written": written}


def _mediation(rows, ctx, mid, mediator, answered, outcome, concluded):
    """The rows of one accepted delegation's mediation (its id is the delegation's)."""
    import datetime as dt
    from decimal import Decimal

    from sutiao.kernel.calendar import CHINA

    rnd, now, today, new_uuid, party = ctx.rnd, ctx.now, ctx.today, ctx.new_uuid, ctx.party

    day = dt.timedelta(days=1)
    accepted_on = answered.astimezone(CHINA).date()
    applicant, respondent = party(), party()
    rows["investor_mediationparty"] += [
        [applicant, mid, "applicant", "natural_person", "投资者", "", ""],
        [respondent, mid, "respondent", "legal_person", "某证券公司", "", ""],
    ]
    until = concluded or now
    # Sessions: most mediations that ended held one to three; an open one may have one to come.
    held = rnd.choice((0, 1, 1, 1, 2, 2, 3) if concluded else (0, 0, 1, 2))
    at = answered + rnd.uniform(1, 12) * day
    for _ in range(held):
        if at > until:
            break
        rows["investor_session"].append([new_uuid(), mid, at, "online", "", mediator, at, "", False])
        at += rnd.uniform(2, 10) * day
    if not concluded and rnd.random() < 0.3:
        soon = now + rnd.uniform(1, 10) * day
        rows["investor_session"].append([new_uuid(), mid, soon, "online", "", mediator, None, "", False])
    # Extensions of the period (LEGAL-RULES L6): asked in one mediation of eight, granted mostly.
    extension_days = 0
    asked = answered + rnd.uniform(10, 28) * day
    for second in (False, True):
        if asked > until or rnd.random() >= (0.25 if second else 0.12):
            break
        granted = rnd.random() < 0.85
        answer = asked + rnd.uniform(1, 3) * day
        days = rnd.choice((15, 30))
        extension_days += days if granted else 0
        rows["investor_periodextension"].append(
            [mid, days, "当事人同意延长", mediator, asked, answer if granted else None, None if granted else answer]
        )
        if not granted:
            break
        asked = answer + rnd.uniform(5, 20) * day
    ground = {"succeeded": "agreement", "withdrawn": "withdrawn", "failed": rnd.choice(ctx.grounds)}.get(outcome, "")
    state = {"succeeded": "succeeded", "withdrawn": "withdrawn", "failed": "terminated"}.get(outcome, "active")
    rows["investor_mediation"].append(
        [
            mid,
            mid,
            state,
            accepted_on,
            30,
            extension_days,
            accepted_on + (30 + extension_days) * day,
            False,
            accepted_on + 3 * day,
            "[]",
            ground,
            "{}",
            concluded,
            *EMPTY_FIGURES,
        ]
    )
    # The agreement in force of a success (a second version now and then); a void draft in one failure of twenty.
    if outcome == "succeeded" or (outcome == "failed" and rnd.random() < 0.05):
        agreement, effective = new_uuid(), outcome == "succeeded"
        created = concluded - rnd.uniform(1, 5) * day
        versions = 2 if rnd.random() < 0.1 else 1
        version = None
        for number in range(1, versions + 1):
            version, pdf = new_uuid(), new_uuid()
            rows["documents_storedfile"].append(
                [
                    pdf,
                    f"bench/{pdf.hex}.pdf",
                    "调解协议.pdf",
                    "application/pdf",
                    48_000,
                    "0" * 64,
                    "document",
                    "",
                    created,
                ]
            )
            rows["investor_agreementversion"].append(
                [
                    version,
                    agreement,
                    number,
                    "双方同意……",
                    "",
                    mediator,
                    created,
                    pdf,
                    "0" * 64,
                    created if number == versions else None,
                ]
            )
            in_force = effective and number == versions
            for position in range(1, rnd.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3)) + 1):
                payment = rnd.random() < 0.85
                due = concluded.astimezone(CHINA).date() + rnd.randrange(7, 90) * day
                performed = None
                if in_force and rnd.random() < (0.85 if due < today else 0.35):
                    performed = min(now, dt.datetime.combine(due, dt.time(10), tzinfo=CHINA) - rnd.uniform(0, 5) * day)
                    performed = max(performed, concluded)
                rows["investor_agreementterm"].append(
                    [
                        version,
                        position,
                        respondent,
                        applicant,
                        "payment" if payment else "performance",
                        "",
                        Decimal(rnd.randrange(1_000, 500_000)) if payment else None,
                        due,
                        performed,
                        performed,
                        performed is not None and rnd.random() < 0.2,
                    ]
                )
        rows["investor_agreement"].append(
            [
                agreement,
                mid,
                "effective" if effective else "void",
                version,
                mediator,
                created,
                created,
                "[]",
                created,
                concluded if effective else None,
                None if effective else concluded,
                "" if effective else "调解不成",
                "online" if rnd.random() < 0.85 else "paper",
            ]
        )
    # The parties' survey after the end: the applicant in one case of three, the respondent in one of seven.
    if concluded:
        for who, share in ((applicant, 0.35), (respondent, 0.15)):
            if rnd.random() < share:
                at = min(now, concluded + rnd.uniform(0.5, 10) * day)
                rows["investor_satisfactionsurvey"].append(
                    [mid, who, rnd.choice(SCORES), rnd.choice(SCORES), rnd.choice(SCORES), "", at, ctx.party_user]
                )


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


def run(n: int, label: str, repeat: int = 20, all_repeat: int = 5) -> None:
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
    rows = sum(made["written"].values())
    print(
        f"[{label}] {n:,} delegations and their mediations written in {made['seconds']:.0f} s "
        f"({rows:,} rows, {rows / made['seconds']:,.0f} rows/s: "
        + ", ".join(f"{t.split('_', 1)[1]} {c:,}" for t, c in made["written"].items())
        + ")",
        flush=True,
    )
    # Table statistics, as a running platform has them: PostgreSQL's autovacuum, SQLite's by the worker's daily
    # job (sutiao.jobs.maintenance.analyse_database). Without them the recompute below plans its subqueries blind
    # (ten times slower on PostgreSQL: 558 mediations a second against 5,825, both on a loaded machine).
    began = time.monotonic()
    connection.cursor().execute("ANALYZE")
    print(f"[{label}] ANALYZE {time.monotonic() - began:.0f} s", flush=True)
    # The mediations' figures kept on their rows (investor.mediation.figures): the load wrote them empty, as a
    # restore past the actions would, and the operators' recompute fills them (`sutiao investor
    # recompute_mediation_figures`, the same function the migration ran).
    from sutiao.investor.mediation.figures import refresh_all

    began = time.monotonic()
    mediations, filled = refresh_all()
    seconds = time.monotonic() - began
    print(
        f"[{label}] the mediations' figures recomputed in bulk (figures.refresh_all): {mediations:,} mediations in "
        f"{seconds:.0f} s ({mediations / max(seconds, 0.001):,.0f} a second; {filled:,} had figures to fill)",
        flush=True,
    )
    if connection.vendor == "postgresql":  # the rows the recompute replaced, cleared as autovacuum would
        began = time.monotonic()
        connection.cursor().execute("VACUUM ANALYZE investor_mediation")
        print(f"[{label}] VACUUM ANALYZE investor_mediation {time.monotonic() - began:.0f} s", flush=True)
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
    shown = ("success_rate", "days_to_first_session", "extended", "performance_rate", "amount_agreed", "satisfaction")
    print(f"[{label}] of which: " + ", ".join(f"{k} {report.totals.get(k)}" for k in shown), flush=True)
    _breakdown(label, window, china_today())
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
    # The Bureau's dashboard grouped by organisation, month by month (one aggregate, one GROUP BY organisation, one
    # by month, and the filters' choices): for the quarter, then over every case.
    floor = _timed(lambda: Client().get("/accounts/login/"), repeat)
    for what, query, times in (
        (
            "the quarter",
            {"start": "2026-07-01", "end": "2026-09-30", "group": "organisation", "period": "month"},
            repeat,
        ),
        (f"all {n:,} cases", {"group": "organisation", "period": "month"}, all_repeat),
        # A region's cases (北京市, a fifth of them) over every date: the filter read through the region's index.
        (
            f"region 11 (北京市) of all {n:,} cases",
            {"region": "11", "group": "organisation", "period": "month"},
            all_repeat,
        ),
    ):
        if not times:
            continue
        assert client.get("/reports/", query).status_code == 200  # and warm
        dashboard = _timed(lambda q=query: client.get("/reports/", q), times)
        print(
            f"[{label}] dashboard by organisation and month, {what}: p50 {_p(dashboard, 0.5):.0f} ms, "
            f"p95 {_p(dashboard, 0.95):.0f} ms over {times} requests "
            f"(sign-in page p95 {_p(floor, 0.95):.0f} ms; ratio {_p(dashboard, 0.95) / _p(floor, 0.95):.0f}×)",
            flush=True,
        )


def _breakdown(label: str, window, today) -> None:
    """Where the report's figures take their time: the fact rows made once (reports.materialise), each query
    `periodic.build` makes over them, and the totals straight from the platform's rows for comparison."""
    from sutiao.reports import metrics
    from sutiao.reports.facts import source
    from sutiao.reports.materialise import materialised

    src = source()
    columns = sorted(src.columns) + [f"d_{d.key}{part}" for d in src.dimensions for part in ("", "_name")]
    began = time.perf_counter()
    with materialised(window, columns) as rows:
        made = time.perf_counter() - began
        parts = {
            "totals": lambda: metrics.totals(rows, today),
            "months": lambda: metrics.by_period(rows, "month", today),
        }
        for d in src.dimensions:
            parts[d.key] = lambda key=d.key: metrics.by_dimension(rows, key, today)
        times = {name: _timed(fn)[0] for name, fn in parts.items()}
    direct = _timed(lambda: metrics.totals(window, today))[0]
    print(
        f"[{label}] the report's queries: fact rows made once {made:.2f} s, then "
        + ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
        + f" (the totals straight from the platform's rows: {direct:.2f} s)",
        flush=True,
    )


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
    parser.add_argument("--repeat", type=int, default=20, help="requests per dashboard measurement")
    parser.add_argument("--all-repeat", type=int, default=5, help="requests for the dashboard over every case")
    parser.add_argument("--pg-db", default="sutiao_bench_reports", help="the database made (and dropped) for the run")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (drop it yourself)")
    args = parser.parse_args()
    if args.command == "run":
        run(args.cases, args.label, args.repeat, args.all_repeat)
        return 0
    env = {**os.environ, "SUTIAO_DEV": "1", "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            child = {**env, "SUTIAO_VAR_DIR": tmp}  # the embedded SQLite file, under the bench's own var/
            failed |= subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "run",
                    "--cases",
                    str(args.sqlite),
                    "--label",
                    "sqlite",
                    "--repeat",
                    str(args.repeat),
                    "--all-repeat",
                    str(args.all_repeat),
                ],
                env=child,
                check=False,
            ).returncode
        if args.postgres:
            import psycopg

            name = args.pg_db
            with psycopg.connect(args.pg_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                admin.execute(f"CREATE DATABASE {name}")
            url = args.pg_url.rsplit("/", 1)[0] + f"/{name}"
            child = {**env, "SUTIAO_DATABASE_URL": url, "SUTIAO_VAR_DIR": tmp}
            try:
                failed |= subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "run",
                        "--cases",
                        str(args.postgres),
                        "--label",
                        "postgres",
                        "--repeat",
                        str(args.repeat),
                        "--all-repeat",
                        str(args.all_repeat),
                    ],
                    env=child,
                    check=False,
                ).returncode
            finally:
                if not args.keep:
                    with psycopg.connect(args.pg_url, autocommit=True) as admin:
                        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return failed


if __name__ == "__main__":
    sys.exit(main())
