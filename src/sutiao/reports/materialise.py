"""The fact rows of a periodic report computed once, into a temporary table, and read from there by every figure.

A platform's fact columns may be correlated subqueries (the court platform's confirmation and 调解书 facts,
court.reports), which the database evaluates for every row each time a query reads them, and joins (the investor
platform's mediation, its names). A report reads the same rows seven times (the totals, by month, by each of five
dimensions): with the investor platform's mediation facts as subqueries, at 1,000,000 cases on PostgreSQL that was
~8 s a query (make bench-reports). Here the rows' columns are
evaluated once (`CREATE TEMPORARY TABLE … AS SELECT` of the fact columns), and the figures are the same
definitions (`metrics`) applied to a QuerySet over that table: its columns have the fact columns' names and
types, so every condition reads as it reads on the platform's own QuerySet.

The table lives in the database session of the report's task and is dropped when the report is built; a
temporary table is never seen by another session (or left behind by a killed one)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps.registry import Apps
from django.db import connection, models
from django.db.models import QuerySet

_TYPES = {
    "AutoField": models.IntegerField,
    "BigAutoField": models.BigIntegerField,
    "SmallAutoField": models.IntegerField,
    "PositiveIntegerField": models.IntegerField,
    "PositiveSmallIntegerField": models.IntegerField,
    "PositiveBigIntegerField": models.BigIntegerField,
    "SmallIntegerField": models.IntegerField,
    "CharField": models.TextField,
}


def _field(source: models.Field, column: str) -> models.Field:
    """A plain field of the same stored type as `source` (a foreign key: its target's), read from `column`."""
    if source.is_relation:
        source = source.target_field
    kind = source.get_internal_type()
    if kind == "DecimalField":
        return models.DecimalField(max_digits=source.max_digits, decimal_places=source.decimal_places, null=True)
    cls = _TYPES.get(kind) or getattr(models, kind, None)
    if cls is None or not issubclass(cls, models.Field):
        raise TypeError(f"fact column {column}: no plain field for {kind}")
    return cls(db_column=column, null=True)


def _model(facts: QuerySet, columns: list[str], table: str) -> type[models.Model]:
    """An unmanaged model over `table`, in a registry of its own (never seen by migrations or the app registry)."""
    annotations = facts.query.annotations
    attrs = {
        "__module__": __name__,
        "Meta": type("Meta", (), {"managed": False, "db_table": table, "app_label": "reports", "apps": Apps()}),
        "id": _field(facts.model._meta.pk, facts.model._meta.pk.column),
    }
    attrs["id"].primary_key = True
    for column in columns:
        attrs[column] = _field(annotations[column].output_field, column)
    return type("MaterialisedFacts", (models.Model,), attrs)


def fact_columns(src, dimensions) -> list[str]:
    """The columns a report or a view of `src`'s facts reads: every fact column, and the key and name of each of
    `dimensions` (their keys)."""
    return sorted(src.columns) + [f"d_{key}{part}" for key in dimensions for part in ("", "_name")]


@contextmanager
def materialised(facts: QuerySet, columns: list[str]) -> Iterator[QuerySet]:
    """Every row of `facts` with `columns` (names of its annotations) evaluated once, as a QuerySet over a
    temporary table with those columns and the row's primary key (as `id`); the table is dropped on leaving."""
    table = f"report_facts_{uuid.uuid4().hex}"
    # By its name, not "pk": the SELECT then names the column as the table does (`values("pk")` aliases it).
    sql, params = facts.order_by().values(facts.model._meta.pk.name, *columns).query.sql_with_params()
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        # The table's columns are named as the SELECT names them: the primary key's column, then the annotations.
        # Not analysed (autovacuum never does a temporary table): each figure is one scan and one aggregate of it,
        # whatever the estimates, and ANALYZE cost a quarter of the time the rows took to make.
        cursor.execute(f"CREATE TEMPORARY TABLE {quoted} AS {sql}", params)
    try:
        yield _model(facts, columns, table).objects.all()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quoted}")
