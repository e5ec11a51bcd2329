"""Keeping the database's query planner informed. PostgreSQL's autovacuum gathers table statistics by itself;
SQLite gathers none unless asked, and without them it picks an index by rules of thumb: the work queue at
1,000,000 cases sorted every delegation in a state (about 350 ms) instead of reading the partial index in order
(a few ms). So each platform's worker asks SQLite to analyse at start and daily. Whole tables: statistics from
a sample (`PRAGMA analysis_limit`) were measured and led the planner astray again."""

from django.db import connection


def analyse_database() -> bool:
    """ANALYZE on SQLite; nothing elsewhere. True when it ran."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
