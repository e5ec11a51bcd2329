"""make bench-parties — the parties at work (issue 10): 200 simulated parties (Locust, loopback only, bounded
in time) sign in to the investor platform, each with its own account (password, then SMS code), and open their
mediation workspaces — the ramp: at most --sign-ins at a time, Argon2 at its real cost, its own figures — then
post messages and small PDFs for 60 s. Printed per kind of request: count, failures, p50 and p95; figures are
never asserted.

Set-up (not measured): 100 consented court cases delegated in bulk to the first demo organisation, received
on the investor platform through the inbox's own code (as bench/docking.py (a) does), accepted and assigned
through the actions, and the 200 parties given accounts."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from docking import prepared, side

LOAD = Path(__file__).with_name("party_load.py")
# The load tool's interpreter: this one (with the `bench` extra installed), or one of its own
# (BENCH_LOAD_PYTHON=/path/to/venv/bin/python) so Locust's dependencies stay out of the platform's venv.
LOAD_PYTHON = os.environ.get("BENCH_LOAD_PYTHON") or sys.executable


def run(kind: str, parties: int, seconds: float, sign_ins: int) -> None:
    cases = max(1, (parties + 1) // 2)  # two parties a case
    with prepared(kind, cases) as (court, investor, tmp):
        side(court, "delegate")
        side(court, "export", tmp / "messages.jsonl")
        side(investor, "apply", tmp / "messages.jsonl")
        accounts = side(investor, "mediations", cases)["parties"]
        if len({a["username"] for a in accounts}) < parties:
            raise RuntimeError(f"{len(accounts)} party accounts for {parties} parties: each needs its own")
        (tmp / "parties.json").write_text(json.dumps(accounts))
        investor.start(tmp / "logs", roles=("web",))
        try:
            investor.wait_ready()
            done = subprocess.run(
                [
                    LOAD_PYTHON,
                    str(LOAD),
                    investor.url,
                    str(tmp / "parties.json"),
                    str(parties),
                    str(seconds),
                    str(investor.var_dir / "sms-investor.log"),
                    str(sign_ins),
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 900,
                check=False,
            )
        finally:
            investor.stop()
        # Waitress says so when it stops accepting connections (the cause of 98 of 200 parties, once).
        server_log = (tmp / "logs" / "investor-web.log").read_text(errors="replace")
        overflows = server_log.count("reached the connection limit")
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    ramp = figures["ramp"]
    print(
        f"  ramp (not in the window): {ramp['signed_in']} of {ramp['parties']} parties signed in"
        f" ({ramp['concurrent']} at a time) in {ramp['seconds']:.1f} s, {ramp['failed']} failed;"
        f" one party's sign-in (page, password, SMS code, workspace) p50 {ramp['p50_ms']:.0f} ms"
        f" p95 {ramp['p95_ms']:.0f} ms; {ramp['requests']} requests, {ramp['request_failures']} failed"
    )
    _kinds(ramp["by_kind"])
    for error in ramp["errors"]:
        print(f"    sign-in error: {error}")
    print(
        f"  window: {parties} parties, {seconds:.0f} s: {figures['requests']} requests, {figures['failures']} failed"
        f" ({figures['requests'] / seconds:.0f} requests/s)"
    )
    _kinds(figures["by_kind"])
    for error in figures["errors"]:
        print(f"    error: {error}")
    if overflows:
        print(f"    the server stopped accepting connections {overflows} times (its connection limit)")


def _kinds(by_kind: dict) -> None:
    for name, f in by_kind.items():
        print(
            f"    {name:24} {f['requests']:6} requests {f['failures']:4} failed"
            f"   p50 {f['p50_ms']:5.0f} ms   p95 {f['p95_ms']:5.0f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--databases", default="sqlite,postgres")
    # Two cores: a few sign-ins at a time keep both busy with Argon2 without queueing the rest inside the server.
    parser.add_argument("--sign-ins", type=int, default=4, help="parties signing in at the same time")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        print(f"== {kind} ==", flush=True)
        run(kind, args.parties, args.seconds, args.sign_ins)
    return 0


if __name__ == "__main__":
    sys.exit(main())
