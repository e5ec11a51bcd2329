"""The signed statistics message (issue 13 §5): each platform counts the delegations it shares with its peer, for
a period, by court, organisation, kind and shared state (hooks.counts_delegations), answers the peer's signed
request with them (`/docking/v1/statistics`), and compares its own rows with the peer's — the joint meeting's
reconciliation line: where the two platforms' figures for the same cases differ, and why."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from pydantic import ValidationError
from requests.structures import CaseInsensitiveDict

from sutiao.kernel.calendar import CHINA
from sutiao.kernel.regions import region_name

from . import hooks
from .client import signed_get_response
from .models import OutboxMessage, OutboxStatus, Peer, PeerKey, StatisticsCopy
from .refusals import Refused
from .schemas import Statistics
from .signing import ANSWER_COMPONENTS, HttpMessage, Verified, verify

KEY = ("court", "organisation", "kind", "state")
# The key of the rows by region (Statistics.cases_by_region).
REGION_KEY = ("region", "kind", "state")


def count(delegations: QuerySet, peer: Peer, *, court: str, case: str, shared: Callable[[str, str], str]) -> list[dict]:
    """The rows of a platform's delegations (already narrowed to the peer and the period): one GROUP BY by the
    platform's `court` and `case` fields, organisation, kind, state and outcome; `shared(state, outcome)` names the
    state as both platforms do."""
    return _grouped(delegations, peer, (court, "organisation_id"), KEY, case=case, shared=shared)


def count_by_region(
    delegations: QuerySet, peer: Peer, *, region: str, case: str, shared: Callable[[str, str], str]
) -> list[dict]:
    """The same delegations as `count`, by the platform's `region` field (the case's region, kernel.regions), kind
    and shared state: one GROUP BY. Each row carries the region's name as the kernel has it."""
    rows = _grouped(delegations, peer, (region,), REGION_KEY, case=case, shared=shared)
    for row in rows:
        row["region_name"] = region_name(row["region"])
    return rows


def _grouped(delegations: QuerySet, peer: Peer, fields: tuple, key: tuple, *, case: str, shared) -> list[dict]:
    """One GROUP BY by `fields`, kind, state and outcome, merged into rows keyed by `key` (the fields' names as the
    message has them, then kind and shared state)."""
    rows = (
        delegations.annotate(waiting=unconfirmed_to(peer, case))
        .values(*fields, "kind", "state", "outcome")
        .annotate(count=Count("pk"), in_flight=Count("pk", filter=Q(waiting=True)))
        .order_by()
    )
    groups = (
        ((*(str(r[f]) for f in fields), r["kind"], shared(r["state"], r["outcome"])), r["count"], r["in_flight"])
        for r in rows
    )
    return merge(groups, key=key)


def unconfirmed_to(peer: Peer, case_field: str) -> Exists:
    """Whether the row's case (its `case_field`) has a message to `peer` the peer has not confirmed (pending or
    parked): the reason a figure may differ between the platforms for now."""
    return Exists(
        OutboxMessage.objects.filter(
            peer=peer, case=OuterRef(case_field), status__in=(OutboxStatus.PENDING, OutboxStatus.PARKED)
        )
    )


def merge(groups: Iterable[tuple[tuple, int, int]], key: tuple = KEY) -> list[dict]:
    """Rows from (key, count, in_flight) groups, groups with the same key (several local states that share one
    name) added together; `key` names the key's parts."""
    merged: dict[tuple, dict] = {}
    for values, count, in_flight in groups:
        row = merged.setdefault(values, {**dict(zip(key, values, strict=True)), "count": 0, "in_flight": 0})
        row["count"] += count
        row["in_flight"] += in_flight
    return list(merged.values())


def own(
    peer: Peer, start: dt.date, end: dt.date, *, adoption: bool = False, cases_by_region: bool = False
) -> Statistics:
    """This platform's statistics message for `peer`; the adoption figures and the cases by region only if asked
    (see Statistics)."""
    now = timezone.now()
    return Statistics(
        start=start,
        end=end,
        as_of=now,
        rows=hooks.delegation_statistics(peer, start, end),
        adoption=hooks.adoption_statistics(peer, timezone.localtime(now, CHINA).date()) if adoption else None,
        cases_by_region=hooks.cases_by_region_statistics(peer, start, end) if cases_by_region else None,
    )


# The answer's headers kept with its bytes: those its signature covers or that carry the signature.
KEPT_HEADERS = ("Content-Type", "Content-Digest", "Signature", "Signature-Input")


def fetch(peer: Peer, start: dt.date, end: dt.date) -> tuple[Statistics, StatisticsCopy]:
    """The peer's signed statistics for the period, adoption figures and cases by region asked for (an older peer
    ignores what it does not know and leaves it out), and the copy of its signed answer this platform keeps
    (StatisticsCopy); refused when the answer is not for the period asked.

    An answer with the same figures as the newest copy of the peer and period (`same_figures`: its `as_of` aside,
    which differs in every answer) is not kept again when that copy still verifies: the copy already proves those
    figures, and records that the peer confirmed them (`last_confirmed_at`). What is returned is then the copy's
    statistics, so a page shows what it keeps. Any other answer is kept as a new copy."""
    params = {"start": start.isoformat(), "end": end.isoformat(), "adoption": "1", "cases_by_region": "1"}
    response, verified = signed_get_response(peer, "/docking/v1/statistics", params)
    statistics = read(response.content, start, end)
    with transaction.atomic():
        newest = StatisticsCopy.objects.for_period(peer, start, end).select_for_update().first()
        confirmed = None if newest is None else _confirmed_by(newest, statistics)
        if confirmed is not None:
            newest.last_confirmed_at = timezone.now()
            newest.save(update_fields=["last_confirmed_at"])
            return confirmed, newest
        request = response.request
        now = timezone.now()
        copy = StatisticsCopy.objects.create(
            peer=peer,
            start=start,
            end=end,
            fetched_at=now,
            last_confirmed_at=now,
            key_id=verified.peer_key.key_id,
            sha256=hashlib.sha256(response.content).hexdigest(),
            body=response.content,
            status=response.status_code,
            headers={h: response.headers[h] for h in KEPT_HEADERS if h in response.headers},
            request={
                "method": request.method,
                "url": request.url,
                "headers": {h: request.headers[h] for h in KEPT_HEADERS if h in request.headers},
            },
        )
    return statistics, copy


def _confirmed_by(copy: StatisticsCopy, statistics: Statistics) -> Statistics | None:
    """The kept copy's statistics, when `statistics` (just received and verified) says the same and the copy still
    verifies — a copy altered since, or whose key is gone, confirms nothing: the new answer is kept instead."""
    try:
        recheck(copy)
        ours = kept(copy)
    except Refused:
        return None
    return ours if same_figures(ours, statistics) else None


def same_figures(a: Statistics, b: Statistics) -> bool:
    """Whether two answers give the same figures: the same period, rows, adoption figures and cases by region, in
    whatever order the peer listed them; when each was counted (`as_of`) aside."""
    return _figures(a) == _figures(b)


def _figures(statistics: Statistics) -> dict:
    data = statistics.model_dump(mode="json", exclude={"as_of"})
    for name in ("rows", "adoption", "cases_by_region"):
        if data.get(name) is not None:
            data[name] = sorted(data[name], key=lambda item: json.dumps(item, sort_keys=True))
    return data


def read(body: bytes, start: dt.date, end: dt.date) -> Statistics:
    """A statistics answer's bytes, read; refused when they do not validate or are not for the period asked."""
    try:
        statistics = Statistics.model_validate_json(body)
    except ValidationError as e:
        raise Refused(
            "schema_invalid", f"对方平台的统计报文不符合对接规范：{e.error_count()} 处错误", status=502
        ) from e
    if (statistics.start, statistics.end) != (start, end):
        raise Refused("period_mismatch", "对方平台的统计报文不是所请求期间的", status=502)
    return statistics


def kept(copy: StatisticsCopy) -> Statistics:
    """The statistics of a kept answer, read again from its bytes (the copy is what was compared)."""
    return read(bytes(copy.body), copy.start, copy.end)


def recheck(copy: StatisticsCopy) -> Verified:
    """Verify a kept answer again: its bytes against its Content-Digest, and its signature with the peer's key it
    names (revoked since or not: it is checked as of when it was received), over the request it answered."""
    key = PeerKey.objects.filter(peer=copy.peer, key_id=copy.key_id).select_related("peer").first()
    if key is None:
        raise Refused("unknown_key", f"签名密钥已不在本平台登记：{copy.key_id}")
    request = HttpMessage(copy.request["method"], copy.request["url"], CaseInsensitiveDict(copy.request["headers"]))
    answer = KeptAnswer(copy.status, CaseInsensitiveDict(copy.headers), request)
    return verify(
        answer, bytes(copy.body), components=ANSWER_COMPONENTS, key_lookup=lambda _id: key, at=copy.fetched_at
    )


@dataclass(frozen=True)
class KeptAnswer:
    """A kept answer as the signature library reads it: status, headers, and the request it answers."""

    status_code: int
    headers: CaseInsensitiveDict
    request: HttpMessage


class _Difference:
    """Whether a line's difference is explained (its `ours_in_flight` and `theirs_in_flight`)."""

    @property
    def unexplained(self) -> bool:
        """No message on its way between the platforms accounts for the difference: a case-by-case reconciliation
        (docking.reconcile) must find it."""
        return not (self.ours_in_flight or self.theirs_in_flight)


@dataclass(frozen=True)
class Line(_Difference):
    """One group where the platforms' counts differ: ours, theirs, and the delegations of the same court,
    organisation and kind with a message on its way (ours to them, theirs to us) — a message moves a delegation from
    one state to another within that trio, on the receiving side only once it arrives."""

    court: str
    organisation: str
    kind: str
    state: str
    ours: int
    theirs: int
    ours_in_flight: int
    theirs_in_flight: int


@dataclass(frozen=True)
class RegionLine(_Difference):
    """One region, kind and state where the platforms' counts differ, explained as a Line is: by the delegations of
    the same region and kind with a message on its way (a case's region never changes: its number does not)."""

    region: str
    kind: str
    state: str
    ours: int
    theirs: int
    ours_in_flight: int
    theirs_in_flight: int


def compare(ours: Statistics, theirs: Statistics) -> list[Line]:
    """Every group whose counts differ, in key order."""
    return _compare(ours.rows, theirs.rows, KEY, Line)


def compare_regions(ours: Statistics, theirs: Statistics) -> list[RegionLine]:
    """Every region, kind and state whose counts differ, in key order; none unless both sent their cases by
    region."""
    if ours.cases_by_region is None or theirs.cases_by_region is None:
        return []
    return _compare(ours.cases_by_region, theirs.cases_by_region, REGION_KEY, RegionLine)


def _compare(ours_rows, theirs_rows, key: tuple, line):
    """The lines (made by `line`) of every key whose counts differ; the messages on their way are added up over the
    key without its state (within it, a message moves a delegation from one state to another)."""
    mine = {tuple(str(getattr(r, k)) for k in key): r for r in ours_rows}
    peer = {tuple(str(getattr(r, k)) for k in key): r for r in theirs_rows}
    moving: dict[tuple, list[int]] = {}  # the key but its state → [ours in flight, theirs in flight]
    for side, rows in ((0, mine), (1, peer)):
        for values, row in rows.items():
            moving.setdefault(values[:-1], [0, 0])[side] += row.in_flight
    lines = []
    for values in sorted(set(mine) | set(peer)):
        a, b = mine.get(values), peer.get(values)
        if (a.count if a else 0) != (b.count if b else 0):
            ours_moving, theirs_moving = moving[values[:-1]]
            lines.append(line(*values, a.count if a else 0, b.count if b else 0, ours_moving, theirs_moving))
    return lines
