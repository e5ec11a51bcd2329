"""make bench-parties — the parties at work (issue 10): 200 simulated parties (Locust, loopback only, bounded
in time) sign in to the investor platform and open their mediation workspaces (the ramp, timed apart), then
post messages and small PDFs for 60 s. Printed per kind of request: count, failures, p50 and p95; figures are
never asserted.

Set-up (not measured): 100 consented court cases delegated in bulk to the first demo organisation, received
on the investor platform through the inbox's own code (as bench/docking.py (a) does), accepted and assigned
through the actions, and the 200 parties given accounts."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

from docking import prepared, side

LOAD = Path(__file__).with_name("party_load.py")


def run(kind: str, parties: int, seconds: float) -> None:
    cases = max(1, parties // 2)
    with prepared(kind, cases) as (court, investor, tmp):
        side(court, "delegate")
        side(court, "export", tmp / "messages.jsonl")
        side(investor, "apply", tmp / "messages.jsonl")
        accounts = side(investor, "mediations", cases)["parties"]
        (tmp / "parties.json").write_text(json.dumps(accounts))
        investor.start(tmp / "logs", roles=("web",))
        try:
            investor.wait_ready()
            done = subprocess.run(
                [
                    sys.executable,
                    str(LOAD),
                    investor.url,
                    str(tmp / "parties.json"),
                    str(parties),
                    str(seconds),
                    str(investor.var_dir / "sms-investor.log"),
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 900,
                check=False,
            )
        finally:
            investor.stop()
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    ramp = figures["ramp"]
    print(
        f"  ramp (not in the window): {ramp['signed_in']} parties signed in within {ramp['seconds']:.0f} s,"
        f" sign-in p50 {ramp['p50_ms']:.0f} ms p95 {ramp['p95_ms']:.0f} ms, {ramp['failures']} failed"
    )
    print(
        f"  {parties} parties, {seconds:.0f} s: {figures['requests']} requests, {figures['failures']} failed"
        f" ({figures['requests'] / seconds:.0f} requests/s)"
    )
    for name, f in figures["by_kind"].items():
        print(
            f"    {name:24} {f['requests']:6} requests {f['failures']:4} failed"
            f"   p50 {f['p50_ms']:5.0f} ms   p95 {f['p95_ms']:5.0f} ms"
        )
    for error in figures["errors"]:
        print(f"    error: {error}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parties", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        print(f"== {kind} ==", flush=True)
        run(kind, args.parties, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
