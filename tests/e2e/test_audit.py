"""The daily audit chain-head exchange between the live platforms (here every few seconds), and what it is
for: an insider who changes an old record and recomputes every later hash and the head passes the platform's
own `audit verify`, but not `audit verify --peer`, because the peer holds heads it saw before the rewrite.

Runs on a pair of its own: the rewrite would spoil the shared platforms' logs for the other tests."""

import os
from pathlib import Path

from live import FAST_WORKER, sql, wait_for

from sutiao.devserver import PostgresDatabases, free_port, pair

TESTS = Path(__file__).resolve().parents[1]  # where audit_checks.py, with the insider's rewrite, lives


def _heads(platform) -> tuple[int, int]:
    """(how many chain heads of its peer the platform holds, the highest seq among them)."""
    count, top = sql(platform, "SELECT count(*), max(seq) FROM audit_peerhead")[0]
    return count, top or 0


def test_heads_are_exchanged_and_a_rewrite_of_history_the_peer_saw_is_found(tmp_path):
    databases = PostgresDatabases(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None
    court_db, investor_db = databases.urls if databases else ("", "")
    env = {**FAST_WORKER, "SUTIAO_AUDIT_HEAD_SECONDS": "1", "PYTHONPATH": str(TESTS)}
    court, investor = pair(tmp_path, free_port(), free_port(), court_db, investor_db, env)
    try:
        for p in (court, investor):
            p.start(tmp_path / "logs")
        court.wait_ready()
        investor.wait_ready()
        wait_for(
            lambda: _heads(court)[1] >= 1 and _heads(investor)[1] >= 2,
            timeout=90,
            what="each platform to hold chain heads of the other",
        )
        for p in (court, investor):
            checked = p.manage("audit", "verify", "--peer", check=False)
            assert checked.returncode == 0, checked.stdout + checked.stderr
            assert "与本平台历史一致" in checked.stdout

        court.stop()  # nothing appends to the court's log while the insider works
        rewrite = "from audit_checks import rewrite_history_bypassing_record as r; r(1, {'rewritten': True})"
        court.manage("shell", "-c", rewrite)
        plain = court.manage("audit", "verify", check=False)
        assert plain.returncode == 0, plain.stderr  # consistent on its own
        first_seen = sql(investor, "SELECT min(seq) FROM audit_peerhead WHERE seq >= 1")[0][0]
        against_peer = court.manage("audit", "verify", "--peer", check=False)
        assert against_peer.returncode == 1, against_peer.stdout + against_peer.stderr
        assert f"本平台第 {first_seen} 条记录" in against_peer.stderr
    finally:
        court.stop()
        investor.stop()
        if databases:
            databases.drop()
