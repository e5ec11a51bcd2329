"""Issue 12: more than one signalling process. Two `serve_media` processes of the investor platform share a Redis
channel layer (SUTIAO_CHANNEL_REDIS_URL, channels-redis): a seat connected to one sees the seat connected to the
other as a peer, and an offer crosses from one process to the other. Skipped where no Redis answers on loopback
(a fresh machine has none; this one runs one)."""

import contextlib
import json
import socket
from pathlib import Path

import pytest
from live import wait_for

from sutiao.devserver import Platform, free_port

REDIS = ("127.0.0.1", 6379)
SEED = Path(__file__).resolve().parents[2] / "bench"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_two_signalling_processes_share_the_rooms_through_redis(live):
    from websockets.sync.client import connect

    investor = live.investor
    # One room with a mediator's seat and a party's, both admitted (the benchmark's seeding, on this database).
    code = f"import json, sys; sys.path.insert(0, {str(SEED)!r}); from media import seed; print(json.dumps(seed(1, 2)))"
    *tickets, room = json.loads(investor.manage("shell", "-c", code).stdout.strip().splitlines()[-1])[0]
    redis = {"SUTIAO_CHANNEL_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/15"}
    servers = [
        Platform("investor", investor.var_dir, investor.port, investor.database_url, redis, media_port=free_port())
        for _ in range(2)
    ]
    try:
        for server in servers:
            server.start(investor.var_dir / "logs", roles=("media",))
        for server in servers:
            wait_for(server.media_answers, what="a signalling process")
        with contextlib.ExitStack() as opened:
            sockets = [
                opened.enter_context(connect(f"ws://127.0.0.1:{s.media_port}/media/rooms/{room}/", open_timeout=30))
                for s in servers
            ]
            seats = []
            for ws, ticket in zip(sockets, tickets, strict=True):
                ws.send(json.dumps({"type": "hello", "ticket": ticket}))
                seats.append(json.loads(ws.recv(timeout=30))["me"]["seat"])
            # The first seat hears of the second (connected to the other process) through Redis ...
            assert _peers_of(sockets[0]) == [seats[1]]
            # ... and an offer crosses from one process to the other.
            offer = {"sdp": {"type": "offer", "sdp": "v=0"}}
            sockets[0].send(json.dumps({"type": "signal", "to": seats[1], "data": offer}))
            while (message := json.loads(sockets[1].recv(timeout=30)))["type"] != "signal":
                pass
            assert message == {"type": "signal", "from": seats[0], "data": offer}
    finally:
        for server in servers:
            server.stop()


def _peers_of(ws) -> list:
    while True:
        message = json.loads(ws.recv(timeout=30))
        if message["type"] == "state" and message["peers"]:
            return message["peers"]
