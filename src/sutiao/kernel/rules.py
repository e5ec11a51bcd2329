"""Periods the software enforces, each with its source (../shared/docs/LEGAL-RULES.md)."""

import datetime as dt

from .calendar import PeriodRule, add_years
from .enums import DelegationKind

# L4: an organisation answers a delegation within 5 working days for securities and futures disputes
# (法办〔2021〕313号 §4(5)); the general rule is 3 working days (《人民法院在线调解规则》Art. 12). Which one
# applies is configuration (settings.SUTIAO_ANSWER_PERIOD); both stay here with their citations.
ANSWER_PERIOD_SECURITIES = PeriodRule("L4", 5, True, "法办〔2021〕313号 第四条第（五）项")
ANSWER_PERIOD_GENERAL = PeriodRule("L4-general", 3, True, "《人民法院在线调解规则》第十二条")
ANSWER_PERIODS = {"securities": ANSWER_PERIOD_SECURITIES, "general": ANSWER_PERIOD_GENERAL}

# L6: mediation period, counted from the organisation's acceptance on the platform: 委派 30 days,
# 委托 15 days (7 under the simple procedure) (《人民法院在线调解规则》Art. 24; 特邀调解规定 Art. 27).
MEDIATION_PERIOD = {
    DelegationKind.DELEGATION: PeriodRule("L6", 30, False, "《人民法院在线调解规则》第二十四条"),
    DelegationKind.ENTRUSTMENT: PeriodRule("L6", 15, False, "《人民法院在线调解规则》第二十四条"),
}

# L3: parties who agreed to online mediation may jointly choose an organisation or mediator from the court's
# roster within 2 working days; otherwise, or if they ask, the court appoints one, within 3 working days of
# receiving the application (《人民法院在线调解规则》Art. 10).
JOINT_CHOICE_PERIOD = PeriodRule("L3", 2, True, "《人民法院在线调解规则》第十条第二款")
APPOINTMENT_PERIOD = PeriodRule("L3", 3, True, "《人民法院在线调解规则》第十条第三款")

# A roster entry is confirmed for three years unless the court sets another period (the platforms' policy
# for 特邀调解名册 validity; the court may choose any period when it confirms).
ROSTER_VALIDITY_YEARS = 3


def default_validity(start: dt.date) -> dt.date:
    """The last day of a roster entry confirmed on `start` when the court names no end (《民法典》Art. 202)."""
    return add_years(start, ROSTER_VALIDITY_YEARS)
