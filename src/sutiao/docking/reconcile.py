"""Reconciliation: compare this platform with a peer case by case — the messages each sent, what the other
received and applied (sequence numbers and content digests), and each delegation's state in a vocabulary
both share — and report every difference. A message the peer lacks can be sent again."""

import logging
from dataclasses import dataclass

import requests
from django.db import transaction
from django.utils import timezone

from . import hooks
from .client import signed_get
from .models import InboxMessage, InboxStatus, OutboxMessage, OutboxStatus, Peer, ReconciliationRun
from .refusals import Refused

log = logging.getLogger("sutiao.docking.reconcile")
PAGE = 500


def summaries(peer: Peer, after: str, limit: int) -> dict:
    """What this platform knows of the cases it shares with `peer`, in case order, one page."""
    limit = max(1, min(limit, PAGE))
    sent_cases = OutboxMessage.objects.filter(peer=peer, case__gt=after or "00000000-0000-0000-0000-000000000000")
    received_cases = InboxMessage.objects.filter(peer=peer, case__gt=after or "00000000-0000-0000-0000-000000000000")
    cases = sorted(
        {str(c) for c in sent_cases.order_by("case").values_list("case", flat=True).distinct()[:limit]}
        | {str(c) for c in received_cases.order_by("case").values_list("case", flat=True).distinct()[:limit]}
    )[:limit]
    result = {c: {"case": c, "sent": [], "received": [], "states": {}} for c in cases}
    for case, seq, digest, status in OutboxMessage.objects.filter(peer=peer, case__in=cases).values_list(
        "case", "seq", "digest", "status"
    ):
        result[str(case)]["sent"].append([seq, digest, status])
    for case, seq, digest, status in InboxMessage.objects.filter(peer=peer, case__in=cases).values_list(
        "case", "seq", "digest", "status"
    ):
        result[str(case)]["received"].append([seq, digest, status])
    for case, states in hooks.case_states(cases).items():
        if case in result:
            result[case]["states"] = states
    return {"cases": list(result.values()), "next": cases[-1] if len(cases) == limit else None}


def _remote_pages(peer: Peer):
    after = ""
    while True:
        page = signed_get(peer, "/docking/v1/cases", {"after": after, "limit": PAGE})
        yield from page["cases"]
        if not page["next"]:
            return
        after = page["next"]


def _local_pages(peer: Peer):
    after = ""
    while True:
        page = summaries(peer, after, PAGE)
        yield from page["cases"]
        if not page["next"]:
            return
        after = page["next"]


@dataclass
class Comparison:
    cases: int = 0
    in_flight: int = 0

    def __post_init__(self):
        self.differences: list[dict] = []

    def differ(self, case, kind, text, seq=None, direction=None):
        """`direction`: "sent" for our messages to the peer, "received" for the peer's messages to us."""
        self.differences.append({"case": case, "kind": kind, "seq": seq, "direction": direction, "detail": text})


def _compare_direction(cmp: Comparison, case, sent, received, sender_is_us: bool) -> bool:
    """Returns whether messages of this direction are still in flight."""
    who_sent, who_received = ("本平台", "对方平台") if sender_is_us else ("对方平台", "本平台")
    direction = "sent" if sender_is_us else "received"
    got = {seq: (digest, status) for seq, digest, status in received}
    in_flight = False
    for seq, digest, status in sent:
        if seq not in got:
            if status == OutboxStatus.PENDING:
                in_flight = True
                cmp.in_flight += 1
            elif status == OutboxStatus.PARKED:
                cmp.differ(case, "parked", f"{who_sent}已搁置序号 {seq} 的消息，{who_received}未收到", seq, direction)
            else:
                cmp.differ(
                    case, "missing", f"{who_sent}已确认送达序号 {seq} 的消息，{who_received}却没有", seq, direction
                )
        elif got[seq][0] != digest:
            cmp.differ(case, "digest_mismatch", f"序号 {seq} 的消息内容两边不一致", seq, direction)
        elif got[seq][1] == InboxStatus.WAITING:
            in_flight = True
            cmp.in_flight += 1
        elif got[seq][1] == InboxStatus.REJECTED:
            cmp.differ(case, "rejected", f"{who_received}拒绝处理序号 {seq} 的消息", seq, direction)
    for seq in set(got) - {s for s, _, _ in sent}:
        cmp.differ(case, "unknown", f"{who_received}收到了{who_sent}未发出的序号 {seq}", seq, direction)
    return in_flight


def compare(local_cases, remote_cases) -> Comparison:
    cmp = Comparison()
    local, remote = {c["case"]: c for c in local_cases}, {c["case"]: c for c in remote_cases}
    for case in sorted(set(local) | set(remote)):
        cmp.cases += 1
        mine = local.get(case, {"sent": [], "received": [], "states": {}})
        theirs = remote.get(case, {"sent": [], "received": [], "states": {}})
        busy = _compare_direction(cmp, case, mine["sent"], theirs["received"], sender_is_us=True)
        busy |= _compare_direction(cmp, case, theirs["sent"], mine["received"], sender_is_us=False)
        if busy:
            continue  # states legitimately differ while a message is on its way
        for delegation in sorted(set(mine["states"]) | set(theirs["states"])):
            ours, peers = mine["states"].get(delegation), theirs["states"].get(delegation)
            if ours != peers:
                cmp.differ(case, "state_mismatch", f"委派 {delegation}：本平台为 {ours}，对方平台为 {peers}")
    return cmp


def reconcile(peer: Peer, resend: bool = False) -> ReconciliationRun:
    """Compare with `peer`; record and return the run. With `resend`, messages the peer lacks are queued
    again (the relay delivers them; the receiver's inbox makes a second copy harmless)."""
    run = ReconciliationRun.objects.create(peer=peer)
    try:
        cmp = compare(list(_local_pages(peer)), list(_remote_pages(peer)))
    except (requests.RequestException, Refused, ValueError, KeyError) as e:
        run.error, run.finished_at = str(e)[:2000], timezone.now()
        run.save(update_fields=["error", "finished_at"])
        log.error("reconciliation with %s failed: %s", peer.name, e)
        return run
    run.cases_compared, run.in_flight, run.differences = cmp.cases, cmp.in_flight, cmp.differences
    run.finished_at = timezone.now()
    run.save(update_fields=["cases_compared", "in_flight", "differences", "finished_at"])
    if cmp.differences:
        log.warning("reconciliation with %s: %s difference(s)", peer.name, len(cmp.differences))
    if resend:
        resend_missing(run)
    return run


@transaction.atomic
def resend_missing(run: ReconciliationRun) -> int:
    """Queue again every message of ours that the peer lacks (missing or parked)."""
    wanted = [
        (d["case"], d["seq"])
        for d in run.differences
        if d["kind"] in ("missing", "parked") and d["direction"] == "sent"
    ]
    count = 0
    for case, seq in wanted:
        count += OutboxMessage.objects.filter(peer=run.peer, case=case, seq=seq).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
    return count


def reconcile_all() -> list[ReconciliationRun]:
    return [reconcile(peer) for peer in Peer.objects.filter(active=True)]
