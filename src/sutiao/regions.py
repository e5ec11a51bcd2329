"""The region of a case (`kernel.regions.region_of_case_number`) as both platforms keep it: a column of the row that
holds the court's case number (the court's Case, the investor platform's Delegation), set when the row is written,
so that the figures group and filter by it through an index; its names for the figures, from the kernel's table
(one CASE expression, never a query a row); and the backfill of the rows written before the column existed."""

from collections import defaultdict

from django.db import models
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.regions import REGION_KEY_LENGTH, REGIONS, region_name, region_of_case_number


def region_field() -> models.CharField:
    """The column: a key of kernel.regions.REGIONS, never empty (each platform's table checks it)."""
    return models.CharField(_("地区"), max_length=REGION_KEY_LENGTH, editable=False)


def region_set(field: str = "region") -> models.Q:
    """The condition of the check that every row has its region (a row written around the code that sets it — in
    bulk, by hand — is refused, not counted nowhere)."""
    return ~models.Q(**{field: ""})


def region_label(key: str) -> str:
    """A region's name in the user's language (the kernel's names are in sutiao.translation.LABELS)."""
    return gettext(region_name(key))


def region_names(column: str) -> Case:
    """The name of the region in `column` (a key of the kernel's table), for a fact row: one CASE, no join."""
    return Case(
        *[When(**{column: r.key}, then=Value(region_label(r.key))) for r in REGIONS],
        default=F(column),
        output_field=models.CharField(),
    )


def region_choices(keys) -> list[tuple[str, str]]:
    """The (key, name) pairs of the regions among `keys` (a DISTINCT over the column: the names are the kernel's,
    not a CASE evaluated a row), in the kernel's order: the provinces as GB/T 2260 lists them, national, unplaced."""
    order = {r.key: i for i, r in enumerate(REGIONS)}
    present = {k for k in keys if k}
    return [(k, region_label(k)) for k in sorted(present, key=lambda k: (order.get(k, len(order)), k))]


# Rows read and written per step of a backfill: small enough for one transaction's UPDATEs to stay short on
# SQLite, large enough that 1,000,000 rows take a few hundred steps.
BACKFILL_CHUNK = 2000


def backfill(model, number_field: str, *, chunk_size: int = BACKFILL_CHUNK) -> int:
    """Set the region of every row of `model` from its case number (`number_field`), `chunk_size` rows at a time in
    primary-key order (keyset, so each step reads only its rows), one UPDATE per region found in the step. For a
    migration (the model it is given is the migration's historical model), on SQLite and PostgreSQL alike. Returns
    how many rows it set."""
    done, after = 0, None
    while True:
        rows = model.objects.order_by("pk")
        if after is not None:
            rows = rows.filter(pk__gt=after)
        chunk = list(rows.values_list("pk", number_field)[:chunk_size])
        if not chunk:
            return done
        by_region: dict[str, list] = defaultdict(list)
        for pk, number in chunk:
            by_region[region_of_case_number(number).key].append(pk)
        for key, pks in by_region.items():
            model.objects.filter(pk__in=pks).update(region=key)
        done += len(chunk)
        after = chunk[-1][0]
