"""Chaos (issue 3): cases go delegate → accept → assign → result while both platforms and both relay
workers are SIGKILLed and restarted at random moments, and a fault-injecting proxy between the platforms
drops, duplicates, delays and reorders requests and responses. At the end: nothing lost, nothing done twice,
no reconciliation difference.

`make test` runs a reduced size; `make chaos` the full one (CHAOS_CASES=10000, CHAOS_KILLS=20)."""

import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from faultproxy import FaultProxy
from live import FAST_WORKER, sql, wait_for

from sutiao.devserver import PostgresDatabases, free_port, pair
from sutiao.kernel.workflow import CourtState

CASES = int(os.environ.get("CHAOS_CASES", "200"))  # in `make test`, twice (SQLite, PostgreSQL): kept to minutes
KILLS = int(os.environ.get("CHAOS_KILLS", "3"))  # at least this many SIGKILLs of each of the four processes
SEED = int(os.environ.get("CHAOS_SEED", "9421"))
TIMEOUT = float(os.environ.get("CHAOS_TIMEOUT", str(max(600, CASES * 0.6))))
SIDES = Path(__file__).resolve().parents[2] / "bench" / "sides.py"
ACTOR = Path(__file__).with_name("chaos_actor.py")
CHAOS_ENV = {
    **FAST_WORKER,
    "SUTIAO_FEED_PULL_SECONDS": "2",
    "SUTIAO_RECONCILE_SECONDS": "100000",
    "SUTIAO_LOG_LEVEL": "ERROR",
}


class Killer(threading.Thread):
    """SIGKILLs one of the four processes at a random moment, restarts it a moment later, again and again — each
    time once the process it restarted last is up again: a web server answering, a worker past its start-up. Killed
    faster than they boot (a few seconds on a loaded 2-core machine), the platforms would only ever be booting."""

    WORKER_BOOT_SECONDS = 5.0

    def __init__(self, court, investor, log_dir, rng):
        super().__init__(daemon=True)
        self.targets = [(court, "web"), (court, "worker"), (investor, "web"), (investor, "worker")]
        self.log_dir, self.rng = log_dir, rng
        self.kills: Counter = Counter()
        self.halt = threading.Event()

    def run(self):
        while not self.halt.wait(self.rng.uniform(0.3, 2.0)):
            least = min(self.kills[f"{p.name}-{r}"] for p, r in self.targets)
            platform, role = self.rng.choice(
                [t for t in self.targets if self.kills[f"{t[0].name}-{t[1]}"] <= least + 1]
            )
            platform.stop(roles=(role,), kill=True)
            self.kills[f"{platform.name}-{role}"] += 1
            time.sleep(self.rng.uniform(0.1, 1.0))
            platform.start(self.log_dir, roles=(role,))
            if role == "web":
                deadline = time.monotonic() + 120
                while not platform.answers() and time.monotonic() < deadline and not self.halt.wait(0.2):
                    pass
            else:
                self.halt.wait(self.WORKER_BOOT_SECONDS)

    def enough(self) -> bool:
        return all(self.kills[f"{p.name}-{r}"] >= KILLS for p, r in self.targets)


@pytest.mark.timeout(TIMEOUT + 900)
def test_chaos(tmp_path):
    rng = random.Random(SEED)
    databases = PostgresDatabases(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None
    court_db, investor_db = databases.urls if databases else ("", "")
    court_port, investor_port = free_port(), free_port()
    to_investor = FaultProxy(investor_port, seed=SEED).start()
    to_court = FaultProxy(court_port, seed=SEED + 1).start()
    court, investor = pair(
        tmp_path,
        court_port,
        investor_port,
        court_db,
        investor_db,
        CHAOS_ENV,
        via={"investor": to_investor.url, "court": to_court.url},
    )
    court.manage("seed_demo_cases", "--organisations-only")
    side = subprocess.run(
        [sys.executable, str(SIDES), "court", "prepare", str(CASES)], env=court.env, capture_output=True, text=True
    )
    assert side.returncode == 0, side.stderr
    logs = tmp_path / "logs"
    killer = Killer(court, investor, logs, rng)
    actor = None
    try:
        for p in (court, investor):
            p.start(logs)
        court.wait_ready()
        investor.wait_ready()
        killer.start()
        actor = subprocess.Popen(
            [sys.executable, str(ACTOR), str(CASES)],
            env=investor.env,
            stdout=subprocess.DEVNULL,
            stderr=open(logs / "actor.log", "ab"),  # noqa: SIM115
        )
        delegated = subprocess.run(
            [sys.executable, str(SIDES), "court", "delegate"], env=court.env, capture_output=True, text=True
        )
        assert delegated.returncode == 0, delegated.stderr

        def succeeded():
            return sql(court, "SELECT count(*) FROM court_case WHERE state = ?", CourtState.SUCCEEDED.value)[0][0]

        wait_for(
            lambda: succeeded() >= CASES and killer.enough(),
            timeout=TIMEOUT,
            what=f"{CASES} cases to succeed at the court with {KILLS} kills of each process",
        )
    finally:
        killer.halt.set()
        killer.join(timeout=30)
        to_investor.enabled = to_court.enabled = False
    try:
        for p in (court, investor):  # everything up again, no more faults: the docking settles
            missing = [role for role in ("web", "worker") if role not in p.processes]
            p.start(logs, roles=missing)
        court.wait_ready()
        investor.wait_ready()

        def settled():
            pending = sum(
                sql(p, "SELECT count(*) FROM docking_outboxmessage WHERE status = 'pending'")[0][0]
                + sql(p, "SELECT count(*) FROM docking_inboxmessage WHERE status = 'waiting'")[0][0]
                for p in (court, investor)
            )
            return pending == 0

        wait_for(settled, timeout=300, what="both outboxes empty and no inbox message waiting")
        reconciliation = court.manage("reconcile", check=False)
        differences = reconciliation.stdout.count("\n  ")
        lost = CASES - sql(court, "SELECT count(*) FROM court_case WHERE state = ?", CourtState.SUCCEEDED.value)[0][0]
        lost += CASES - sql(investor, "SELECT count(*) FROM investor_delegation WHERE state = 'succeeded'")[0][0]
        duplicated = sql(
            court,
            "SELECT count(*) FROM (SELECT case_id FROM court_caseevent WHERE text LIKE ? "
            "GROUP BY case_id HAVING count(*) > 1) t",
            "调解结果%",
        )[0][0]
        duplicated += sql(
            investor,
            "SELECT count(*) FROM (SELECT delegation_id FROM investor_delegationevent "
            "WHERE text LIKE ? GROUP BY delegation_id HAVING count(*) > 1) t",
            "收到%",
        )[0][0]
        faults = to_investor.faults + to_court.faults
        print(f"\nchaos: {CASES} cases on {'PostgreSQL' if databases else 'SQLite'}")
        print(f"  lost {lost}, duplicated {duplicated}, reconciliation differences {differences}")
        print(f"  kills: {dict(killer.kills)}")
        print(f"  injected faults: {dict(faults)}")
        assert reconciliation.returncode == 0, reconciliation.stdout + reconciliation.stderr
        assert (lost, duplicated, differences) == (0, 0, 0)
        assert killer.enough()
        assert all(faults[f] > 0 for f in ("drop_request", "drop_response", "duplicate", "delay"))
    finally:
        if actor:
            actor.kill()
        court.stop()
        investor.stop()
        to_investor.stop()
        to_court.stop()
        if databases:
            databases.drop()
