"""`make lint`'s dependency audit: pip-audit over the installed (constrained) dependencies of the virtualenv.

pip-audit needs a vulnerability database over the network: PyPI's per-release JSON API (`/pypi/<name>/<version>/
json`, its `vulnerabilities`) or OSV. Where neither answers — no network, or a registry mirror that serves only
the project-level JSON and so "cannot find" every release — nothing was audited: this says so and passes (exit 0)
rather than report a clean audit that did not happen. A known vulnerability in any dependency fails (exit 1).
"""

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
SERVICES = ("pypi", "osv")  # PyPI's JSON API first (what the registry serves), then OSV
UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "Failed to resolve", "timed out")


def audit(service: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report from `service`, or None and why it could not ask."""
    command = [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "-s", service, "-f", "json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        return None, f"{service}: no answer within 600 s"
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"pip-audit exited {done.returncode}"
        if done.returncode not in (0, 1) and not any(mark in done.stderr for mark in UNREACHABLE):
            raise SystemExit(f"pip-audit failed ({service}): {reason}") from None
        return None, f"{service}: {reason[:200]}"


def main() -> int:
    why_not = []
    for service in SERVICES:
        report, reason = audit(service)
        if report is None:
            why_not.append(reason)
            continue
        dependencies = report.get("dependencies", [])
        audited = [d for d in dependencies if "skip_reason" not in d]
        if not audited:
            why_not.append(f"{service}: no dependency could be looked up ({len(dependencies)} skipped)")
            continue
        vulnerable = [d for d in audited if d.get("vulns")]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
                print(f"pip-audit: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
        skipped = len(dependencies) - len(audited)
        print(
            f"pip-audit ({service}): {len(audited)} dependencies audited, {skipped} not found, "
            f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities"
        )
        return 1 if vulnerable else 0
    print("pip-audit SKIPPED: no vulnerability database reachable from here, dependencies NOT audited —")
    for reason in why_not:
        print(f"  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
