"""Finding rows among millions, on both platforms (issue 15): keyset (cursor) paging, counts that never scan
a table, and substring search that an index serves, Chinese two-character names included.

Search. A searchable row keeps two columns, both written by its platform's actions through `search_columns`:
`search_text`, its searchable strings normalised (NFKC, lower case, letters and digits only) and joined by
spaces, and `search_grams`, the distinct character bigrams and trigrams of those strings, space-separated,
plus one `x<digest>` token per identity number (`sutiao.accounts.pii.id_number_digest`: an identity number is
found by exact match on its keyed digest, never stored or searched in clear). pg_trgm was measured and not
chosen: a LIKE pattern of two Chinese characters yields no trigram, so `%张三%` scanned the whole GIN index
(see bench/lists.py). A query's grams (its bigram if it has two characters, its trigrams if more) pick the
candidates through an index, and `search_text LIKE %query%` keeps the true ones:
- PostgreSQL: a GIN index on `string_to_array(search_grams, ' ')`, asked with `@>`;
- SQLite: an FTS5 table (unicode61 tokenizer: every gram is one token) kept by triggers, asked with MATCH.
The database is chosen in one place, `_candidates`; the migrations create the index with `search_index_sql`.

Paging. `page()` walks a queryset ordered by a unique key tuple (e.g. answer due, received, id) from a signed,
opaque cursor holding the last row's keys: a row inserted between two fetches is neither repeated nor the
cause of a skip, which OFFSET paging cannot promise. `segments` chains querysets (a work queue ordered state by
state), each walked by its own index.
"""

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from sutiao.accounts.pii import id_number_digest
from sutiao.bulk import rows_per_statement
from sutiao.kernel.errors import DomainError

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
# Counts above this are shown as "1,000+": counting further would read the whole list.
COUNT_CAP = 1000
_CURSOR_SALT = "sutiao.listing.cursor"
# GB 11643 identity numbers (18 characters, the last a digit or X; 15 digits for the old ones) and GB 32100
# unified social credit codes (18 characters) are looked up whole, by digest.
_ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15}|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})$")


# --- search ---


def normalise(text: str) -> str:
    """What search compares: full-width folded to half-width (NFKC), lower case, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "").lower() if c.isalnum())


def _grams(word: str) -> set[str]:
    if len(word) <= 2:
        return {word} if word else set()
    return {word[i : i + n] for n in (2, 3) for i in range(len(word) - n + 1)}


def _digest_token(number: str) -> str:
    return "x" + id_number_digest(number)


def search_columns(texts, id_numbers=()) -> dict:
    """The two search columns of a row: `texts` are searched by any part, `id_numbers` only whole."""
    words = [w for w in (normalise(t) for t in texts) if w]
    grams = set().union(*(_grams(w) for w in words)) if words else set()
    tokens = sorted(grams) + sorted({_digest_token(n) for n in id_numbers if n and n.strip()})
    return {"search_text": " ".join(words), "search_grams": " ".join(tokens)}


def store_search_columns(model, columns_by_pk: dict) -> None:
    """Write rows' search columns (`search_columns` of each, by primary key), with any other columns the caller
    changes in the same pass (e.g. a bulk action's new state: one new row version, not two): on PostgreSQL one
    UPDATE per row sent together (executemany, pipelined), on SQLite one UPDATE … FROM VALUES per few hundred rows.
    Django's bulk_update builds one CASE over every row of the batch, which cost a bulk delegation of 3,000 cases
    more than all its other writes (bench/docking.py). Every row must name the same columns."""
    if not columns_by_pk:
        return
    ops, meta = connection.ops, model._meta
    names = list(next(iter(columns_by_pk.values())))
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {ops.quote_name(meta.db_table)} SET {assignments} WHERE {ops.quote_name(meta.pk.column)} = %s"  # noqa: S608 (names from model meta)
    rows = [
        (*(f.get_db_prep_value(c[f.name], connection) for f in fields), meta.pk.get_db_prep_value(key, connection))
        for key, c in columns_by_pk.items()
    ]
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            cursor.executemany(sql, rows)
            return
        # SQLite: many rows a statement, joined to their new values (UPDATE … FROM VALUES): the FTS5 index's trigger
        # writes out what it holds at the end of every statement, so one statement per row wrote and merged an
        # index segment per row (3,000 cases delegated at once: 181 MB written in all instead of 70).
        values = ", ".join(f"{ops.quote_name(f.column)} = v.column{i}" for i, f in enumerate(fields, start=2))
        row = f"({', '.join(['%s'] * (len(fields) + 1))})"
        per_statement = rows_per_statement(connection, len(fields) + 1)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"UPDATE {ops.quote_name(meta.db_table)} SET {values} "  # noqa: S608 (names from model meta)
                f"FROM (VALUES {', '.join([row] * len(chunk))}) AS v "
                f"WHERE {ops.quote_name(meta.db_table)}.{ops.quote_name(meta.pk.column)} = v.column1",
                [value for r in chunk for value in (r[-1], *r[:-1])],
            )


def is_id_number(query: str) -> bool:
    return bool(_ID_NUMBER.match((query or "").strip().upper()))


def search(qs: QuerySet, query: str) -> QuerySet:
    """Rows of `qs` whose searchable strings contain every word of `query` (or, for an identity number or a
    credit code typed whole, whose party has it). A word of one character is refused: too many rows match."""
    query = (query or "").strip()
    if not query:
        return qs
    if is_id_number(query):
        # A credit code is also a searchable string (it is public); an identity number only its digest.
        return qs.filter(_candidates(qs, [_digest_token(query)]) | Q(search_text__contains=normalise(query)))
    words = [normalise(w) for w in query.split()]
    words = [w for w in words if w]
    if not words:
        return qs
    if any(len(w) < 2 for w in words):
        raise DomainError(gettext("请至少输入两个字或两位数字"), field="q")
    for word in words:
        grams = [word] if len(word) == 2 else [word[i : i + 3] for i in range(len(word) - 2)]
        qs = qs.filter(_candidates(qs, sorted(set(grams))), search_text__contains=word)
    return qs


def _candidates(qs: QuerySet, grams: list[str]) -> RawSQL:
    """The rows whose grams include all of `grams`, found through the database's own index."""
    table = qs.model._meta.db_table
    if connection.vendor == "postgresql":
        sql = f'string_to_array("{table}"."search_grams", \' \') @> %s::text[]'
        return RawSQL(sql, (grams,), output_field=BooleanField())  # noqa: S608,S611 (names from model meta)
    # Grams are letters and digits only (see normalise), so quoting each makes a valid FTS5 query.
    match = " AND ".join(f'"{g}"' for g in grams)
    sql = f'"{table}"."id" IN (SELECT "ref" FROM "{table}_fts" WHERE "{table}_fts" MATCH %s)'  # noqa: S608,S611 (names from model meta)
    return RawSQL(sql, (match,), output_field=BooleanField())  # noqa: S608,S611 (names from model meta)


def search_index_sql(vendor: str, table: str) -> list[str]:
    """The statements that create the search index of `table` (for its app's migration)."""
    if vendor == "postgresql":
        return [f'CREATE INDEX "{table}_grams" ON "{table}" USING gin (string_to_array(search_grams, \' \'))']
    if vendor != "sqlite":
        return []
    # `ref` is the row's id; the `r<id>` token lets a trigger find the row's FTS entry through the index.
    find = f'(SELECT rowid FROM "{table}_fts" WHERE "{table}_fts" MATCH \'"r\' || old.id || \'"\')'  # noqa: S608,S611 (names from model meta)
    insert = f"INSERT INTO \"{table}_fts\"(ref, grams) VALUES (new.id, 'r' || new.id || ' ' || new.search_grams);"  # noqa: S608,S611 (names from model meta)
    return [
        f"CREATE VIRTUAL TABLE \"{table}_fts\" USING fts5(ref UNINDEXED, grams, tokenize='unicode61')",
        f"INSERT INTO \"{table}_fts\"(ref, grams) SELECT id, 'r' || id || ' ' || search_grams FROM \"{table}\"",  # noqa: S608,S611 (names from model meta)
        f'CREATE TRIGGER "{table}_fts_insert" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER "{table}_fts_update" AFTER UPDATE OF search_grams ON "{table}" BEGIN '  # noqa: S608,S611 (names from model meta)
        f'DELETE FROM "{table}_fts" WHERE rowid IN {find}; {insert} END',
        f'CREATE TRIGGER "{table}_fts_delete" AFTER DELETE ON "{table}" BEGIN '  # noqa: S608,S611 (names from model meta)
        f'DELETE FROM "{table}_fts" WHERE rowid IN {find}; END',
    ]


def search_index_drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f'DROP INDEX IF EXISTS "{table}_grams"']
    if vendor != "sqlite":
        return []
    triggers = [f'DROP TRIGGER IF EXISTS "{table}_fts_{t}"' for t in ("insert", "update", "delete")]
    return [*triggers, f'DROP TABLE IF EXISTS "{table}_fts"']


def search_index_operation(table: str):
    """A migration operation creating (and on reverse dropping) the search index of `table`."""
    from django.db import migrations

    def forward(apps, schema_editor):
        for sql in search_index_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        for sql in search_index_drop_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)


def around_table_rebuild(table: str, *operations) -> list:
    """`operations` that alter `table`, for a migration: SQLite alters a table by rebuilding it, which drops the
    search index's triggers, so the index is dropped before and made again (from the rows) after."""
    from django.db import migrations

    def make(create: bool):
        def run(apps, schema_editor):
            sql = search_index_sql if create else search_index_drop_sql
            for statement in sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement)

        return run

    return [
        migrations.RunPython(make(False), make(True)),
        *operations,
        migrations.RunPython(make(True), make(False)),
    ]


# --- paging ---


@dataclass
class Page:
    items: list
    next: str | None = None  # the cursor of the next page; None on the last
    extra: dict = field(default_factory=dict)


def _encode(value):
    if isinstance(value, dt.datetime | dt.date | uuid.UUID | Decimal):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    return value


def _key_values(obj, keys):
    values = []
    for key in keys:
        value = obj
        for name in key.lstrip("-").split("__"):
            value = getattr(value, name)
        values.append(_encode(value))
    return values


def sign_cursor(payload) -> str:
    return signing.dumps(payload, salt=_CURSOR_SALT, compress=True)


def read_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        return signing.loads(cursor, salt=_CURSOR_SALT)
    except signing.BadSignature:
        raise DomainError(gettext("翻页标记无效，请从第一页重新查看"), field="cursor") from None


def _after(keys: tuple[str, ...], values: list) -> Q:
    """Rows after `values` in the order of `keys` (all ascending or all descending), written so that the
    leading key bounds an index range: k1 ≥ v1 AND (k1 > v1 OR (k2 > v2 …))."""
    desc = keys[0].startswith("-")
    names = [k.lstrip("-") for k in keys]
    strict, loose = ("lt", "lte") if desc else ("gt", "gte")
    tail = Q(**{f"{names[-1]}__{strict}": values[-1]})
    for name, value in zip(reversed(names[:-1]), reversed(values[:-1]), strict=True):
        tail = Q(**{f"{name}__{strict}": value}) | (Q(**{name: value}) & tail)
    return Q(**{f"{names[0]}__{loose}": values[0]}) & tail


def page_size(size) -> int:
    try:
        size = int(size or PAGE_SIZE)
    except (TypeError, ValueError):
        size = PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def page(qs: QuerySet, keys: tuple[str, ...], cursor: str | None = None, size: int = PAGE_SIZE) -> Page:
    """One page of `qs` in the order of `keys` (unique together, none null), from `cursor`."""
    return segments([qs], keys, cursor, size)


def segments(querysets: list[QuerySet], keys: tuple[str, ...], cursor: str | None = None, size=PAGE_SIZE) -> Page:
    """One page of the querysets read one after the other, each in the order of `keys`."""
    assert len({k.startswith("-") for k in keys}) == 1, "keys run in one direction"
    size = page_size(size)
    state = read_cursor(cursor)
    start, last = (state[0], state[1]) if isinstance(state, list) and len(state) == 2 else (0, None)
    if not isinstance(start, int) or not 0 <= start < len(querysets):
        start, last = 0, None
    if last is not None and (not isinstance(last, list) or len(last) != len(keys)):
        raise DomainError(gettext("翻页标记无效，请从第一页重新查看"), field="cursor")
    items: list = []
    for index in range(start, len(querysets)):
        qs = querysets[index].order_by(*keys)
        if index == start and last is not None:
            qs = qs.filter(_after(keys, last))
        rows = list(qs[: size + 1 - len(items)])
        items.extend(rows)
        if len(items) > size:
            items = items[:size]
            return Page(items, sign_cursor([index, _key_values(items[-1], keys)]))
        if len(items) == size and index + 1 < len(querysets):
            # Full, and later segments may still have rows: the next page begins where this one ended.
            return Page(items, sign_cursor([index, _key_values(items[-1], keys)]))
    return Page(items, None)


@dataclass(frozen=True)
class Count:
    """How many rows a list has, counted up to COUNT_CAP only."""

    n: int
    more: bool

    def __str__(self) -> str:
        return f"{COUNT_CAP:,}+" if self.more else f"{self.n:,}"


def capped_count(qs: QuerySet) -> Count:
    n = qs.order_by()[: COUNT_CAP + 1].count()
    return Count(min(n, COUNT_CAP), n > COUNT_CAP)


def next_url(request, result: Page | None, param: str = "cursor") -> str | None:
    """The same list's next page: the filters kept, the cursor replaced."""
    if result is None or result.next is None:
        return None
    query = request.GET.copy()
    query[param] = result.next
    return f"{request.path}?{query.urlencode()}"
