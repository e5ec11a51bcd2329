"""The parties' load on one platform (bench/parties.py starts it in its own process: Locust patches the
standard library with gevent on import). Prints one JSON line: the ramp, then requests, failures, p50/p95 per
kind of request in the measured window.

The ramp: each simulated party signs in with its own account — the password, then the SMS code the platform
writes to its development SMS log (issue 14 §10) — and opens its mediation workspace. Argon2 makes each password
check cost real CPU on purpose, so at most SIGN_INS parties sign in at a time (as a crowd arriving over a
morning would, not all in the same second); nobody acts before everyone has signed in. Its own figures: how
many got in, how long the whole ramp took, and the p50/p95 of one party's sign-in and of each of its requests.

The window: every party then posts messages, uploads small PDFs and reads its workspace about once every two
seconds, the first action at a random moment of the first two seconds (not 200 requests in the same instant)."""

import itertools
import json
import random
import re
import sys
import time

import gevent
from gevent.event import Event
from gevent.lock import BoundedSemaphore
from locust import HttpUser, constant_pacing, events, task
from locust.env import Environment
from locust.exception import StopUser

HOST, PARTIES_FILE, USERS, SECONDS = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
SMS_LOG, SIGN_INS = sys.argv[5], int(sys.argv[6])
RAMP_CAP_SECONDS = 600
PACING_SECONDS = 2
with open(PARTIES_FILE) as f:
    PARTIES = json.load(f)
PASSWORD = "bench-party-password"  # noqa: S105 (the benchmark's throw-away accounts, bench/sides.py)
CSRF_COOKIE = "sutiao_investor_csrf"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n" + b"0" * 4000
_next = itertools.count()
_signing_in = BoundedSemaphore(SIGN_INS)
_window = Event()
RAMP = {"signed_in": 0, "failed": 0, "seconds_each": [], "errors": []}


def _code(mobile: str) -> str:
    with open(SMS_LOG, encoding="utf-8") as f:
        return re.findall(rf"{mobile} 您的登录验证码为 (\d{{6}})", f.read())[-1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class SignInFailed(Exception):
    pass


class Party(HttpUser):
    # Each party acts about once every two seconds: a busy hearing day, not a flood.
    wait_time = constant_pacing(PACING_SECONDS)

    def on_start(self):
        # One account per party: bench/parties.py checked there are as many as parties.
        me = PARTIES[next(_next)]
        self.workspace = me["workspace"]
        with _signing_in:
            started = time.perf_counter()
            try:
                self._sign_in(me)
            except Exception as e:  # noqa: BLE001 (any failure of the sign-in is counted and the party leaves)
                RAMP["failed"] += 1
                RAMP["errors"].append(f"{me['username']}: {e}"[:300])
                raise StopUser from e
            RAMP["seconds_each"].append(time.perf_counter() - started)
            RAMP["signed_in"] += 1
        _window.wait()
        gevent.sleep(random.uniform(0, PACING_SECONDS))  # noqa: S311 (spreading load, not a secret)

    def _sign_in(self, me):
        self._get("/accounts/login/", "sign-in page")
        self._post("/accounts/login/", {"username": me["username"], "password": PASSWORD}, "sign in", strict=True)
        # The code was sent within the sign-in's request: it is in the log already.
        self._post("/accounts/sign-in/verify/", {"code": _code(me["mobile"])}, "sign in: SMS code", strict=True)
        self._get(self.workspace, "workspace", strict=True)

    def _get(self, path, name, strict=False):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code == 200:
                response.success()
                return
            response.failure(f"{response.status_code}: {response.text[:200]}")
        if strict:
            raise SignInFailed(f"{name}: {response.status_code}")

    def _post(self, path, data, name, files=None, strict=False):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get(CSRF_COOKIE, "")}
        with self.client.post(
            path, data=data, files=files, name=name, allow_redirects=False, catch_response=True
        ) as response:
            # Every form answers a success with a redirect (post/redirect/get); anything else is a failure.
            if response.status_code == 302:
                response.success()
                return
            response.failure(f"{response.status_code}: {response.text[:200]}")
        if strict:
            raise SignInFailed(f"{name}: {response.status_code}")

    @task(3)
    def message(self):
        self._post(
            self.workspace + "party_message/", {"party_message-text": "对调解方案的意见：同意分期支付。"}, "message"
        )

    @task(1)
    def evidence(self):
        self._post(
            self.workspace + "evidence/",
            {"evidence-title": "交易流水", "evidence-audience": "all"},
            "evidence (4 KiB PDF)",
            files={"evidence-file": ("流水.pdf", PDF, "application/pdf")},
        )

    @task(1)
    def read(self):
        self._get(self.workspace, "workspace")


def _by_kind(stats) -> dict:
    figures = {}
    for (name, _method), entry in sorted(stats.entries.items()):
        if entry.num_requests:
            figures[name] = {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
            }
    return figures


def main():
    if len(PARTIES) < USERS:
        sys.exit(f"{USERS} parties asked for, {len(PARTIES)} accounts: each party signs in with its own")
    env = Environment(user_classes=[Party], host=HOST, events=events)
    runner = env.create_local_runner()
    # All parties arrive at once; the semaphore, not the spawn rate, decides how many sign in at a time.
    runner.start(USERS, spawn_rate=USERS)
    started = time.monotonic()
    while RAMP["signed_in"] + RAMP["failed"] < USERS and time.monotonic() - started < RAMP_CAP_SECONDS:
        gevent.sleep(0.1)
    each = RAMP["seconds_each"]
    ramp = {
        "seconds": time.monotonic() - started,
        "parties": USERS,
        "concurrent": SIGN_INS,
        "signed_in": RAMP["signed_in"],
        "failed": RAMP["failed"],
        "p50_ms": _percentile(each, 0.5) * 1000,
        "p95_ms": _percentile(each, 0.95) * 1000,
        "requests": env.stats.total.num_requests,
        "request_failures": env.stats.total.num_failures,
        "by_kind": _by_kind(env.stats),
        "errors": RAMP["errors"][:5],
    }
    env.stats.reset_all()
    _window.set()
    gevent.sleep(SECONDS)
    runner.quit()
    errors = [f"{e.name}: {e.error}" for e in list(env.stats.errors.values())[:5]]
    total = env.stats.total
    counts = {"requests": total.num_requests, "failures": total.num_failures}
    print(json.dumps({"ramp": ramp, **counts, "by_kind": _by_kind(env.stats), "errors": errors}))


if __name__ == "__main__":
    main()
