"""The periods this platform applies to direct applications, read from its settings in one place
(settings.SUTIAO_DIRECT_REVIEW_DAYS, SUTIAO_DIRECT_MEDIATION_DAYS; see sutiao.kernel.direct for why they are
settings and not law)."""

from django.conf import settings

from sutiao.kernel.calendar import Deadline, PeriodRule
from sutiao.kernel.direct import mediation_period, review_period
from sutiao.workdays.selectors import period_from


def review_rule() -> PeriodRule:
    return review_period(settings.SUTIAO_DIRECT_REVIEW_DAYS)


def mediation_rule() -> PeriodRule:
    return mediation_period(settings.SUTIAO_DIRECT_MEDIATION_DAYS)


def review_deadline(submitted_at) -> Deadline:
    """The organisation reviews within the set number of working days from the day after submission."""
    return period_from(submitted_at, review_rule())
