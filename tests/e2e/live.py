"""Helpers for tests with both platforms as live servers."""

import re
import time
from dataclasses import dataclass

import pytest
import requests

from sutiao.devserver import Platform

FAST_WORKER = {
    "SUTIAO_WORKER_POLL_SECONDS": "0.1",
    "SUTIAO_DEADLINE_SCAN_SECONDS": "2",
    "SUTIAO_RELAY_BACKOFF_BASE": "0.2",
    "SUTIAO_RELAY_BACKOFF_CAP": "2",
    "SUTIAO_FEED_SETTLE_SECONDS": "0.5",
    "SUTIAO_FEED_PULL_SECONDS": "1",
    # A relay SIGKILLed while holding a lease delays its messages by up to the lease: short, for tests.
    "SUTIAO_RELAY_LEASE_SECONDS": "5",
    # Audit chain heads every few seconds instead of daily (checked at each deadline scan).
    "SUTIAO_AUDIT_HEAD_SECONDS": "5",
    # Parties sign in with password plus SMS code (issue 14 §10), the demo ones many times a minute here.
    "SUTIAO_SMS_THROTTLE": "1000,10000,100000",
}


# The live platforms by their URL (set by the `live` fixture), and recovery codes not yet used, by (URL, user).
PLATFORMS: dict[str, Platform] = {}
_CODES: dict[tuple[str, str], list[str]] = {}


def second_factor(base_url: str, username: str) -> str:
    """A code for a staff member's second step (sutiao.accounts.two_factor): one of their single-use recovery
    codes, made ten at a time by the development command (an authenticator's code may not be used twice
    within its 30 seconds, and tests sign the same user in more often than that)."""
    codes = _CODES.setdefault((base_url, username), [])
    if not codes:
        codes += PLATFORMS[base_url].manage("totp", username, "--recovery-codes", "10").stdout.split()
    return codes.pop()


def sms_code(base_url: str, mobile: str) -> str:
    """The latest code the live platform at `base_url` sent to `mobile` (a number, or as a page shows it masked,
    138****0002) — to sign in, or to confirm a signature —, read from its development SMS log (codes are sent
    within the request)."""
    platform = PLATFORMS[base_url]
    log = platform.var_dir / f"sms-{platform.name}.log"
    pattern = re.escape(mobile).replace(re.escape("****"), r"\d{4}")

    def code():
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        return (re.findall(rf"{pattern} [^\n]*?验证码为 (\d{{6}})", text) or [None])[-1]

    return wait_for(code, what=f"the sign-in code for {mobile} in {log}")


def party_second_step(base_url: str, page_html: str) -> str:
    """The code for a party's or agent's sign-in step after the password: to the mobile the page names."""
    masked = re.search(r"(\d{3}\*{4}\d{4})", page_html)
    assert masked, page_html[:2000]
    return sms_code(base_url, masked.group(1))


def wait_for(check, timeout=60.0, what="condition"):
    """Poll `check` until it returns something truthy; fail with the last value seen."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


class Api:
    def __init__(self, base_url: str, token: str):
        self.base, self.session = base_url + "/api/v1", requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, expect=200, **params):
        response = self.session.get(self.base + path, params=params, timeout=30)
        assert response.status_code == expect, response.text
        return response.json()

    def post(self, path, json=None, expect=(200, 201)):
        response = self.session.post(self.base + path, json=json, timeout=30)
        assert response.status_code in ((expect,) if isinstance(expect, int) else expect), response.text
        return response.json()


@dataclass
class Live:
    court: Platform
    investor: Platform
    apis: dict

    def api(self, username: str) -> Api:
        return self.apis[username]


def sql(platform: Platform, query: str, *params):
    """Read a platform's database directly (SQLite file or PostgreSQL), without going through it."""
    if platform.database_url:
        import psycopg

        with psycopg.connect(platform.database_url) as conn:
            return conn.execute(query.replace("?", "%s"), params).fetchall()
    import sqlite3

    with sqlite3.connect(platform.var_dir / f"{platform.name}.sqlite3", timeout=30) as conn:
        return conn.execute(query, params).fetchall()
