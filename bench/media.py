"""make bench-media (and a line of make bench) — the rooms' signalling server (issue 12): R rooms × P participants
connect at once to one `sutiao investor serve_media` process (uvicorn, one event loop) on a fresh investor
database (SQLite in a temporary directory). Printed: the join time (WebSocket open → the seat's first state,
admitted, with its peers) p50/p95/max, and the signalling messages relayed per second while every participant
sends offers/ICE candidates to each of its peers. The baseline, measured in the same run on the same connections:
ping → pong, a round trip through the same server that touches no database. Figures are printed, never asserted."""

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path


def seed(rooms: int, per_room: int) -> list[list[str]]:
    """One mediation with `rooms` online sessions, each with a mediator's seat and parties' seats, all admitted:
    the seats' tickets, room by room."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from sutiao.accounts.models import Institution, InstitutionKind, Role, User
    from sutiao.docking.models import Peer
    from sutiao.investor.mediation import room as backend
    from sutiao.investor.mediation.models import Mediation, MediationParty, RoomSeat, Session
    from sutiao.investor.models import Delegation
    from sutiao.kernel.regions import region_of_case_number

    now, run = timezone.now(), uuid.uuid4().hex[:8]  # `run`: seeding again (a test's database) adds, never clashes
    with transaction.atomic():
        peer = Peer.objects.filter(name="court-platform").first() or Peer.objects.create(
            name="court-platform", display_name="法院平台", base_url="http://127.0.0.1:1"
        )
        org = Institution.objects.create(kind=InstitutionKind.MEDIATION_ORG, name=f"测试调解组织{run}")
        mediator = User.objects.create(username=f"bench_mediator_{run}", role=Role.MEDIATOR, institution=org)
        delegation = Delegation.objects.create(
            id=uuid.uuid4(), case=uuid.uuid4(), peer=peer, organisation=org, kind="delegation",
            court_id=uuid.uuid4(), court_name="测试法院", court_case_number=f"(2026)测民诉前调{run}号",
            region=region_of_case_number(f"(2026)测民诉前调{run}号").key,
            dispute_type="misrepresentation", amount="1000.00", claims=[], parties=[], consent=[],
            delegated_at=now, received_at=now, answer_due=now.date(), state="mediating", mediator=mediator,
        )  # fmt: skip
        mediation = Mediation.objects.create(
            id=delegation.pk, delegation=delegation, accepted_on=now.date(), period_days=30, notify_due=now.date()
        )
        tickets = []
        for r in range(rooms):
            session = Session.objects.create(mediation=mediation, starts_at=now, mode="online", scheduled_by=mediator)
            seats = [RoomSeat(session=session, user=mediator, label="调解员", admitted_at=now)]
            for p in range(per_room - 1):
                user = User.objects.create(username=f"bench_party_{run}_{r}_{p}", role=Role.PARTY)
                party = MediationParty.objects.create(
                    mediation=mediation, role="applicant", kind="natural_person", name=f"当事人{r}-{p}", user=user
                )
                seats.append(RoomSeat(session=session, user=user, party=party, label=party.name, admitted_at=now))
            RoomSeat.objects.bulk_create(seats)
            tickets.append([backend.issue_ticket(seat) for seat in seats] + [str(session.pk)])
    return tickets


async def participant(url: str, ticket: str, expected_peers: int, joined: list, ready: asyncio.Event, counts: dict):
    import websockets

    async with websockets.connect(url, max_size=2**16) as ws:
        began = time.perf_counter()
        await ws.send(json.dumps({"type": "hello", "ticket": ticket}))
        peers = []
        while len(peers) < expected_peers:
            message = json.loads(await ws.recv())
            if message["type"] == "state":
                peers = message["peers"]
        joined.append(time.perf_counter() - began)
        await ready.wait()

        async def reader():
            async for raw in ws:
                kind = json.loads(raw)["type"]
                counts[kind] = counts.get(kind, 0) + 1

        reading = asyncio.create_task(reader())
        for phase, seconds in (("ping", counts["seconds"]), ("signal", counts["seconds"])):
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                if phase == "ping":
                    await ws.send(json.dumps({"type": "ping"}))
                else:
                    for peer in peers:
                        await ws.send(json.dumps({"type": "signal", "to": peer, "data": {"candidate": {"c": "x"}}}))
                await asyncio.sleep(0.05)  # 20 a second per participant (per peer while signalling)
            await asyncio.sleep(0.5)
            counts[f"{phase}_done"] = counts.get(f"{phase}_done", 0) + 1
        reading.cancel()


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def drive(base: str, tickets: list[list[str]], seconds: float) -> None:
    joined, ready = [], asyncio.Event()
    counts = {"seconds": seconds}
    tasks = []
    for room in tickets:
        *seats, session = room
        url = f"{base}/media/rooms/{session}/"
        tasks += [participant(url, t, len(seats) - 1, joined, ready, counts) for t in seats]
    began = time.perf_counter()
    running = [asyncio.create_task(t) for t in tasks]
    while len(joined) < len(tasks):
        await asyncio.sleep(0.05)
        if any(t.done() and t.exception() for t in running):
            raise next(t.exception() for t in running if t.done() and t.exception())
    all_in = time.perf_counter() - began
    print(f"  join (open → admitted with every peer): p50 {_p(joined, .5):.0f} ms, p95 {_p(joined, .95):.0f} ms, "
          f"max {_p(joined, 1):.0f} ms; all {len(tasks)} in after {all_in:.1f} s")  # fmt: skip
    ready.set()
    mark = time.perf_counter()
    await asyncio.sleep(seconds + 0.5)
    pongs, at_pongs = counts.get("pong", 0), time.perf_counter() - mark
    await asyncio.gather(*running)
    signals, at_signals = counts.get("signal", 0), time.perf_counter() - mark - at_pongs
    pong_rate, signal_rate = pongs / at_pongs, signals / at_signals
    print(f"  baseline ping → pong: {pong_rate:,.0f} messages/s")
    print(f"  signals relayed between peers: {signal_rate:,.0f} messages/s ({signal_rate / pong_rate:.2f} × baseline)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--participants", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sutiao-bench-media-")
    os.environ.update({"SUTIAO_DEV": "1", "SUTIAO_VAR_DIR": work, "DJANGO_SETTINGS_MODULE": "sutiao.settings.investor"})
    os.environ.pop("SUTIAO_DATABASE_URL", None)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    from sutiao.devserver import Platform, free_port

    platform = Platform("investor", Path(work), free_port(), media_port=free_port())
    platform.ensure_key()
    # The server must not throttle the benchmark's own pace (20 messages a second per peer).
    platform.extra_env.update({"SUTIAO_MEDIA_RATE": "1000", "SUTIAO_MEDIA_BURST": "1000"})
    try:
        platform.manage("migrate", "--noinput", "-v0")
        tickets = seed(args.rooms, args.participants)
        platform.start(platform.var_dir / "logs", roles=("media",))
        deadline = time.monotonic() + 60
        while not platform.media_answers():
            assert time.monotonic() < deadline, "the signalling server did not start"
            time.sleep(0.2)
        print(f"bench-media: {args.rooms} rooms × {args.participants} participants on one signalling process "
              f"(SQLite), {args.seconds:g} s of each phase")  # fmt: skip
        asyncio.run(drive(f"ws://127.0.0.1:{platform.media_port}", tickets, args.seconds))
    finally:
        platform.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
