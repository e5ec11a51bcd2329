"""Issue 13 §5 on the court platform: the Supreme People's Court's joint-meeting page against an investor platform
that answers (a loopback server signing with the investor peer's key, in process): the reconciliation lines named
by the court's own records, both adoption tables (the court's with the courts connected), and the investor
platform's signed answer kept (once per change of its figures) and verified again, superseded copies pruned."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from peer_server import PeerServer, SignableAnswer
from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.docking.models import StatisticsCopy
from sutiao.docking.signing import sign_answer
from sutiao.kernel.calendar import china_today
from sutiao.reports.actions import prune_statistics_copies


@pytest.fixture
def spc_admin(db):
    spc = Institution.objects.create(kind=InstitutionKind.SUPREME_COURT, name="最高人民法院", short_code="最高法")
    return User.objects.create_user("spc_admin", password="x-long-password", role=Role.COURT_ADMIN, institution=spc)


@pytest.fixture
def investor_platform(investor, own_key):
    server = PeerServer().start()
    investor.peer.base_url = server.url
    investor.peer.save()
    server.payload = None

    def answer(received):
        body = json.dumps(server.payload(received), ensure_ascii=False).encode()
        signable = SignableAnswer(200, {"Content-Type": "application/json"}, received)
        sign_answer(signable, body, signable.request, key=investor.key)
        return 200, dict(signable.headers), body

    server.answer = answer
    yield server
    server.stop()


def test_the_spc_sees_the_lines_named_both_adoption_tables_and_the_kept_answer(
    client, spc_admin, delegated, court, organisation, investor_platform
):
    today = china_today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    start = today.replace(month=3 * (quarter - 1) + 1, day=1)

    def payload(received):
        end = received.path.split("end=")[1].split("&")[0]
        return {
            "start": start.isoformat(),
            "end": end,
            "as_of": timezone.now().isoformat(),
            "rows": [
                {
                    "court": str(court.pk),
                    "organisation": str(organisation.pk),
                    "kind": delegated.kind,
                    "state": "accepted",
                    "count": 1,
                    "in_flight": 1,
                }
            ],
            "adoption": [{"region": "o1", "region_name": "中国证监会北京监管局", "organisations": 1, "mediators": 3}],
            # The same case as the investor platform places it (Beijing: the court's 京0105), accepted there, and a
            # Shanghai case this platform never delegated: a deliberate difference no message explains.
            "cases_by_region": [
                {
                    "region": "11",
                    "region_name": "北京市",
                    "kind": delegated.kind,
                    "state": "accepted",
                    "count": 1,
                    "in_flight": 1,
                },
                {
                    "region": "31",
                    "region_name": "上海市",
                    "kind": "entrustment",
                    "state": "declined",
                    "count": 1,
                    "in_flight": 0,
                },
            ],
        }

    investor_platform.payload = payload
    client.force_login(spc_admin)
    page = client.get(reverse("report-joint"), {"period": "quarter", "year": year, "quarter": quarter})
    html = page.content.decode()
    assert page.status_code == 200, html
    assert html.count('data-testid="joint-line"') == 2  # pending here (on its way), accepted there
    assert court.name in html and organisation.name in html
    ours = html.split('data-testid="joint-adoption-ours"')[1].split("</table>")[0]
    assert "已接入法院" in ours and "北京市" in ours and "全国" in ours
    theirs = html.split('data-testid="joint-adoption-theirs"')[1].split("</table>")[0]
    assert "中国证监会北京监管局" in theirs and "已接入法院" not in theirs
    # The cases by region side by side: the court's own (its case's province, from the case number) and the
    # investor platform's; a line for each region, path and outcome where they differ, and why.
    ours = html.split('data-testid="joint-regions-ours"')[1].split("</table>")[0]
    assert ours.count('data-testid="joint-regions-ours-row"') == 1 and "北京市" in ours
    (beijing,) = page.context["joint"].regions_ours
    assert (beijing.region, beijing.kind, beijing.counts, beijing.total) == ("11", delegated.kind, {"pending": 1}, 1)
    theirs = html.split('data-testid="joint-regions-theirs"')[1].split("</table>")[0]
    assert theirs.count('data-testid="joint-regions-theirs-row"') == 2 and "上海市" in theirs
    lines = [
        (line.region, line.state, line.ours, line.theirs, line.unexplained)
        for line, *_ in page.context["joint"].region_lines
    ]
    assert lines == [
        ("11", "accepted", 0, 1, False),  # the acceptance on its way here
        ("11", "pending", 1, 0, False),  # the delegation on its way there
        ("31", "declined", 0, 1, True),
    ]
    assert (
        html.count('data-testid="joint-region-line"') == 3
        and "逐案对账" in html.split("joint-region-reconciliation")[1]
    )
    copy = StatisticsCopy.objects.get()
    assert 'data-testid="joint-copy-verified"' in html and copy.peer == organisation.peer
    assert client.get(reverse("report-joint-copy", args=[copy.pk])).status_code == 200


def test_the_investor_platforms_answer_is_kept_once_per_change_and_superseded_copies_go_audited(
    client, spc_admin, delegated, court, organisation, investor_platform, settings
):
    today = china_today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    start = today.replace(month=3 * (quarter - 1) + 1, day=1)
    counts = {"accepted": 1}

    def payload(received):
        return {
            "start": start.isoformat(),
            "end": received.path.split("end=")[1].split("&")[0],
            "as_of": timezone.now().isoformat(),  # counted anew for every answer
            "rows": [
                {
                    "court": str(court.pk),
                    "organisation": str(organisation.pk),
                    "kind": delegated.kind,
                    "state": state,
                    "count": n,
                    "in_flight": 0,
                }
                for state, n in counts.items()
            ],
        }

    investor_platform.payload = payload
    client.force_login(spc_admin)
    period = {"period": "quarter", "year": year, "quarter": quarter}
    client.get(reverse("report-joint"), period)
    html = client.get(reverse("report-joint"), period).content.decode()
    copy = StatisticsCopy.objects.get()  # the same figures twice: one copy, confirmed again
    assert copy.last_confirmed_at > copy.fetched_at and 'data-testid="joint-copy-confirmed"' in html
    assert client.get(reverse("report-joint-copy", args=[copy.pk])).status_code == 200

    counts["pending"] = 1  # the investor platform's figures change: kept beside the first
    client.get(reverse("report-joint"), period)
    newest = StatisticsCopy.objects.first()  # newest first
    assert StatisticsCopy.objects.count() == 2 and newest.pk != copy.pk

    later = newest.last_confirmed_at + dt.timedelta(days=settings.SUTIAO_STATISTICS_COPY_DAYS + 1)
    assert prune_statistics_copies(now=later) == 1
    assert list(StatisticsCopy.objects.all()) == [newest]
    record = AuditRecord.objects.get(action="joint.statistics_copies.pruned")
    assert record.after["removed"] == 1 and record.after["by_period"][0]["start"] == start.isoformat()
