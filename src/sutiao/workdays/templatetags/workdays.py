"""Dates and deadlines as users read them: 2026年11月28日, days left, provisional flagged, the legal
source on hover (DESIGN.md §9)."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext

from sutiao.kernel.calendar import cn_date as format_cn_date
from sutiao.kernel.enums import DisputeType
from sutiao.workdays.selectors import answer_period, holiday_arrangement_status

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
def yuan(value):
    if value is None or value == "":
        return ""
    return gettext("%(amount)s 元") % {"amount": f"{Decimal(value):,.2f}"}


def _period(rule) -> str:
    """The rule's period as kernel.rules describes it (5个工作日（citation）), in the user's language."""
    if rule.working_days:
        length = ngettext("%(n)s个工作日", "%(n)s个工作日", rule.length) % {"n": rule.length}
    else:
        length = ngettext("%(n)s日", "%(n)s日", rule.length) % {"n": rule.length}
    return gettext("收到之日起%(length)s（%(citation)s）") % {"length": length, "citation": gettext(rule.citation)}


@register.simple_tag
def answer_deadline_badge(due, provisional=False, answered=False):
    """The answer deadline (L4) with days left; overdue stands out; provisional is said aloud."""
    if due and answered:
        return format_html('{} <span class="badge text-bg-light">{}</span>', cn_date(due), gettext("已答复"))
    if not due:
        return format_html('<span class="badge text-bg-secondary">{}</span>', gettext("待送达后起算"))
    rule = answer_period()
    left = (due - timezone.localdate()).days
    if left < 0:
        css, text = "text-bg-danger", ngettext("已逾期 %(n)s 天", "已逾期 %(n)s 天", -left) % {"n": -left}
    elif left == 0:
        css, text = "text-bg-warning", gettext("今日到期")
    else:
        css = "text-bg-warning" if left <= 2 else "text-bg-info"
        text = ngettext("剩 %(n)s 天", "剩 %(n)s 天", left) % {"n": left}
    note = gettext("（暂定：该年度节假日安排尚未录入，录入后自动重算）") if provisional else ""
    return format_html(
        '<span class="deadline" title="{}"><strong>{}</strong> <span class="badge {}">{}</span>{}</span>',
        gettext("答复期限：%(period)s%(note)s") % {"period": _period(rule), "note": note},
        cn_date(due),
        css,
        text,
        format_html(' <span class="badge text-bg-dark" data-provisional="1">{}</span>', gettext("暂定"))
        if provisional
        else "",
    )


@register.simple_tag
def period_badge(deadline, label, done=False):
    """Any period's last day (a kernel Deadline) with days left, its length and source on hover; red once
    missed, unless what it waited for was done."""
    if deadline is None:
        return ""
    rule = deadline.rule
    length = (
        ngettext("%(n)s个工作日", "%(n)s个工作日", rule.length)
        if rule.working_days
        else ngettext("%(n)s日", "%(n)s日", rule.length)
    ) % {"n": rule.length}
    title = gettext("%(label)s：%(length)s（%(citation)s）") % {
        "label": label,
        "length": length,
        "citation": gettext(rule.citation),
    }
    left = (deadline.due - timezone.localdate()).days
    if done:
        css, text = "text-bg-light", gettext("已完成")
    elif left < 0:
        css, text = "text-bg-danger", ngettext("已逾期 %(n)s 天", "已逾期 %(n)s 天", -left) % {"n": -left}
    elif left == 0:
        css, text = "text-bg-warning", gettext("今日到期")
    else:
        css = "text-bg-warning" if left <= 1 else "text-bg-info"
        text = ngettext("剩 %(n)s 天", "剩 %(n)s 天", left) % {"n": left}
    return format_html(
        '<span class="deadline" title="{}"><strong>{}</strong> <span class="badge {}">{}</span>{}</span>',
        title,
        cn_date(deadline.due),
        css,
        text,
        format_html(' <span class="badge text-bg-dark" data-provisional="1">{}</span>', gettext("暂定"))
        if deadline.provisional
        else "",
    )


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
