"""Bench data written fast, straight into the tables: COPY (psycopg 3's `cursor.copy`) on PostgreSQL, one
executemany on SQLite, inside the caller's transaction. The ORM writes a few hundred rows a second here (each
model's save, signals, one INSERT per batch through Django's SQL compiler); a benchmark at 1,000,000 cases needs
tens of thousands. What is measured is reading the data, not how it got there.

Rows are lists of column values in the order of `columns`, as the database stores them: the caller gives what
Django would have given (an encrypted field's ciphertext, JSON as its text, a field's default when it has one);
this module only adapts the Python types SQLite does not take (UUIDs, dates and times, decimals). What the actions
keep up to date from other rows (a mediation's figures, investor.mediation.figures) is written empty and recomputed
by the caller once the rows are in, as after a restore.

Used by the bench scripts, which run inside the platform's environment (sys.path holds bench/)."""

import datetime as dt
import decimal
import uuid


def insert(connection, table: str, columns: list[str], rows: list) -> None:
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: some are keywords (investor_delegation.case)
    if connection.vendor == "postgresql":
        sql = f'COPY "{table}" ({names}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:  # psycopg's own COPY
            for row in rows:
                copy.write_row(row)
        return

    def stored(v):  # as Django stores them in SQLite
        if isinstance(v, uuid.UUID):
            return v.hex
        if isinstance(v, dt.datetime):
            return connection.ops.adapt_datetimefield_value(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, decimal.Decimal):
            return str(v)
        return v

    marks = ", ".join("?" for _ in columns)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # opens Django's connection, whose raw cursor executemany needs
        cursor.cursor.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 (names are ours)
            [[stored(v) for v in row] for row in rows],
        )
