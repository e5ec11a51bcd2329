"""Bulk work of the platforms' own code: a representative action's thousands of cases delegated at once, and the
docking's batches that carry them (bench/docking.py measures both; bench/bulk.py only writes bench data).

`collector_paused`: the cyclic garbage collector waits while a bulk step runs. Such a step keeps hundreds of
thousands of objects alive until it returns (model instances, their prefetched relations, payloads), and the
collector, triggered by allocations, walks all of them again and again, besides every object the process loaded
at start (about 170,000): five full collections for a delegation of 3,000 cases, 35-40 % of its time, and
nothing to free, as everything is still in use. Reference counting frees as before; cycles wait for the next
collection after the step."""

import contextlib
import gc
import sqlite3
import threading

from django.db import connections, router

_lock = threading.Lock()
_paused = 0  # bulk steps running now (threads of one web process may overlap)
_was_enabled = False


@contextlib.contextmanager
def collector_paused():
    """Usable as a decorator. Nested or overlapping steps keep the collector paused until the last one ends; it
    is enabled again only if it was enabled when the first began."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def insert(objs: list) -> list:
    """Write new model instances of one model as `bulk_create` would (each field's `pre_save` and database value,
    no signals), but as one prepared INSERT sent for every row (executemany) on SQLite and by COPY on
    PostgreSQL, inside the caller's transaction. Django's bulk_create builds one multi-row statement per batch,
    field by field through its SQL compiler, and psycopg then binds every value client-side: that took more
    time than everything else a received delegation writes (bench/docking.py). A primary key with a default
    (a UUID) is filled in as bulk_create fills it; rows without one (an auto-increment id) get theirs from the
    database and the instances do not learn it, so use this only where the caller does not read those ids.
    A database error is raised as Django's (an IntegrityError stays an IntegrityError)."""
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    using = router.db_for_write(model)
    connection = connections[using]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        if obj.pk is None:
            obj.pk = meta.pk.get_pk_value_on_save(obj)
    with_pk = objs[0].pk is not None
    if any((obj.pk is not None) != with_pk for obj in objs):
        raise ValueError("bulk.insert: either every row has its primary key or none has")
    fields = [f for f in meta.concrete_fields if not f.generated and (with_pk or f is not meta.pk)]
    rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objs]
    ops = connection.ops
    table = ops.quote_name(meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # Many rows a statement: a table searched through FTS5 (sutiao.listing) has its index kept by a trigger,
            # and FTS5 writes out what it holds at the end of every statement, so executemany's one statement per
            # row wrote a small index segment per row and merged them again and again (3x the writes).
            row = f"({', '.join(['%s'] * len(fields))})"
            per_statement = rows_per_statement(connection, len(fields))
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))}",  # noqa: S608
                    [value for r in chunk for value in r],
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs


def rows_per_statement(connection, columns: int) -> int:
    """How many rows of `columns` values one SQLite statement may carry: its own limit on bound values (32,766
    since SQLite 3.32; Django assumes the old 999), and never more than 500 rows."""
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(500, limit // columns))
