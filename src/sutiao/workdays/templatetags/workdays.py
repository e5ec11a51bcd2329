"""Dates and deadlines as users read them: 2026年11月28日, days left, provisional flagged, the legal
source on hover (DESIGN.md §9)."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext

from sutiao.kernel.calendar import china_today
from sutiao.kernel.calendar import cn_date as format_cn_date
from sutiao.kernel.enums import DisputeType
from sutiao.workdays.selectors import answer_period, calendar, holiday_arrangement_status

register = template.Library()


def _chinese() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("zh")


@register.filter
def cn_date(value):
    """2026年11月28日 in Chinese; 2026-11-28 in other languages."""
    if not value:
        return ""
    if hasattr(value, "astimezone"):
        value = timezone.localtime(value)
    return format_cn_date(value) if _chinese() else f"{value:%Y-%m-%d}"


@register.filter
def cn_datetime(value):
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{cn_date(value)} {value:%H:%M}"


@register.filter
def amount(value):
    """An amount in yuan as the accounts read it, its thousands marked: 18977295171 → 18,977,295,171.00."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def yuan(value):
    if value is None or value == "":
        return ""
    return gettext("%(amount)s 元") % {"amount": amount(value)}


def _length(rule) -> str:
    if rule.working_days:
        return ngettext("%(n)s个工作日", "%(n)s个工作日", rule.length) % {"n": rule.length}
    return ngettext("%(n)s日", "%(n)s日", rule.length) % {"n": rule.length}


def _calendar(context):
    """One calendar per request: a list shows a deadline per row, and each would otherwise ask the database for
    the calendar's version (a query per row)."""
    request = context.get("request")
    if request is None:
        return calendar()
    if not hasattr(request, "_workday_calendar"):
        request._workday_calendar = calendar()
    return request._workday_calendar


def _left(cal, rule, due, today) -> tuple[str, str]:
    """The badge's class and text, counted in the rule's own unit (working days for a working-day period)."""
    left = cal.working_days_left(today, due) if rule.working_days else (due - today).days
    if due < today:
        text = (
            ngettext("已逾期 %(n)s 个工作日", "已逾期 %(n)s 个工作日", -left)
            if rule.working_days
            else ngettext("已逾期 %(n)s 天", "已逾期 %(n)s 天", -left)
        )
        return "text-bg-danger", text % {"n": -left}
    if due == today:
        return "text-bg-warning", gettext("今日到期")
    text = (
        ngettext("剩 %(n)s 个工作日", "剩 %(n)s 个工作日", left)
        if rule.working_days
        else ngettext("剩 %(n)s 天", "剩 %(n)s 天", left)
    )
    return ("text-bg-warning" if left <= 1 else "text-bg-info"), text % {"n": left}


def _deadline(context, rule, label, due, provisional, done, source):
    """A deadline as users read it: its last day; while the step is not done, what is left in the rule's
    unit (red once missed) and "暂定" if provisional; and the rule's length and legal source in the page
    itself, not only on hover (phones have no hover; issue 15 §5). Once done, the badge goes."""
    if not due:
        return format_html('<span class="badge text-bg-secondary">{}</span>', gettext("待接收后起算"))
    described = gettext("%(label)s：%(length)s（%(citation)s）") % {
        "label": label,
        "length": _length(rule),
        "citation": gettext(rule.citation),
    }
    if done:
        status = format_html(' <span class="text-muted small" data-done="1">{}</span>', gettext("（已完成）"))
    else:
        css, text = _left(_calendar(context), rule, due, china_today())
        status = format_html(' <span class="badge {}">{}</span>', css, text)
        if provisional:
            status += format_html(
                ' <span class="badge text-bg-dark" data-provisional="1" title="{}">{}</span>',
                gettext("该年度节假日安排尚未录入，录入后自动重算"),
                gettext("暂定"),
            )
    return format_html(
        '<span class="deadline"><strong>{}</strong>{}{}</span>',
        cn_date(due),
        status,
        format_html('<span class="d-block small text-muted deadline-source">{}</span>', described) if source else "",
    )


@register.simple_tag(takes_context=True)
def answer_deadline_badge(context, due, provisional=False, answered=False, source=True):
    """The organisation's answer deadline (L4): the configured period from receipt."""
    label = gettext("答复期限（自收到之日起）")
    return _deadline(context, answer_period(), label, due, provisional, answered, source)


@register.simple_tag(takes_context=True)
def deadline_badge(context, rule, label, due, provisional=False, done=False, source=True):
    """A deadline of `rule` whose last day is `due` (e.g. a direct application's review, L19)."""
    return _deadline(context, rule, label, due, provisional, done, source)


@register.simple_tag(takes_context=True)
def period_badge(context, deadline, label, done=False, source=True):
    """Any period (a kernel Deadline) running from its own start."""
    if deadline is None:
        return ""
    return _deadline(context, deadline.rule, label, deadline.due, deadline.provisional, done, source)


@register.simple_tag
def answer_period_source():
    """The answer period and its source once, under a list whose rows show only dates and what is left."""
    rule = answer_period()
    return gettext("答复期限：收到之日起%(length)s（%(citation)s）") % {
        "length": _length(rule),
        "citation": gettext(rule.citation),
    }


@register.filter
def dispute_labels(values):
    """Dispute-type codes as the user reads them, joined with 、."""
    labels = dict(DisputeType.choices())
    return "、".join(gettext(labels.get(v, v)) for v in values or [])


@register.filter
def factor_detail(factor):
    """A ranking factor's explanation (kernel.ranking) in the user's language."""
    return gettext(factor.detail_template) % factor.params


@register.inclusion_tag("workdays/holiday_arrangement_warning.html", takes_context=True)
def holiday_arrangement_warning(context, limit=20):
    """L21, on the operators' pages: a missing holiday arrangement, and the provisional deadlines due first."""
    return {"status": holiday_arrangement_status(limit=limit), "perms": context.get("perms")}
