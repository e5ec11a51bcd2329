"""The parties' load on one platform (bench/parties.py starts it in its own process: Locust patches the
standard library with gevent on import). Each simulated party signs in with a password and the SMS code the
platform writes to its development SMS log (issue 14 §10), and opens their
mediation workspace; once all have (the ramp, timed apart: Argon2 makes each sign-in cost about half a second
of CPU on purpose), the measured window starts, in which they post messages, upload small PDFs and read the
workspace. Prints one JSON line: the ramp, then requests, failures, p50/p95 per kind of request."""

import itertools
import json
import re
import sys
import time

import gevent
from locust import HttpUser, constant_pacing, events, task
from locust.env import Environment

HOST, PARTIES_FILE, USERS, SECONDS = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
SMS_LOG = sys.argv[5]
with open(PARTIES_FILE) as f:
    PARTIES = json.load(f)
PASSWORD = "bench-party-password"  # noqa: S105 (the benchmark's throw-away accounts, bench/sides.py)
CSRF_COOKIE = "sutiao_investor_csrf"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n" + b"0" * 4000
_next = itertools.count()
_ready = itertools.count(1)
READY = 0  # parties signed in with their workspace open


def _code(mobile: str) -> str:
    with open(SMS_LOG, encoding="utf-8") as f:
        return re.findall(rf"{mobile} 您的登录验证码为 (\d{{6}})", f.read())[-1]


class Party(HttpUser):
    # Each party acts about once every two seconds: a busy hearing day, not a flood.
    wait_time = constant_pacing(2)

    def on_start(self):
        me = PARTIES[next(_next) % len(PARTIES)]
        self.workspace = me["workspace"]
        self.client.get("/accounts/login/", name="sign-in page")
        self._post("/accounts/login/", {"username": me["username"], "password": PASSWORD}, "sign in")
        # The code was sent within the sign-in's request: it is in the log already.
        self._post("/accounts/sign-in/verify/", {"code": _code(me["mobile"])}, "sign in: SMS code")
        self.client.get(self.workspace, name="workspace")
        global READY
        READY = next(_ready)

    def _post(self, path, data, name, files=None):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get(CSRF_COOKIE, "")}
        with self.client.post(
            path, data=data, files=files, name=name, allow_redirects=False, catch_response=True
        ) as response:
            # Every form answers a success with a redirect (post/redirect/get); anything else is a failure.
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

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
        self.client.get(self.workspace, name="workspace")


def main():
    env = Environment(user_classes=[Party], host=HOST, events=events)
    runner = env.create_local_runner()
    runner.start(USERS, spawn_rate=max(1, USERS // 10))
    started = time.monotonic()
    while READY < USERS and time.monotonic() - started < 600:
        gevent.sleep(0.2)
    sign_in = env.stats.get("sign in", "POST")
    ramp = {
        "seconds": time.monotonic() - started,
        "signed_in": READY,
        "p50_ms": sign_in.get_response_time_percentile(0.5),
        "p95_ms": sign_in.get_response_time_percentile(0.95),
        "failures": env.stats.total.num_failures,
    }
    env.stats.reset_all()
    gevent.sleep(SECONDS)
    runner.quit()
    figures = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        if entry.num_requests:
            figures[name] = {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
            }
    errors = [f"{e.name}: {e.error}" for e in list(env.stats.errors.values())[:5]]
    total = env.stats.total
    counts = {"requests": total.num_requests, "failures": total.num_failures}
    print(json.dumps({"ramp": ramp, **counts, "by_kind": figures, "errors": errors}))


if __name__ == "__main__":
    main()
