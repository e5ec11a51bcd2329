"""The joint meeting's figures (法办〔2021〕313号 五; issue 13 §5): the SPC's case-filing division, the Investor
Protection Bureau and the Investor Service Center review how the docking is used from figures both platforms
give for the same cases. Each platform counts its own (docking.statistics), asks the peer for its count in a
signed statistics message, and shows both side by side with a reconciliation line wherever they differ, and why,
the adoption figures by region (courts connected, organisations and mediators on rosters) each platform counts of
what it holds, and the same cases by region, path (委派/委托) and outcome, the region being the case's on both
platforms alike (kernel.regions: the delegating court's province, from the case number), with a reconciliation line
for each region, path and outcome where the two differ. Nothing of the platforms' state is written: only the peer's
signed answer is kept (docking.StatisticsCopy) — once per change of its figures — so a reconciliation shown can be
checked again later; superseded copies go after their retention period (actions.prune_statistics_copies)."""

import base64
import datetime as dt
import json
from dataclasses import dataclass, field

import requests
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sutiao import listing
from sutiao.docking import statistics
from sutiao.docking.models import Peer, StatisticsCopy
from sutiao.docking.refusals import Refused
from sutiao.docking.schemas import Statistics
from sutiao.kernel.enums import DelegationKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.regions import REGIONS
from sutiao.regions import region_label

from .facts import source

# The shared states (docking.schemas.SharedState) as the meeting reads them, in this order.
STATES = {
    "pending": gettext_lazy("待答复"),
    "accepted": gettext_lazy("已接受、调解中"),
    "declined": gettext_lazy("不予接受"),
    "withdrawn": gettext_lazy("撤回或逾期未答复"),
    "concluded:succeeded": gettext_lazy("调解成功"),
    "concluded:failed": gettext_lazy("调解不成"),
    "concluded:withdrawn": gettext_lazy("申请人撤回调解"),
}


def label(kind: str, state: str) -> str:
    """委派调解 · 调解成功."""
    return f"{_(DelegationKind(kind).label)} · {STATES[state]}"


@dataclass
class RegionCases:
    """One row of a platform's table of the cases by region: a region and a path (委派/委托), its cases in each
    shared state."""

    region: str
    name: str
    kind: str
    counts: dict = field(default_factory=dict)  # shared state → count

    @property
    def kind_label(self) -> str:
        return _(DelegationKind(self.kind).label)

    @property
    def cells(self) -> list[int]:
        """The counts in STATES order."""
        return [self.counts.get(state, 0) for state in STATES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_REGION_ORDER = {r.key: i for i, r in enumerate(REGIONS)}
_KIND_ORDER = {k.value: i for i, k in enumerate(DelegationKind)}


def _region_name(key: str, sent: str = "") -> str:
    """A region's name in the reader's language; a key the kernel does not know (a newer peer's) by the name sent."""
    return region_label(key) if key in _REGION_ORDER else (sent or key)


def region_table(rows) -> list[RegionCases]:
    """A platform's cases by region (Statistics.cases_by_region) as a table: one row per region and path, the
    regions in the kernel's order (GB/T 2260, then national and unplaced), 委派 before 委托. At most the kernel's
    regions times two paths: a table, not a list to page."""
    table: dict[tuple, RegionCases] = {}
    for r in rows:
        row = table.setdefault((r.region, r.kind), RegionCases(r.region, _region_name(r.region, r.region_name), r.kind))
        row.counts[r.state] = row.counts.get(r.state, 0) + r.count
    return sorted(
        table.values(), key=lambda r: (_REGION_ORDER.get(r.region, len(_REGION_ORDER)), r.region, _KIND_ORDER[r.kind])
    )


@dataclass
class Cell:
    kind: str
    state: str
    ours: int = 0
    theirs: int | None = None

    @property
    def label(self) -> str:
        return label(self.kind, self.state)

    @property
    def differs(self) -> bool:
        return self.theirs is not None and self.ours != self.theirs


@dataclass
class Joint:
    start: dt.date
    end: dt.date
    peer: Peer
    ours: Statistics
    theirs: Statistics | None
    error: str = ""
    lines: list = field(default_factory=list)  # [(statistics.Line, court, organisation, kind · state, reason)]
    lines_count: int = 0  # the lines that differ (and match the search), on every page
    next: str | None = None  # the cursor of the lines' next page
    table: list[Cell] = field(default_factory=list)  # the kinds and states either platform counts a case in
    # The reconciliation lines by region: [(statistics.RegionLine, region name, kind · state, reason)], every one
    # (at most the kernel's regions × paths × states: not paged).
    region_lines: list = field(default_factory=list)
    # The peer's signed answer compared against, as kept (docking.StatisticsCopy), and whether it verifies again.
    copy: StatisticsCopy | None = None
    copy_verified: bool = False
    copy_problem: str = ""

    @property
    def adoption_ours(self) -> list:
        return sorted(self.ours.adoption or [], key=lambda r: r.region)

    @property
    def adoption_theirs(self) -> list | None:
        """The peer's adoption figures; None when it did not send them (an older peer, or no answer)."""
        if self.theirs is None or self.theirs.adoption is None:
            return None
        return sorted(self.theirs.adoption, key=lambda r: r.region)

    @property
    def adoption_courts(self) -> bool:
        """Whether this platform's figures count courts (the court platform's do)."""
        return any(r.courts is not None for r in self.adoption_ours)

    @property
    def adoption_theirs_courts(self) -> bool:
        return any(r.courts is not None for r in self.adoption_theirs or [])

    @property
    def regions_ours(self) -> list[RegionCases]:
        return region_table(self.ours.cases_by_region or [])

    @property
    def regions_theirs(self) -> list[RegionCases] | None:
        """The peer's cases by region; None when it did not send them (an older peer, or no answer)."""
        if self.theirs is None or self.theirs.cases_by_region is None:
            return None
        return region_table(self.theirs.cases_by_region)

    @property
    def state_labels(self) -> list:
        return list(STATES.values())

    @property
    def courts(self) -> int:
        """Courts that delegated to the peer's organisations in the period (connected and in use)."""
        return len({r.court for r in self.ours.rows})

    @property
    def organisations(self) -> int:
        return len({r.organisation for r in self.ours.rows})

    @property
    def total_ours(self) -> int:
        return sum(r.count for r in self.ours.rows)

    @property
    def total_theirs(self) -> int | None:
        return None if self.theirs is None else sum(r.count for r in self.theirs.rows)


def reason(line: statistics.Line | statistics.RegionLine, peer_name: str) -> str:
    """Why the two counts differ, as the meeting reads it."""
    if line.unexplained:
        return _("没有在途消息可以解释：请在对接运维页运行逐案对账，找出不一致的案件")
    parts = []
    if line.ours_in_flight:
        parts.append(_("本平台有 %(n)s 件的最新情况尚未送达%(peer)s") % {"n": line.ours_in_flight, "peer": peer_name})
    if line.theirs_in_flight:
        parts.append(_("%(peer)s有 %(n)s 件的最新情况尚未送达本平台") % {"n": line.theirs_in_flight, "peer": peer_name})
    return "；".join(parts) + _("（送达后即一致）")


def ensure_may_read(user) -> None:
    if not source().sees_everything(user):
        raise PermissionDenied(_("仅可查看全部案件统计的机构（投资者保护局、最高人民法院）可查看联席会议数据"))


def figures(
    user,
    start: dt.date,
    end: dt.date,
    *,
    query: str = "",
    cursor: str | None = None,
    size=listing.PAGE_SIZE,
    copy_id: int | None = None,
) -> Joint:
    """Both platforms' figures for the delegations made from `start` to `end`, for who sees every case's figures
    (the Bureau, the SPC); the peer's half missing, with the reason, when it cannot be had. The reconciliation
    lines are paged (`cursor`, `size`) and searched by court or organisation name (`query`); a later page reads
    the peer's answer kept when the first was shown (`copy_id`), not a new one."""
    ensure_may_read(user)
    facts = source()
    peer = Peer.objects.filter(active=True).order_by("pk").first()
    if peer is None:
        raise PermissionDenied(_("本平台尚未与对方平台对接"))
    joint = Joint(start, end, peer, statistics.own(peer, start, end, adoption=True, cases_by_region=True), None)
    try:
        if copy_id:
            # A later page of the same reading: the answer kept then, not a new one (the lines must not shift).
            joint.copy = StatisticsCopy.objects.filter(pk=copy_id, peer=peer, start=start, end=end).first()
            if joint.copy is None:
                raise DomainError(_("该对方平台数据副本不存在或不属于该期间"), field="copy")
            joint.theirs = statistics.kept(joint.copy)
        else:
            joint.theirs, joint.copy = statistics.fetch(peer, start, end)
        check_copy(joint)
    except Refused as e:
        joint.error = e.message
    except (requests.RequestException, ValueError) as e:
        joint.error = _("%(peer)s暂时无法访问（%(error)s），下表只有本平台的数据") % {
            "peer": peer.display_name,
            "error": type(e).__name__,
        }
    cells = {(k.value, s): Cell(k.value, s) for k in DelegationKind for s in STATES}
    for r in joint.ours.rows:
        cells[(r.kind, r.state)].ours += r.count
    if joint.theirs is not None:
        for cell in cells.values():
            cell.theirs = 0
        for r in joint.theirs.rows:
            cells[(r.kind, r.state)].theirs += r.count
        reconcile(joint, facts, statistics.compare(joint.ours, joint.theirs), query=query, cursor=cursor, size=size)
        reconcile_regions(joint)
    joint.table = [c for c in cells.values() if c.ours or c.theirs]
    return joint


def reconcile_regions(joint: Joint) -> None:
    """The lines where the two platforms' counts of the same region, path and outcome differ, each with its reason
    (as `reason` explains the lines by court and organisation); none when the peer sent no cases by region."""
    sent = {r.region: r.region_name for r in (joint.theirs.cases_by_region or [])}
    joint.region_lines = [
        (
            line,
            _region_name(line.region, sent.get(line.region, "")),
            label(line.kind, line.state),
            reason(line, joint.peer.display_name),
        )
        for line in statistics.compare_regions(joint.ours, joint.theirs)
    ]


def check_copy(joint: Joint) -> None:
    """Verify the kept answer again (its bytes, its signature with the peer's key, as of its receipt): what the
    page shows is what the peer signed."""
    try:
        statistics.recheck(joint.copy)
    except Refused as e:
        joint.copy_problem = e.message
    else:
        joint.copy_verified = True


def copy_for(user, copy_id) -> StatisticsCopy:
    """A kept answer, for who reads the joint figures."""
    ensure_may_read(user)
    copy = StatisticsCopy.objects.select_related("peer").filter(pk=copy_id).first()
    if copy is None:
        raise Http404(_("没有这份对方平台数据副本"))
    return copy


def copy_file(copy: StatisticsCopy) -> bytes:
    """The kept answer as one JSON file: the exact bytes (base64, for the digest), the headers that sign them and
    the request they answer — what an independent check of the RFC 9421 signature needs."""
    body = bytes(copy.body)
    return json.dumps(
        {
            "peer": copy.peer.name,
            "period": {"start": copy.start.isoformat(), "end": copy.end.isoformat()},
            "fetched_at": copy.fetched_at.isoformat(),
            "last_confirmed_at": copy.last_confirmed_at.isoformat(),
            "key_id": copy.key_id,
            "sha256": copy.sha256,
            "request": copy.request,
            "response": {"status": copy.status, "headers": copy.headers},
            "body_base64": base64.b64encode(body).decode(),
            "body": json.loads(body),
        },
        ensure_ascii=False,
        indent=1,
    ).encode()


def _key(line: statistics.Line) -> list[str]:
    return [line.court, line.organisation, line.kind, line.state]


def reconcile(joint: Joint, facts, lines: list[statistics.Line], *, query: str, cursor: str | None, size) -> None:
    """One page of the reconciliation lines (in key order, from `cursor`: the last shown line's key), those whose
    court or organisation name contains `query` if one is given. Names are looked up for the lines shown only
    (and, to search, for the lines that differ), by id."""
    words = [w for w in (listing.normalise(w) for w in (query or "").split()) if w]
    if words:
        names = _names(facts, lines)

        def matches(line: statistics.Line) -> bool:
            text = listing.normalise(f"{names[0].get(line.court, '')} {names[1].get(line.organisation, '')}")
            return all(w in text for w in words)

        lines = [line for line in lines if matches(line)]
    joint.lines_count = len(lines)
    after = listing.read_cursor(cursor)
    if after is not None:
        well_formed = isinstance(after, list) and len(after) == len(statistics.KEY)
        if not (well_formed and all(isinstance(v, str) for v in after)):
            raise DomainError(_("翻页标记无效，请从第一页重新查看"), field="cursor")
        lines = [line for line in lines if _key(line) > after]
    size = listing.page_size(size)
    shown = lines[:size]
    if len(lines) > size:
        joint.next = listing.sign_cursor(_key(shown[-1]))
    courts, organisations = _names(facts, shown)
    joint.lines = [
        (
            line,
            courts.get(line.court, line.court),
            organisations.get(line.organisation, line.organisation),
            label(line.kind, line.state),
            reason(line, joint.peer.display_name),
        )
        for line in shown
    ]


def _names(facts, lines: list[statistics.Line]) -> tuple[dict[str, str], dict[str, str]]:
    return (
        facts.names("court", {line.court for line in lines}),
        facts.names("organisation", {line.organisation for line in lines}),
    )
