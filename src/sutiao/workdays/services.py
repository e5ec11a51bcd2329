import datetime as dt

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext

from sutiao.audit.log import SYSTEM, Entry, record, record_many
from sutiao.kernel.errors import DomainError

from .models import DayOverride, HolidayYear
from .selectors import answer_deadline, calendar

# Sent inside the loading transaction, so each platform recomputes its provisional deadlines together
# with the new calendar, or not at all.
year_loaded = Signal()


@transaction.atomic
def load_holiday_year(actor, year: int, source: str, rest_days: list[dt.date], working_weekend_days: list[dt.date]):
    """Load one year's arrangement from the State Council notice: its holidays (rest days on weekdays or
    weekends) and its make-up working weekends. Every other day follows the weekend rule."""
    days = [*rest_days, *working_weekend_days]
    if any(d.year != year for d in days):
        raise DomainError(gettext("日期须在 %(year)s 年之内") % {"year": year}, field="rest_days")
    if set(rest_days) & set(working_weekend_days):
        raise DomainError(gettext("同一日期不能既是休息日又是调休上班日"))
    if not source.strip():
        raise DomainError(gettext("请填写依据（国务院办公厅通知的名称与文号）"), field="source")
    DayOverride.objects.filter(date__year=year).delete()
    DayOverride.objects.bulk_create(
        [DayOverride(date=d, is_workday=False, name="节假日") for d in rest_days]
        + [DayOverride(date=d, is_workday=True, name="调休上班") for d in working_weekend_days]
    )
    loaded, _ = HolidayYear.objects.update_or_create(year=year, defaults={"source": source, "loaded_by": actor})
    record(
        actor or SYSTEM,  # the load_holidays command runs as nobody in particular
        "workdays.load_year",
        loaded,
        after={
            "year": year,
            "source": source,
            "rest_days": sorted(d.isoformat() for d in rest_days),
            "working_weekend_days": sorted(d.isoformat() for d in working_weekend_days),
        },
    )
    year_loaded.send(sender=HolidayYear, year=year)


def recompute_answer_deadlines(delegations) -> int:
    """Compute again every provisional answer deadline in `delegations` (rows with received_at,
    answer_due and answer_due_provisional), inside the caller's transaction."""
    cal = calendar()
    entries = []
    for delegation in delegations.select_for_update().filter(answer_due_provisional=True):
        before = {"answer_due": delegation.answer_due, "answer_due_provisional": True}
        deadline = answer_deadline(delegation.received_at, cal)
        delegation.answer_due, delegation.answer_due_provisional = deadline.due, deadline.provisional
        delegation.save(update_fields=["answer_due", "answer_due_provisional"])
        # The court's delegation points at its case; the investor's holds the shared case reference itself.
        case = delegation.case_id if hasattr(delegation, "case_id") else delegation.case
        after = {"answer_due": deadline.due, "answer_due_provisional": deadline.provisional}
        entries.append(Entry("delegation.recompute_answer_due", delegation, case, before, after))
    record_many(SYSTEM, entries)
    return len(entries)
