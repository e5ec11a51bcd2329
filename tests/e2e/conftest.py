"""Both platforms as live servers — separate processes, separate databases, real HTTP, real signatures —
on SQLite, or on PostgreSQL when DATABASE_URL names a server."""

import os

import pytest
from live import FAST_WORKER, PLATFORMS, Api, Live

from sutiao.devserver import PostgresDatabases, free_port, pair, stop_all


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("live")
    databases = PostgresDatabases(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None
    court_db, investor_db = databases.urls if databases else ("", "")
    court, investor = pair(
        var_dir, free_port(), free_port(), court_db, investor_db, FAST_WORKER, media_port=free_port()
    )
    court.manage("seed_demo_cases")
    PLATFORMS.update({court.url: court, investor.url: investor})
    users = {
        "court": ["court_filing", "court_admin", "xicheng_filing", "beijing_high_admin"],
        "investor": [
            "org1_admin",
            "org2_admin",
            "org1_mediator1",
            "org2_mediator1",
            "org3_mediator1",
            "bureau",
            "beijing_office",
        ],
    }
    apis = {}
    for platform in (court, investor):
        tokens = platform.manage("issue_api_token", *users[platform.name], "--all-scopes").stdout.split()
        apis.update(
            {username: Api(platform.url, token) for username, token in zip(users[platform.name], tokens, strict=True)}
        )
    try:
        for platform in (court, investor):
            platform.start(var_dir / "logs")
        court.wait_ready()
        investor.wait_ready()
        yield Live(court, investor, apis)
    finally:
        stop_all(court, investor)  # not interruptible; should pytest die first, the servers follow it
        if databases:
            databases.drop()
