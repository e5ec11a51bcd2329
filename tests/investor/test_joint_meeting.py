"""Issue 13 §5, the joint meeting's page against a court platform that answers (a loopback server signing with the
court peer's key, in process): the reconciliation lines are paged and searched by court or organisation name,
and the names are looked up for the lines shown only, by id — never a DISTINCT over every fact; the court's signed
answer is kept once per change of its figures, and superseded copies go after their retention, audited."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from peer_server import PeerServer, SignableAnswer
from sutiao.docking.signing import sign_answer
from sutiao.investor.models import CourtDirectory
from sutiao.kernel.calendar import CHINA
from sutiao.kernel.ids import new_id
from sutiao.reports import facts

YEAR = {"period": "year", "year": 2025}
COURT = "7f0a7c8e-2b1e-4a55-9a1e-000000000001"


def signed_json(key, received, payload: dict, status=200):
    body = json.dumps(payload, ensure_ascii=False).encode()
    answer = SignableAnswer(status, {"Content-Type": "application/json"}, received)
    sign_answer(answer, body, answer.request, key=key)
    return status, dict(answer.headers), body


def court_answer(rows, **extra):
    return {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "as_of": timezone.now().isoformat(),
        "rows": rows,
        **extra,
    }


def row(court, organisation, count=1, state="pending", in_flight=0):
    return {
        "court": str(court),
        "organisation": str(organisation),
        "kind": "delegation",
        "state": state,
        "count": count,
        "in_flight": in_flight,
    }


@pytest.fixture
def court_platform(court_peer, own_key):
    """The court platform's address answers from a loopback server; `answer` is what it signs."""
    server = PeerServer().start()
    court_peer.peer.base_url = server.url
    court_peer.peer.save()
    server.rows = []
    server.extra = {}
    server.answer = lambda received: signed_json(court_peer.key, received, court_answer(server.rows, **server.extra))
    yield server
    server.stop()


@pytest.fixture
def named_lines(receive, org_a, org_b, court_platform, court_peer):
    """One delegation of ours that the court counts too, and 30 courts the court says delegated once to org_a
    (or, every third, org_b), which this platform never received: 30 lines, ours 0, theirs 1."""
    receive(org_a, court_id=COURT, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    courts = [new_id() for _ in range(30)]
    for i, court in enumerate(courts):
        CourtDirectory.objects.create(id=court, peer=court_peer.peer, name=f"测试第{i:02d}人民法院")
    court_platform.rows = [row(COURT, org_a.pk)] + [
        row(court, org_b.pk if i % 3 == 0 else org_a.pk) for i, court in enumerate(courts)
    ]
    return courts


def _lines(html: str) -> int:
    return html.count('data-testid="joint-line"')


def test_the_lines_are_paged_with_names_looked_up_for_the_lines_shown_only(
    client, bureau_user, named_lines, monkeypatch
):
    source = facts.source()
    asked = []
    real_names = type(source).names

    def names(self, dimension, keys):
        asked.append((dimension, len(set(keys))))
        return real_names(self, dimension, keys)

    def no_distinct(*args, **kwargs):
        raise AssertionError("the joint page must not list every fact's court and organisation")

    monkeypatch.setattr(type(source), "names", names)
    monkeypatch.setattr(type(source), "choices", no_distinct)
    client.force_login(bureau_user)
    first = client.get(reverse("report-joint"), YEAR)
    html = first.content.decode()
    assert first.status_code == 200 and 'data-testid="joint-signed"' in html
    assert _lines(html) == 25 and 'data-testid="next-page"' in html
    assert "测试第00人民法院" in html and "中证资本市场法律服务中心" in html
    assert "30 项不一致" in html
    assert asked == [("court", 25), ("organisation", 2)]

    next_page = first.context["next_page"]
    second = client.get(next_page).content.decode()
    assert _lines(second) == 5 and 'data-testid="next-page"' not in second
    assert "测试第29人民法院" in second and "测试第00人民法院" not in second


def test_the_lines_are_searched_by_organisation_or_court_name(client, bureau_user, named_lines):
    client.force_login(bureau_user)
    html = client.get(reverse("report-joint"), {**YEAR, "q": "北京证券"}).content.decode()
    assert _lines(html) == 10 and "10 项不一致" in html  # courts 0, 3, … 27 delegated to org_b
    assert "中证资本市场法律服务中心" not in html.split('data-testid="joint-reconciliation"')[1]
    html = client.get(reverse("report-joint"), {**YEAR, "q": "第07"}).content.decode()
    assert _lines(html) == 1 and "测试第07人民法院" in html
    html = client.get(reverse("report-joint"), {**YEAR, "q": "无此机构"}).content.decode()
    assert _lines(html) == 0 and 'data-testid="joint-no-match"' in html


def test_a_tampered_cursor_is_refused_not_a_server_error(client, bureau_user, named_lines):
    client.force_login(bureau_user)
    page = client.get(reverse("report-joint"), {**YEAR, "cursor": "forged"})
    assert page.status_code == 200 and "翻页标记无效" in page.content.decode()


def test_when_both_agree_there_is_no_line_and_no_search(client, bureau_user, receive, org_a, court_platform):
    receive(org_a, court_id=COURT, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    court_platform.rows = [row(COURT, org_a.pk)]
    client.force_login(bureau_user)
    html = client.get(reverse("report-joint"), YEAR).content.decode()
    assert 'data-testid="joint-agree"' in html and 'data-testid="joint-search"' not in html


# --- §5 completeness: adoption by region, and the peer's signed answer kept ---


def _on_every_roster(mediator_user, court_peer, bureau_user):
    """The mediator's registry record confirmed on the jointly recognised roster."""
    from investor_registry_setup import default_validity

    from sutiao.investor.models import Mediator, RosterProposal
    from sutiao.kernel.calendar import china_today
    from sutiao.kernel.workflow import InvestorProposalState

    record = Mediator.objects.get(user=mediator_user)
    today = china_today()
    return RosterProposal.objects.create(
        peer=court_peer.peer,
        subject_kind="mediator",
        organisation_id=record.organisation_id,
        mediator=record,
        court_id=None,
        court_name="全国各级人民法院",
        proposed_by=bureau_user,
        proposed_at=timezone.now(),
        state=InvestorProposalState.CONFIRMED,
        decided_at=timezone.now(),
        decided_by="最高人民法院",
        valid_from=today,
        valid_until=default_validity(today),
    )


def test_the_signed_answer_carries_the_adoption_figures_only_to_an_asker_that_asks(
    client, org_a, org_b, mediator_a, regional_office, court_peer, bureau_user, own_key
):
    from test_docking_hardening import signed_get_headers

    from sutiao.docking.schemas import Statistics

    _on_every_roster(mediator_a, court_peer, bureau_user)
    path = "/docking/v1/statistics?start=2025-01-01&end=2025-12-31"
    older = client.get(path, headers=signed_get_headers(court_peer.key, path))
    assert older.status_code == 200 and "adoption" not in older.json()  # an older asker refuses unknown fields
    assert Statistics.model_validate(older.json()).adoption is None

    path += "&adoption=1"
    newer = client.get(path, headers=signed_get_headers(court_peer.key, path))
    assert newer.status_code == 200 and newer.headers["Signature"], newer.content.decode()
    adoption = Statistics.model_validate(newer.json()).adoption
    assert [(r.region, r.region_name, r.courts, r.organisations, r.mediators) for r in adoption] == [
        (str(regional_office.pk), "中国证监会北京监管局", None, 2, 1)
    ]


def test_an_older_answer_without_adoption_still_reads():
    from sutiao.docking.schemas import Statistics

    old = court_answer([row(COURT, new_id())])
    assert Statistics.model_validate(old).adoption is None


def test_the_openapi_document_names_the_adoption_figures(client, db):
    document = client.get("/docking/v1/openapi.json").json()
    parameters = {p["name"]: p for p in document["paths"]["/docking/v1/statistics"]["get"]["parameters"]}
    assert parameters["adoption"]["required"] is False and parameters["start"]["required"] is True
    statistics = document["components"]["schemas"]["Statistics"]
    assert "adoption" in statistics["properties"] and "adoption" not in statistics["required"]
    assert {"region", "courts", "organisations", "mediators"} <= set(
        document["components"]["schemas"]["AdoptionRow"]["properties"]
    )


def test_the_openapi_document_names_the_cases_by_region(client, db):
    document = client.get("/docking/v1/openapi.json").json()
    parameters = {p["name"]: p for p in document["paths"]["/docking/v1/statistics"]["get"]["parameters"]}
    assert parameters["cases_by_region"]["required"] is False
    statistics = document["components"]["schemas"]["Statistics"]
    assert "cases_by_region" in statistics["properties"] and "cases_by_region" not in statistics["required"]
    assert {"region", "region_name", "kind", "state", "count", "in_flight"} == set(
        document["components"]["schemas"]["RegionCasesRow"]["properties"]
    )


COURT_ADOPTION = [
    {"region": "11", "region_name": "北京市", "courts": 3, "organisations": 2, "mediators": 5},
    {"region": "national", "region_name": "全国", "courts": 1, "organisations": 1, "mediators": 0},
]


def test_the_page_shows_both_adoption_tables_and_keeps_the_courts_signed_answer(
    client, bureau_user, named_lines, court_platform, court_peer, regional_office
):
    from sutiao.docking import statistics
    from sutiao.docking.models import StatisticsCopy

    court_platform.extra = {"adoption": COURT_ADOPTION}
    client.force_login(bureau_user)
    first = client.get(reverse("report-joint"), YEAR)
    html = first.content.decode()
    assert "adoption=1" in court_platform.received[0].path
    assert "cases_by_region=1" in court_platform.received[0].path
    assert html.count('data-testid="joint-adoption-theirs-row"') == 2 and "北京市" in html
    assert html.count('data-testid="joint-adoption-ours-row"') == 1 and "中国证监会北京监管局" in html
    assert "已接入法院" in html

    copy = StatisticsCopy.objects.get()
    assert (copy.peer, copy.start, copy.end) == (court_peer.peer, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert {"Signature", "Signature-Input", "Content-Digest"} <= set(copy.headers)
    assert "Signature" in copy.request["headers"] and copy.key_id == court_peer.key[0]
    assert "对方平台签名数据，取得于" in html and 'data-testid="joint-copy-verified"' in html
    assert statistics.recheck(copy).peer_key.peer == court_peer.peer

    # The next page compares against the same kept answer: the court is not asked again.
    second = client.get(first.context["next_page"])
    assert len(court_platform.received) == 1 and second.context["joint"].copy == copy

    download = client.get(reverse("report-joint-copy", args=[copy.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    kept = json.loads(download.content)
    import base64
    import hashlib

    body = base64.b64decode(kept["body_base64"])
    assert hashlib.sha256(body).hexdigest() == kept["sha256"] == copy.sha256
    assert kept["response"]["headers"]["Content-Digest"] == copy.headers["Content-Digest"]
    assert kept["body"]["adoption"] == COURT_ADOPTION and kept["key_id"] == copy.key_id


def test_a_kept_answer_altered_afterwards_fails_the_recheck(client, bureau_user, named_lines, court_platform):
    from sutiao.docking.models import StatisticsCopy

    client.force_login(bureau_user)
    client.get(reverse("report-joint"), YEAR)
    copy = StatisticsCopy.objects.get()
    altered = bytes(copy.body).replace(b'"count": 1', b'"count": 2', 1)
    StatisticsCopy.objects.filter(pk=copy.pk).update(body=altered)
    html = client.get(reverse("report-joint"), {**YEAR, "copy": copy.pk}).content.decode()
    assert 'data-testid="joint-copy-problem"' in html and "Content-Digest" in html


def test_an_older_court_platform_without_adoption_is_said_so(client, bureau_user, named_lines, court_platform):
    client.force_login(bureau_user)
    html = client.get(reverse("report-joint"), YEAR).content.decode()
    assert 'data-testid="joint-adoption-missing"' in html and 'data-testid="joint-line"' in html


def test_only_who_reads_the_joint_figures_downloads_a_kept_answer(
    client, bureau_user, admin_a, named_lines, court_platform
):
    from sutiao.docking.models import StatisticsCopy

    client.force_login(bureau_user)
    client.get(reverse("report-joint"), YEAR)
    copy = StatisticsCopy.objects.get()
    client.force_login(admin_a)
    assert client.get(reverse("report-joint-copy", args=[copy.pk])).status_code == 403


# --- the kept answers: one per change of the figures; superseded ones go after their retention, audited ---


def _recording(court_platform) -> list:
    """The answers the court platform signs, as sent (status, headers, body), from now on."""
    sent, answer = [], court_platform.answer

    def record(received):
        sent.append(answer(received))
        return sent[-1]

    court_platform.answer = record
    return sent


def test_an_answer_with_the_same_figures_is_not_kept_again_and_confirms_the_kept_one(
    client, bureau_user, org_a, org_b, court_platform
):
    from sutiao.docking import statistics
    from sutiao.docking.models import StatisticsCopy

    sent = _recording(court_platform)
    court_platform.rows = [row(COURT, org_a.pk), row(COURT, org_b.pk, state="accepted", count=2)]
    client.force_login(bureau_user)
    client.get(reverse("report-joint"), YEAR)
    copy = StatisticsCopy.objects.get()
    assert copy.last_confirmed_at == copy.fetched_at and bytes(copy.body) == sent[0][2]

    court_platform.rows.reverse()  # the same figures, listed in another order and counted again (a new as_of)
    page = client.get(reverse("report-joint"), YEAR)
    html = page.content.decode()
    assert len(sent) == 2 and sent[1][2] != sent[0][2]
    kept = StatisticsCopy.objects.get()
    assert kept.pk == copy.pk and bytes(kept.body) == bytes(copy.body) and kept.fetched_at == copy.fetched_at
    assert kept.last_confirmed_at > copy.last_confirmed_at
    assert page.context["joint"].copy == kept and page.context["joint"].theirs == statistics.kept(kept)
    assert 'data-testid="joint-copy-confirmed"' in html and "最近一次核对" in html
    assert 'data-testid="joint-copy-verified"' in html

    # The kept answer still downloads and checks again, with when it was last confirmed.
    download = json.loads(client.get(reverse("report-joint-copy", args=[kept.pk])).content)
    import base64
    import hashlib

    assert hashlib.sha256(base64.b64decode(download["body_base64"])).hexdigest() == kept.sha256
    assert download["last_confirmed_at"] == kept.last_confirmed_at.isoformat()
    assert statistics.recheck(kept).peer_key.key_id == kept.key_id


def test_a_changed_answer_is_kept_beside_the_earlier_one(client, bureau_user, org_a, court_platform):
    from sutiao.docking import statistics
    from sutiao.docking.models import StatisticsCopy

    first = [row(COURT, org_a.pk)]
    court_platform.rows = first
    client.force_login(bureau_user)
    client.get(reverse("report-joint"), YEAR)
    court_platform.rows = [row(COURT, org_a.pk, state="accepted")]
    page = client.get(reverse("report-joint"), YEAR)
    older, newer = StatisticsCopy.objects.order_by("fetched_at", "id")
    assert page.context["joint"].copy == newer and 'data-testid="joint-copy-confirmed"' not in page.content.decode()
    assert [r.state for r in statistics.kept(newer).rows] == ["accepted"]

    # Back to the first figures: the newest copy says otherwise, so they are kept again — the first copy proves
    # what the court said then, not since.
    court_platform.rows = first
    client.get(reverse("report-joint"), YEAR)
    assert StatisticsCopy.objects.count() == 3
    assert StatisticsCopy.objects.get(pk=older.pk).last_confirmed_at == older.fetched_at


def test_a_kept_answer_altered_since_confirms_nothing_the_new_answer_is_kept(
    client, bureau_user, named_lines, court_platform
):
    from sutiao.docking.models import StatisticsCopy

    client.force_login(bureau_user)
    client.get(reverse("report-joint"), YEAR)
    copy = StatisticsCopy.objects.get()
    # The same figures, but the kept bytes no longer match their digest (a stray space).
    StatisticsCopy.objects.filter(pk=copy.pk).update(body=bytes(copy.body).replace(b", ", b",  ", 1))
    html = client.get(reverse("report-joint"), YEAR).content.decode()
    assert StatisticsCopy.objects.count() == 2 and 'data-testid="joint-copy-verified"' in html
    assert StatisticsCopy.objects.get(pk=copy.pk).last_confirmed_at == copy.fetched_at


def test_superseded_copies_go_after_their_retention_in_audited_batches_the_newest_of_each_period_stays(
    client, bureau_user, org_a, court_platform, court_peer, settings
):
    from sutiao.audit.models import AuditRecord
    from sutiao.docking.models import StatisticsCopy
    from sutiao.jobs.schedule import periodic_jobs
    from sutiao.reports.actions import prune_statistics_copies

    client.force_login(bureau_user)
    for count in (1, 1, 2, 3, 4):  # four copies of 2025 (the second answer confirms the first)
        court_platform.rows = [row(COURT, org_a.pk, count=count)]
        client.get(reverse("report-joint"), YEAR)
    court_platform.extra = {"start": "2024-01-01", "end": "2024-12-31"}
    client.get(reverse("report-joint"), {"period": "year", "year": 2024})
    copies = list(StatisticsCopy.objects.order_by("fetched_at", "id"))
    assert len(copies) == 5 and copies[0].last_confirmed_at > copies[0].fetched_at
    first, second, third, newest_2025, only_2024 = copies

    days = dt.timedelta(days=settings.SUTIAO_STATISTICS_COPY_DAYS)
    # Retention runs from when a copy was last the court's current word: the first copy's confirmation, not its
    # receipt. On its last day nothing goes.
    assert prune_statistics_copies(now=first.last_confirmed_at + days) == 0
    assert prune_statistics_copies(now=first.last_confirmed_at + days + dt.timedelta(microseconds=1)) == 1
    assert not StatisticsCopy.objects.filter(pk=first.pk).exists()

    # Years later everything is old; the newest of each period stays, the rest go in batches.
    assert prune_statistics_copies(now=only_2024.last_confirmed_at + 2 * days, batch=1) == 2
    assert set(StatisticsCopy.objects.values_list("pk", flat=True)) == {newest_2025.pk, only_2024.pk}
    records = list(AuditRecord.objects.filter(action="joint.statistics_copies.pruned").order_by("seq"))
    assert [r.after["removed"] for r in records] == [1, 1, 1] and {r.actor for r in records} == {"系统"}
    assert records[0].after["retention_days"] == settings.SUTIAO_STATISTICS_COPY_DAYS
    assert records[0].after["by_period"] == [
        {
            "peer": court_peer.peer.name,
            "start": "2025-01-01",
            "end": "2025-12-31",
            "removed": 1,
            "received_from": first.fetched_at.isoformat(),
            "received_to": first.fetched_at.isoformat(),
        }
    ]
    assert [r.after["by_period"][0]["received_from"] for r in records[1:]] == [
        c.fetched_at.isoformat() for c in (second, third)
    ]
    assert prune_statistics_copies(now=only_2024.last_confirmed_at + 10 * days) == 0

    # The page still reads and checks what stays; the worker runs the job with the other retention jobs.
    html = client.get(reverse("report-joint"), {"period": "year", "year": 2024}).content.decode()
    assert 'data-testid="joint-copy-verified"' in html and StatisticsCopy.objects.count() == 2
    job = next(j for j in periodic_jobs() if j.name == "prune_statistics_copies")
    assert job.every == "SUTIAO_RETENTION_SECONDS" and job.run is prune_statistics_copies


# --- §5: cases by path and outcome, by region (the case's region: the delegating court's province) ---


def region_row(region, name, state="pending", count=1, in_flight=0, kind="delegation"):
    return {"region": region, "region_name": name, "kind": kind, "state": state, "count": count, "in_flight": in_flight}


def test_the_signed_answer_carries_the_cases_by_region_only_to_an_asker_that_asks(
    client, org_a, org_b, court_peer, receive
):
    from test_docking_hardening import signed_get_headers

    from sutiao.docking.schemas import Statistics

    may = dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat()
    receive(org_a, delegated_at=may)  # (2026)京0105民诉前调12345号
    receive(org_b, delegated_at=may, court_case_number="（2025）沪0115民诉前调7号", kind="entrustment")
    receive(org_b, delegated_at=may, court_case_number="（2025）沪74民初9号", kind="entrustment")
    receive(org_a, delegated_at=may, court_case_number="（2025）最高法民终1号")
    receive(org_a, court_case_number="（2026）沪74民初10号")  # delegated now: not in 2025
    path = "/docking/v1/statistics?start=2025-01-01&end=2025-12-31&adoption=1"
    older = client.get(path, headers=signed_get_headers(court_peer.key, path))
    assert older.status_code == 200 and "cases_by_region" not in older.json()  # an asker that asks for adoption only

    path += "&cases_by_region=1"
    newer = client.get(path, headers=signed_get_headers(court_peer.key, path))
    assert newer.status_code == 200, newer.content.decode()
    rows = Statistics.model_validate(newer.json()).cases_by_region
    assert sorted((r.region, r.region_name, r.kind, r.state, r.count) for r in rows) == [
        ("11", "北京市", "delegation", "pending", 1),
        ("31", "上海市", "entrustment", "pending", 2),
        ("national", "全国", "delegation", "pending", 1),
    ]


def test_an_older_answer_without_cases_by_region_still_reads():
    from sutiao.docking.schemas import Statistics

    assert Statistics.model_validate(court_answer([row(COURT, new_id())])).cases_by_region is None


def _region_lines(html: str) -> list[str]:
    return [part.split(">", 1)[0] for part in html.split('data-testid="joint-region-line"')[1:]]


def test_the_page_shows_both_platforms_cases_by_region_and_a_line_where_a_region_differs(
    client, bureau_user, receive, org_a, court_platform
):
    """Ours: one Beijing case pending. The court's: the same, and a Shanghai case accepted that this platform never
    received (a deliberate difference no message explains) and a Guangdong one in flight to us (explained)."""
    receive(org_a, court_id=COURT, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    court_platform.rows = [row(COURT, org_a.pk)]
    court_platform.extra = {
        "cases_by_region": [
            region_row("11", "北京市"),
            region_row("31", "上海市", state="accepted"),
            region_row("44", "广东省", kind="entrustment", in_flight=1),
        ]
    }
    client.force_login(bureau_user)
    page = client.get(reverse("report-joint"), YEAR)
    html = page.content.decode()
    ours = html.split('data-testid="joint-regions-ours"')[1].split("</table>")[0]
    theirs = html.split('data-testid="joint-regions-theirs"')[1].split("</table>")[0]
    assert ours.count('data-testid="joint-regions-ours-row"') == 1 and "北京市" in ours and "委派调解" in ours
    assert theirs.count('data-testid="joint-regions-theirs-row"') == 3
    assert "上海市" in theirs and "广东省" in theirs and "委托调解" in theirs
    # The lines by court and organisation agree (the court rows are the same); by region two differ.
    assert 'data-testid="joint-agree"' in html
    lines = _region_lines(html)
    assert len(lines) == 2
    shanghai, guangdong = (next(line for line in lines if f'data-region="{r}"' in line) for r in ("31", "44"))
    assert 'data-unexplained="1"' in shanghai and 'data-unexplained="0"' in guangdong
    table = html.split('data-testid="joint-region-reconciliation"')[1].split("</table>")[0]
    assert "逐案对账" in table and "尚未送达本平台" in table and "委派调解 · 已接受、调解中" in table
    assert [(line.region, line.ours, line.theirs) for line, *_ in page.context["joint"].region_lines] == [
        ("31", 0, 1),
        ("44", 0, 1),
    ]


def test_when_both_agree_by_region_it_is_said_so(client, bureau_user, receive, org_a, court_platform):
    receive(org_a, court_id=COURT, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    court_platform.rows = [row(COURT, org_a.pk)]
    court_platform.extra = {"cases_by_region": [region_row("11", "北京市")]}
    client.force_login(bureau_user)
    html = client.get(reverse("report-joint"), YEAR).content.decode()
    assert 'data-testid="joint-regions-agree"' in html and not _region_lines(html)


def test_an_older_court_platform_without_cases_by_region_is_said_so(
    client, bureau_user, receive, org_a, court_platform
):
    receive(org_a, court_id=COURT, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    court_platform.rows = [row(COURT, org_a.pk)]
    client.force_login(bureau_user)
    html = client.get(reverse("report-joint"), YEAR).content.decode()
    assert 'data-testid="joint-regions-missing"' in html and 'data-testid="joint-regions-ours-row"' in html
    assert not _region_lines(html) and 'data-testid="joint-regions-agree"' not in html
