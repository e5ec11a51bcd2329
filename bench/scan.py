"""`make scan`: both platforms with demo data on free loopback ports (the development server, as `sutiao up`),
scanned by wapiti (issue 14 "Prove it"): each platform's public surface, then as a signed-in staff member (password
and a recovery code, the session cookie handed to wapiti). Loopback only: the modules that call out to wapiti's
own servers (ssrf, xxe, log4shell), need TLS (ssl) or download databases (wapp, nikto) are left out.

Reports (wapiti's JSON, its log) and a summary go to var/scan/<time>/. WAPITI names the wapiti executable (the Makefile
installs it in a venv of its own: its pinned dependencies would downgrade Django's and cryptography's).
SCAN_SECONDS bounds each run (default 240)."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from sutiao import demo
from sutiao.devserver import free_port, pair, stop_all

ROOT = Path(__file__).resolve().parents[1]
MODULES = "cookieflags,csp,csrf,crlf,exec,file,http_headers,methods,permanentxss,redirect,sql,upload,xss,backup"
STAFF = {"court": "court_admin", "investor": "org1_admin"}


def signed_in_cookies(platform, username: str, path: Path) -> Path:
    """A session signed in with both factors, written as wapiti's JSON cookie file (its -C header is dropped by
    its HTTP client's own cookie handling)."""
    session = requests.Session()
    login = session.get(platform.url + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    headers = {"Referer": platform.url + "/accounts/login/"}
    data = {"csrfmiddlewaretoken": token, "username": username, "password": demo.PASSWORD}
    session.post(platform.url + "/accounts/login/", data=data, headers=headers, timeout=30)
    code = platform.manage("totp", username, "--recovery-codes", "1").stdout.split()[0]
    page = session.get(platform.url + "/accounts/two-factor/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(
        platform.url + "/accounts/two-factor/",
        data={"csrfmiddlewaretoken": token, "token": code},
        headers={"Referer": platform.url + "/accounts/two-factor/"},
        timeout=30,
        allow_redirects=False,
    )
    assert done.status_code == 302, f"{username} did not sign in: {done.status_code}"
    jar = {
        c.name: {"value": c.value, "expires": None, "secure": False, "port": None, "version": 0}
        for c in session.cookies
    }
    path.write_text(json.dumps({"127.0.0.1": {"/": jar}}))
    return path


def wapiti(wapiti_bin: str, platform, label: str, out: Path, seconds: int, cookies: Path | None = None) -> dict:
    base = platform.url + "/"
    report = out / f"{platform.name}-{label}.json"
    args = [
        wapiti_bin,
        "-u",
        base,
        "--scope",
        "folder",
        "-m",
        MODULES,
        "--flush-session",
        "--store-session",
        str(out / "session"),
        "--max-scan-time",
        str(seconds),
        "--max-attack-time",
        str(max(30, seconds // 6)),
        "-d",
        "4",
        "--max-links-per-page",
        "40",
        "--max-files-per-dir",
        "30",
        "--tasks",
        "4",
        "-t",
        "20",
        "--no-bugreport",
        "-f",
        "json",
        "-o",
        str(report),
        # Nothing that ends the session or leaves loopback: sign-out, language switch, the operators' admin.
        "-x",
        platform.url + "/accounts/logout/*",
        "-x",
        platform.url + "/i18n/*",
        "-x",
        platform.url + "/admin/logout/*",
    ]
    if cookies:
        args += ["-c", str(cookies)]
    started = time.monotonic()
    with open(out / f"{platform.name}-{label}.log", "w") as log:
        subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, check=False, timeout=seconds * 3 + 300)
    print(f"  {platform.name} {label}: {time.monotonic() - started:.0f} s", flush=True)
    return json.loads(report.read_text()) if report.exists() else {}


def summarise(results: dict) -> str:
    lines = []
    for run, found in results.items():
        lines.append(f"== {run}")
        for section in ("vulnerabilities", "anomalies", "additionals"):
            for kind, items in sorted((found.get(section) or {}).items()):
                for item in items:
                    where = f"{item.get('method', '')} {item.get('path', '')}".strip()
                    lines.append(
                        f"  [{section}] {kind}: {where} {item.get('parameter') or ''} — {item.get('info', '')}"
                    )
        infos = (found.get("infos") or {}).get("crawled_pages_nbr")
        if infos is not None:
            lines.append(f"  crawled pages: {infos}")
    return "\n".join(lines)


def main() -> int:
    wapiti_bin = os.environ.get("WAPITI", "wapiti")
    seconds = int(os.environ.get("SCAN_SECONDS", "240"))
    out = ROOT / "var" / "scan" / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True)
    print(f"scan: platforms in {out}", flush=True)
    court, investor = pair(out / "platforms", free_port(), free_port())
    court.manage("seed_demo_cases")
    results = {}
    try:
        for platform in (court, investor):
            platform.start(out / "logs", roles=("web",))
        court.wait_ready()
        investor.wait_ready()
        for platform in (court, investor):
            results[f"{platform.name} public"] = wapiti(wapiti_bin, platform, "public", out, seconds)
            cookies = signed_in_cookies(platform, STAFF[platform.name], out / f"{platform.name}-cookies.json")
            results[f"{platform.name} {STAFF[platform.name]}"] = wapiti(
                wapiti_bin, platform, "signed-in", out, seconds, cookies
            )
    finally:
        stop_all(court, investor)
    summary = summarise(results)
    (out / "summary.txt").write_text(summary + "\n")
    print(summary)
    print(f"scan: reports in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
