"""Dates and deadlines as users read them: 2026年11月28日, days left, provisional flagged, the legal
source on hover (DESIGN.md §9)."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html

from sutiao.kernel.calendar import cn_date as format_cn_date
from sutiao.kernel.rules import ANSWER_PERIODS

register = template.Library()


@register.filter
def cn_date(value):
    if not value:
        return ""
    if hasattr(value, "astimezone"):
        value = timezone.localtime(value)
    return format_cn_date(value)


@register.filter
def cn_datetime(value):
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{format_cn_date(value)} {value:%H:%M}"


@register.filter
def yuan(value):
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f} 元"


@register.simple_tag
def answer_deadline_badge(due, provisional=False, answered=False):
    """The answer deadline (L4) with days left; overdue stands out; provisional is said aloud."""
    if due and answered:
        return format_html('{} <span class="badge text-bg-light">已答复</span>', cn_date(due))
    if not due:
        return format_html('<span class="badge text-bg-secondary">待送达后起算</span>')
    rule = ANSWER_PERIODS[settings.SUTIAO_ANSWER_PERIOD]
    left = (due - timezone.localdate()).days
    if left < 0:
        css, text = "text-bg-danger", f"已逾期 {-left} 天"
    elif left == 0:
        css, text = "text-bg-warning", "今日到期"
    else:
        css, text = ("text-bg-warning" if left <= 2 else "text-bg-info"), f"剩 {left} 天"
    note = "（暂定：该年度节假日安排尚未录入，录入后自动重算）" if provisional else ""
    return format_html(
        '<span class="deadline" title="答复期限：收到之日起{}{}"><strong>{}</strong> '
        '<span class="badge {}">{}</span>{}</span>',
        rule.description,
        note,
        cn_date(due),
        css,
        text,
        format_html(' <span class="badge text-bg-dark" data-provisional="1">暂定</span>') if provisional else "",
    )
