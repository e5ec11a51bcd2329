"""Lists at scale (issue 15, P3): a court with N cases (2 parties each) on PostgreSQL and on SQLite, the court
platform live on loopback, a signed-in clerk asking for

  the work queue · a search by part of a party's name · a search by case number · a filtered list's next page ·
  a case page · the API list

each first one request at a time, then from 20 concurrent clients; p50/p95 printed, never asserted (goal:
p95 ≤ 100 ms on PostgreSQL at 1,000,000 cases). The sign-in page (no query) is the machine's floor: on a
shared, loaded machine every figure includes it. On PostgreSQL it also measures pg_trgm against the bigram
index for a two-character name (why sutiao.listing does not use pg_trgm).

  python bench/lists.py --cases 1000000 --databases postgres

The data is written in bulk (bench/bulk.py: COPY on PostgreSQL, executemany on SQLite) with the real search columns
(sutiao.listing.search_columns), by this script re-run inside the platform's environment (`generate`)."""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SURNAMES = (  # the commonest surnames and characters of given names
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤"
    "洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎"
    "锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿"
    "聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思"
    "丽"
)
INDUSTRY = ["药业", "科技", "证券", "期货", "能源", "电子", "地产", "食品", "化工", "传媒", "生物", "银行"]
PLACES = "康美乐视华信中科东方金华北大南方西部天润宏达新纪元海通国泰申万"
STATES = (
    ["applied"] * 5
    + ["awaiting_consent"] * 2
    + ["consented"] * 2
    + ["returned"]
    + ["delegated"] * 5
    + ["mediating"] * 10
    + ["failed"]
    + ["succeeded"] * 50
    + ["filed"] * 14
    + ["withdrawn"] * 10
)
DISPUTES = ["misrepresentation", "brokerage_contract", "insider_trading", "futures_brokerage"]
CHUNK = 20000


# --- inside the platform (python bench/lists.py generate N) ---


def generate(n: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutiao.settings.court")
    django.setup()
    import datetime as dt

    from bulk import insert  # bench/bulk.py: this script runs from bench/
    from django.db import connection, transaction
    from django.utils import timezone

    from sutiao import demo
    from sutiao.accounts.models import User
    from sutiao.accounts.pii import encrypt, id_number_digest
    from sutiao.court.models import Organisation
    from sutiao.docking.models import Peer
    from sutiao.kernel.ids import new_id
    from sutiao.kernel.regions import region_of_court
    from sutiao.listing import search_columns

    rnd = random.Random(15)
    staff = User.objects.get(username="court_filing")
    # The organisation delegated to, as the roster would have brought it (bench data, written straight in).
    peer, _ = Peer.objects.get_or_create(
        name="investor-platform", defaults={"display_name": "投资者平台", "base_url": "http://127.0.0.1:1"}
    )
    org_id, org_name, _code = demo.ORGANISATIONS[0]
    organisation, _ = Organisation.objects.get_or_create(id=org_id, defaults={"peer": peer, "name": org_name})
    companies = [
        (f"{rnd.choice(PLACES)}{rnd.choice(PLACES)}{ind}股份有限公司", f"9111{i:014d}")
        for i, ind in enumerate(INDUSTRY * 40)
    ]
    start_at = timezone.now() - dt.timedelta(seconds=30 * n)
    samples: dict = {"names": [], "numbers": [], "ids": []}
    vendor = connection.vendor
    case_cols = [
        "id", "court_id", "number", "region", "stage", "dispute_type", "facts", "amount", "state",
        "registered_by_id", "registered_at", "chosen_by", "simple_procedure", "search_text", "search_grams",
    ]  # fmt: skip
    region = region_of_court("京0105").key  # 朝阳's cases, as register_case reads their numbers
    party_cols = ["case_id", "role", "kind", "name", "id_number", "id_digest", "phone", "address"]
    delegation_cols = [
        "id", "case_id", "organisation_id", "kind", "state", "sent_by_id", "sent_at", "received_at", "answer_due",
        "answer_due_provisional", "answered_at", "answered_by", "decline_reason", "mediator_name",
        "choice_declined_reason", "outcome", "terms", "outcome_reason", "recall_reason", "termination_ground",
        "failure_record",
    ]  # fmt: skip
    began = time.monotonic()
    for chunk_start in range(0, n, CHUNK):
        cases, parties, delegations = [], [], []
        for i in range(chunk_start, min(n, chunk_start + CHUNK)):
            case_id = new_id()
            number = f"（2026）京0105民诉前调{i + 1}号"
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
            id_number = f"1101051980{rnd.randrange(10**8):08d}"
            company, uscc = rnd.choice(companies)
            state = STATES[i % len(STATES)]
            at = start_at + dt.timedelta(seconds=30 * i)
            texts = [number, name, company, uscc]
            if state in ("delegated", "mediating", "succeeded"):
                texts.append(organisation.name)
                sent = at + dt.timedelta(hours=1)
                delegations.append(
                    [
                        new_id(),
                        case_id,
                        organisation.pk,
                        "delegation",
                        {"delegated": "received", "mediating": "accepted"}.get(state, "concluded"),
                        staff.pk,
                        sent,
                        sent,
                        (sent + dt.timedelta(days=7)).date(),
                        False,
                        None if state == "delegated" else sent,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "{}",
                    ]  # fmt: skip
                )
            columns = search_columns(texts, [id_number, uscc])
            cases.append(
                [
                    case_id,
                    demo.CHAOYANG,
                    number,
                    region,
                    "pre_filing",
                    DISPUTES[i % len(DISPUTES)],
                    "",
                    "52037.00",
                    state,
                    staff.pk,
                    at,
                    "",
                    False,
                    columns["search_text"],
                    columns["search_grams"],
                ]  # fmt: skip
            )
            # Stored as the platform stores them: encrypted (docs/personal-data.md).
            parties.append(
                [case_id, "applicant", "natural_person", name, encrypt(id_number), id_number_digest(id_number), "", ""]
            )
            parties.append(
                [case_id, "respondent", "legal_person", company, encrypt(uscc), id_number_digest(uscc), "", ""]
            )
            if rnd.random() < 200 / n or len(samples["ids"]) < 50:
                samples["names"].append(name)
                samples["numbers"].append(number)
                samples["ids"].append(str(case_id))
        with transaction.atomic():
            insert(connection, "court_case", case_cols, cases)
            insert(connection, "court_party", party_cols, parties)
            insert(connection, "court_delegation", delegation_cols, delegations)
    # Table statistics, as a running platform has them: PostgreSQL's autovacuum, SQLite's by the worker's daily
    # job (sutiao.jobs.maintenance.analyse_database).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    samples["seconds"] = round(time.monotonic() - began, 1)
    if vendor == "postgresql":
        samples["trgm"] = _trgm_against_grams(connection, samples["names"])
    return samples


def _trgm_against_grams(connection, names) -> dict:
    """pg_trgm's GIN index against sutiao.listing's bigram index, for a two- and a three-character part."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("CREATE INDEX IF NOT EXISTS bench_case_trgm ON court_case USING gin (search_text gin_trgm_ops)")
        cursor.execute("ANALYZE court_case")
        found = {}
        two = next(n[:2] for n in names if len(n) >= 2)
        three = next(n for n in names if len(n) == 3)
        for label, part in (("2 chars", two), ("3 chars", three)):
            queries = {
                "pg_trgm": ("SELECT count(*) FROM court_case WHERE search_text LIKE %s", [f"%{part}%"]),
                "bigrams": (
                    "SELECT count(*) FROM court_case WHERE string_to_array(search_grams, ' ') @> %s::text[]"
                    " AND search_text LIKE %s",
                    [[part] if len(part) == 2 else [part[i : i + 3] for i in range(len(part) - 2)], f"%{part}%"],
                ),
            }
            for how, (sql, params) in queries.items():
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                found[f"{label} {how}"] = round(plan[0]["Execution Time"], 1)
        cursor.execute("DROP INDEX bench_case_trgm")
    return found


# --- the bench ---


def _percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times) * 1000, p95 * 1000


# Single-use recovery codes for the clerk's second step (staff sign in with two factors), made before the run;
# the signed-in sessions are kept and reused by every measurement (a sign-in costs half a second of Argon2).
RECOVERY_CODES: list[str] = []
SESSIONS: list = []


def _session(base: str):
    import requests

    from sutiao import demo

    s = requests.Session()
    s.get(f"{base}/accounts/login/")
    s.post(
        f"{base}/accounts/login/",
        {"username": "court_filing", "password": demo.PASSWORD, "csrfmiddlewaretoken": s.cookies["sutiao_court_csrf"]},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    s.post(
        f"{base}/accounts/two-factor/",
        {"token": RECOVERY_CODES.pop(), "csrfmiddlewaretoken": s.cookies["sutiao_court_csrf"]},
        headers={"Referer": f"{base}/accounts/two-factor/"},
    )
    return s


def _measure(base, urls, clients: int, token: str) -> list[float]:
    """Fetch every URL (spread over `clients` signed-in sessions); the latency of each."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    share = [urls[i::clients] for i in range(clients)]
    while len(SESSIONS) < clients:
        SESSIONS.append(_session(base))
        SESSIONS[-1].headers["Authorization"] = f"Bearer {token}"

    def run(s, mine):
        for url in mine:
            t = time.perf_counter()
            r = s.get(base + url)
            elapsed = time.perf_counter() - t
            with lock:
                times.append(elapsed)
                if r.status_code != 200:
                    errors.append(f"{url}: {r.status_code}")

    threads = [threading.Thread(target=run, args=(s, m)) for s, m in zip(SESSIONS, share, strict=False) if m]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("; ".join(errors[:5]))
    return times


def bench(kind: str, n: int, requests_each: int, clients: int) -> None:
    from urllib.parse import quote

    from sutiao.devserver import Platform, PostgresDatabases, free_port

    dbs = None
    if kind == "postgres":
        dbs = PostgresDatabases(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            court = Platform(
                "court", Path(tmp), free_port(), dbs.urls[0] if dbs else "", {"SUTIAO_LOG_LEVEL": "WARNING"}
            )
            court.ensure_key()
            court.manage("migrate", "--noinput", "-v0")
            court.manage("seed_demo")
            done = subprocess.run(
                [sys.executable, __file__, "generate", str(n)], env=court.env, capture_output=True, text=True
            )
            if done.returncode:
                raise RuntimeError(done.stderr[-3000:])
            samples = json.loads(done.stdout.strip().splitlines()[-1])
            token = court.manage("issue_api_token", "court_filing", "--all-scopes").stdout.strip()
            codes = court.manage("totp", "court_filing", "--recovery-codes", str(clients + 1)).stdout.split()
            RECOVERY_CODES[:], SESSIONS[:] = codes, []
            print(f"{kind}: {n:,} cases, {2 * n:,} parties written in {samples['seconds']} s")
            for label, ms in samples.get("trgm", {}).items():
                print(f"  count of a name part, {label}: {ms} ms")
            court.start(Path(tmp) / "logs", roles=("web",))
            try:
                base = court.url
                _wait(base)
                rnd = random.Random(3)
                s = _session(base)
                first = s.get(f"{base}/cases/?state=applied&dispute_type=misrepresentation").text
                next_page = re.search(r'href="(/cases/\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
                names = [nm[1:] if len(nm) == 3 else nm for nm in samples["names"]]
                serials = [re.search(r"(\d+)号", x).group(1) + "号" for x in samples["numbers"]]
                kinds = {
                    "baseline: sign-in page": lambda: "/accounts/login/",
                    "work queue": lambda: "/",
                    "search: part of a name": lambda: "/cases/?q=" + quote(rnd.choice(names)),
                    "search: case number": lambda: "/cases/?q=" + quote(rnd.choice(serials)),
                    "filtered list, next page": lambda: next_page,
                    "case page": lambda: f"/cases/{rnd.choice(samples['ids'])}/",
                    "API list": lambda: "/api/v1/cases?limit=25",
                }
                print(f"  {'':28} {'sequential p50/p95':>20} {f'{clients} clients p50/p95':>22}")
                for label, url in kinds.items():
                    seq = _percentiles(_measure(base, [url() for _ in range(requests_each)], 1, token))
                    conc = _percentiles(
                        _measure(base, [url() for _ in range(max(requests_each, 3 * clients))], clients, token)
                    )
                    print(
                        f"  {label:28} {seq[0]:>8.0f} / {seq[1]:>5.0f} ms {conc[0]:>10.0f} / {conc[1]:>5.0f} ms",
                        flush=True,
                    )
            except RuntimeError:
                print((Path(tmp) / "logs" / "court-web.log").read_text()[-5000:])
                raise
            finally:
                court.stop(roles=("web",))
    finally:
        if dbs:
            dbs.drop()


def _wait(base: str) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the court platform did not start")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "generate":
        print(json.dumps(generate(int(sys.argv[2])), ensure_ascii=False))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20000, help="cases (each with 2 parties); the issue's: 1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=40, help="requests per measurement")
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    for kind in args.databases.split(","):
        bench(kind.strip(), args.cases, args.requests, args.clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
