"""make bench — the docking against the machine's own limit (issue 3), on SQLite and on PostgreSQL:

  (a) the limit: the rows a delegation writes on both sides (case, outbox, inbox, receipt) committed straight
      into the two databases, without HTTP or signatures — cases per second;
  (b) the docking end to end on this machine, both platforms live — cases per second, and b/a;
  (c) 50,000 cases delegated as one batch until every one is acknowledged on both sides — seconds, and the
      peak RSS of each process;
  (d) the audit log's cost to a bulk action: 1,000 cases delegated at once without and with one audit record
      per case (record_many in the same transaction), and record_many alone.

Figures are printed, never asserted."""

import argparse
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sutiao.devserver import Platform, PostgresDatabases, free_port, pair

SIDES = Path(__file__).with_name("sides.py")
WORKER = {
    "SUTIAO_WORKER_POLL_SECONDS": "0.05",
    "SUTIAO_FEED_PULL_SECONDS": "3600",
    "SUTIAO_LOG_LEVEL": "WARNING",
    # bench/parties.py signs hundreds of parties in from one address, each with password plus SMS code.
    "SUTIAO_SMS_THROTTLE": "1000,10000,1000000",
}


def side(platform: Platform, *args) -> dict:
    done = subprocess.run(
        [sys.executable, str(SIDES), platform.name, *map(str, args)],
        env=platform.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{platform.name} {args}: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def acknowledged(court: Platform) -> int:
    """Delegations whose signed receipt the court holds (so the investor platform has applied them)."""
    sql = "SELECT count(*) FROM court_delegation WHERE received_at IS NOT NULL"
    if court.database_url:
        import psycopg

        with psycopg.connect(court.database_url) as conn:
            return conn.execute(sql).fetchone()[0]
    with sqlite3.connect(court.var_dir / "court.sqlite3", timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def databases(kind: str):
    if kind == "sqlite":
        return None, ("", "")
    dbs = PostgresDatabases(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    return dbs, tuple(dbs.urls)


@contextlib.contextmanager
def prepared(kind: str, n: int):
    """Two fresh platforms on `kind` with n consented cases at the court, not started; removed afterwards."""
    dbs, (court_db, investor_db) = databases(kind)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            court, investor = pair(Path(tmp), free_port(), free_port(), court_db, investor_db, WORKER)
            court.manage("seed_demo_cases")
            side(court, "prepare", n)
            yield court, investor, Path(tmp)
    finally:
        if dbs:
            dbs.drop()


def limit(kind: str, n: int) -> float:
    with prepared(kind, n) as (court, investor, tmp):
        delegated = side(court, "delegate")["seconds"]
        side(court, "export", tmp / "messages.jsonl")
        applied = side(investor, "apply", tmp / "messages.jsonl")["seconds"]
        receipts = side(court, "receipts")["seconds"]
    total = delegated + applied + receipts
    print(
        f"  (a) limit, {n} cases: delegate {delegated:.1f} s + apply {applied:.1f} s + receipts {receipts:.1f} s"
        f" = {total:.1f} s → {n / total:.0f} cases/s"
    )
    return n / total


def end_to_end(kind: str, n: int, label: str) -> tuple[float, dict]:
    with prepared(kind, n) as (court, investor, tmp):
        expected = acknowledged(court) + n
        for p in (court, investor):
            p.start(tmp / "logs")
        try:
            court.wait_ready()
            investor.wait_ready()
            started = time.perf_counter()
            delegating = side(court, "delegate")
            while acknowledged(court) < expected:
                if time.perf_counter() - started > 1800:
                    raise TimeoutError(f"only {acknowledged(court)} of {expected} acknowledged after 30 min")
                time.sleep(0.2)
            seconds = time.perf_counter() - started
            rss = {
                f"{p.name}-{role}": peak_rss_mb(proc.pid)
                for p in (court, investor)
                for role, proc in p.processes.items()
            }
            rss["court-delegating"] = delegating["peak_rss_mb"]
        finally:
            court.stop()
            investor.stop()
    print(
        f"  {label}, {n} cases: {seconds:.1f} s → {n / seconds:.0f} cases/s;"
        f" peak RSS MB {', '.join(f'{k} {v:.0f}' for k, v in rss.items())}"
    )
    return seconds, rss


def audit_cost(kind: str, n: int) -> None:
    with prepared(kind, 6 * n) as (court, _investor, _tmp):  # three rounds without, three with
        r = side(court, "audit_cost", n)
    print(
        f"  (d) audit, bulk delegation of {n} cases: without records {r['without']:.2f} s,"
        f" with record_many {r['with']:.2f} s ({r['with'] / r['without'] - 1:+.0%});"
        f" record_many alone {r['record_many']:.2f} s → {r['record_many'] / n * 1e6:.0f} µs per record",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000, help="cases for (a) and (b)")
    parser.add_argument("--batch", type=int, default=50000, help="cases for (c)")
    parser.add_argument("--audit-cases", type=int, default=1000, help="cases for (d)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--parts", default="abcd", help="which measurements, e.g. d for the audit cost only")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        print(f"== {kind} ==", flush=True)
        if "a" in args.parts or "b" in args.parts:
            a = limit(kind, args.cases)
            b_seconds, _ = end_to_end(kind, args.cases, "(b) end to end")
            b = args.cases / b_seconds
            print(f"  b/a = {b / a:.2f} (target ≥ 0.5)", flush=True)
        if "c" in args.parts:
            c_seconds, _ = end_to_end(kind, args.batch, "(c) one batch")
            print(f"  (c) {c_seconds:.0f} s (target ≤ 120 s)", flush=True)
        if "d" in args.parts:
            audit_cost(kind, args.audit_cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
