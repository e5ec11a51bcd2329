"""Quarterly and yearly quality-and-efficiency reports (法办〔2021〕313号 五（二）「定期形成调解工作质效分析报告」;
issue 13 §3), made in the background: the figures of `metrics` over the period's fact rows — the
same definitions the dashboard uses, so the report's totals are the dashboard's for the same filter — written as a
PDF (tables, and charts as vector graphics, Chinese text embedded) and as an Excel workbook, both stored through
`sutiao.documents` and downloadable from the report's page, which shows the task's progress meanwhile.

A scheduled job makes the platform-wide report of each quarter and year once it has ended; anyone with a
dashboard may ask for the report of their own figures (`actions.request_report`)."""

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from sutiao.documents import pdf
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.calendar import CHINA, china_days, china_today
from sutiao.kernel.workflow import REPORT, ReportEvent, ReportPeriod, ReportState
from sutiao.workdays.templatetags.workdays import amount

from . import metrics
from .facts import source
from .materialise import fact_columns, materialised
from .models import PeriodicReport

log = logging.getLogger("sutiao.reports")

STALE_AFTER = dt.timedelta(hours=1)
TOP_ROWS = 30  # rows per dimension in the PDF; the workbook has them all


# --- periods ---


def period_start(period: ReportPeriod, day: dt.date) -> dt.date:
    """The first day of the quarter or year `day` falls in."""
    if period == ReportPeriod.YEAR:
        return day.replace(month=1, day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def period_end(period: ReportPeriod, starts_on: dt.date) -> dt.date:
    """The last day of the quarter or year starting on `starts_on`."""
    if period == ReportPeriod.YEAR:
        return starts_on.replace(month=12, day=31)
    after = starts_on.month + 3
    next_start = dt.date(starts_on.year + 1, 1, 1) if after > 12 else starts_on.replace(month=after)
    return next_start - dt.timedelta(days=1)


def last_ended(period: ReportPeriod, today: dt.date) -> dt.date:
    """The first day of the last quarter or year that has ended by `today`."""
    return period_start(period, period_start(period, today) - dt.timedelta(days=1))


def title_of(report: PeriodicReport) -> str:
    start = report.starts_on
    name = (
        f"{start.year}年" if report.period == ReportPeriod.YEAR else f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    )
    return _("%(period)s证券期货纠纷调解质效报告") % {"period": name}


# --- the figures ---


@dataclass
class Figures:
    totals: dict
    months: list[dict]
    dimensions: list[tuple[str, str, list[dict]]]  # (key, label, rows)


def window(facts: QuerySet, starts_on: dt.date, ends_on: dt.date) -> QuerySet:
    """The fact rows received from `starts_on` to `ends_on` inclusive, China time (the dashboard's date filter)."""
    start, end = china_days(starts_on, ends_on)
    return facts.filter(r_received__gte=start, r_received__lt=end)


def facts_of(report: PeriodicReport) -> QuerySet:
    """The fact rows the report covers: every case of the platform for a scheduled report, the requester's own
    reach otherwise; received within the period (China time), as the dashboard's date filter takes them."""
    src = source()
    facts = src.public_facts() if report.requested_by_id is None else src.facts(report.requested_by)
    return window(facts, report.starts_on, report.ends_on)


def _progress(report: PeriodicReport, percent: int, step: str) -> None:
    # Outside any transaction: the page polling the report sees each step as it happens.
    PeriodicReport.objects.filter(pk=report.pk).update(progress=percent, step=step[:100])


def _every_month(report: PeriodicReport, rows: list[dict]) -> list[dict]:
    # A month without a case is a month of zeros in the report (and its chart), not a month left out.
    found = {(r["period"].astimezone(CHINA).year, r["period"].astimezone(CHINA).month): r for r in rows}
    months, day = [], report.starts_on.replace(day=1)
    while day <= report.ends_on:
        start = dt.datetime(day.year, day.month, 1, tzinfo=CHINA)
        months.append(found.get((day.year, day.month)) or {**metrics.empty(), "period": start})
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def build(report: PeriodicReport) -> Figures:
    src = source()
    _progress(report, 2, _("读取案件数据"))
    # The period's fact rows evaluated once (materialise.py), then read by every figure below.
    with materialised(facts_of(report), fact_columns(src, [d.key for d in src.dimensions])) as facts:
        return _figures(report, facts)


def _figures(report: PeriodicReport, facts: QuerySet) -> Figures:
    # Figures as of the day the report is made, as the dashboard shows them for the same dates: a delegation of
    # the period still unanswered and overdue today is counted so (逾期未答复), whenever the period ended.
    today = china_today()
    _progress(report, 5, _("计算合计"))
    totals = metrics.totals(facts, today)
    _progress(report, 15, _("按月统计"))
    months = _every_month(report, metrics.by_period(facts, "month", today))
    dimensions = []
    dims = source().dimensions
    for i, d in enumerate(dims):
        _progress(report, 20 + 50 * i // len(dims), _("按%(group)s统计") % {"group": d.label})
        dimensions.append((d.key, str(d.label), metrics.by_dimension(facts, d.key, today)))
    return Figures(totals, months, dimensions)


# --- the PDF and the workbook ---

_HEADLINE = ("received", "accepted", "declined", "answered_late", "ended", "succeeded", "success_rate")
_COLUMNS = ("received", "accepted", "declined", "succeeded", "failed", "success_rate", "days_to_result")


# How the mediations went, were performed and came to court: each platform holds some of these facts. The overview
# lists them all (those not held said so); each dimension has a second table of those the platform holds. The mean
# score is read with the number of answers beside it (metrics: satisfaction).
_FURTHER = (
    "days_to_first_session",
    "extended",
    "performance_rate",
    "amount_agreed",
    "amount_paid",
    "confirmation_applied",
    "confirmation_valid",
    "document_issued",
    "satisfaction_answers",
    "satisfaction",
)
# A dimension's tables on the A4 text width (170 mm): the name column, then the figures sharing the rest, an amount
# 1.6 times as wide as a count (999,999,999.99 on one line), a duration 1.25 times (「（自然日）」 on one line).
_NAME_WIDTH = 0.23
_WEIGHTS = {"amount": 1.6, "days": 1.25}
_NOT_HERE = object()
# The PDF's numbered sections after 一、总体情况: one per dimension of the platform's facts (six on each platform now,
# 二 to 七); a platform with more dimensions than numbers here needs more numbers (tests check both platforms).
SECTION_NUMBERS = "二三四五六七八九"


def _shown(metric, value) -> str:
    if value is _NOT_HERE:
        return str(metrics.NOT_HERE)
    if value is None:
        return "—"
    if metric.kind == "amount":
        return amount(value)  # as the dashboard shows it
    return {"rate": f"{value}%", "days": _("%(n)s 日") % {"n": value}}.get(metric.kind, str(value))


def _header(label) -> str:
    # A column's unit on its own line: 「已履行金额（元）」 never breaks between 「（」 and 「元）」.
    return str(label).replace("（", "\n（")


def render_pdf(report: PeriodicReport, figures: Figures) -> bytes:
    m = metrics.METRICS
    blocks: list = [
        pdf.Para(
            _("报告期：%(start)s至%(end)s（按收到委派/委托的日期，北京时间）。生成时间：%(now)s。")
            % {
                "start": f"{report.starts_on:%Y年%m月%d日}",
                "end": f"{report.ends_on:%Y年%m月%d日}",
                "now": f"{timezone.localtime(timezone.now(), CHINA):%Y年%m月%d日 %H:%M}",
            }
        ),
        pdf.Heading(_("一、总体情况")),
        pdf.TermsTable(
            (_("指标"), _("数值")),
            tuple((str(m[k].label), _shown(m[k], figures.totals.get(k, _NOT_HERE))) for k in _HEADLINE + _FURTHER),
            widths=(0.6, 0.4),
            numeric=frozenset({1}),
        ),
    ]
    labels = tuple(metrics.period_label(row["period"], "month") for row in figures.months)
    blocks.append(
        pdf.Chart(
            _("各月收到与调解成功"),
            labels,
            tuple((str(m[k].label), tuple(row[k] for row in figures.months)) for k in ("received", "succeeded")),
        )
    )
    blocks.append(
        pdf.Chart(
            _("各月调解成功率（%）"),
            labels,
            ((str(m["success_rate"].label), tuple(row["success_rate"] for row in figures.months)),),
            kind="line",
        )
    )
    held = metrics.here()
    further = tuple(k for k in _FURTHER if k in held)
    for i, (_key, label, rows) in enumerate(figures.dimensions):
        blocks.append(pdf.Heading(_("%(n)s、按%(group)s") % {"n": SECTION_NUMBERS[i], "group": label}))
        if len(rows) > TOP_ROWS:
            blocks.append(pdf.Para(_("按收到数量列前 %(n)s 项，完整数据见 Excel 报表。") % {"n": TOP_ROWS}))
        top = rows[:TOP_ROWS]
        blocks.append(_dimension_table(label, top, _COLUMNS))
        if further:
            # The same rows, in the same order, with the further figures this platform holds (none it does not).
            caption = _("续表：按%(group)s的其他指标（仅列本平台有数据的指标）") % {"group": label}
            blocks.append(_dimension_table(label, top, further, caption=caption))
    document = pdf.Document(
        title=title_of(report),
        blocks=tuple(blocks),
        footer=title_of(report),
        created=report.created_at,
        document_id=str(report.pk),
        author=_("诉调通"),
    )
    return pdf.render(document)


def _dimension_table(label: str, rows: list[dict], keys: tuple[str, ...], caption: str = "") -> pdf.TermsTable:
    """One table of a dimension: each row's name, then its figures `keys`."""
    m = metrics.METRICS
    weights = [_WEIGHTS.get(m[k].kind, 1.0) for k in keys]
    share = (1 - _NAME_WIDTH) / sum(weights)
    return pdf.TermsTable(
        (str(label), *(_header(m[k].label) for k in keys)),
        tuple((row["name"] or _("（未指派）"), *(_shown(m[k], row[k]) for k in keys)) for row in rows),
        widths=(_NAME_WIDTH, *(share * w for w in weights)),
        caption=caption,
        numeric=frozenset(range(1, len(keys) + 1)),
    )


def render_workbook(report: PeriodicReport, figures: Figures) -> bytes:
    m = metrics.METRICS
    here = metrics.here()
    # openpyxl only here: every process of the platform loads this module at start, few make a workbook.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("总体情况")
    sheet.append([title_of(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("报告期"), f"{report.starts_on:%Y-%m-%d}", f"{report.ends_on:%Y-%m-%d}"])
    sheet.append([_("指标"), _("数值")])
    # Every figure, those this platform holds no facts for said so (never a 0); the other sheets only the rest.
    for key, metric in m.items():
        sheet.append([str(metric.label), _number(figures.totals[key]) if key in here else str(metrics.NOT_HERE)])
    months = book.create_sheet(_("按月"))
    months.append([_("月份"), *(str(x.label) for x in here.values())])
    for row in figures.months:
        months.append([metrics.period_label(row["period"], "month"), *(_number(row[k]) for k in here)])
    for _key, label, rows in figures.dimensions:
        sheet = book.create_sheet(_SHEET_UNSAFE.sub("、", label)[:31])
        sheet.append([label, *(str(x.label) for x in here.values())])
        for row in rows:
            sheet.append([row["name"] or _("（未指派）"), *(_number(row[k]) for k in here)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Excel refuses these in a sheet's name (派出机构/会管单位 → 派出机构、会管单位).
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _number(value):
    return float(value) if value is not None and not isinstance(value, int) else value


# --- the task ---


def _move(report: PeriodicReport, event: ReportEvent, **fields) -> bool:
    """The transition as one conditional UPDATE: of two workers claiming a report, one wins."""
    target = REPORT.next_state(report.state, event)
    done = PeriodicReport.objects.filter(pk=report.pk, state=report.state).update(state=target, **fields)
    if done:
        report.state = target
        for name, value in fields.items():
            setattr(report, name, value)
    return bool(done)


def generate(report: PeriodicReport) -> PeriodicReport:
    """Make the report's figures, PDF and workbook and store them; on any error, fail it with the reason."""
    if report.state != ReportState.QUEUED or not _move(report, ReportEvent.START, progress=1, step=_("开始")):
        return report
    try:
        with translation.override("zh-hans"):
            figures = build(report)
            _progress(report, 75, _("生成 PDF"))
            document = render_pdf(report, figures)
            _progress(report, 90, _("生成 Excel"))
            workbook = render_workbook(report, figures)
            name = title_of(report)
        with transaction.atomic():
            uploader = report.requested_by
            stored_pdf = accept_upload(
                ContentFile(document, name=f"{name}.pdf"), uploaded_by=uploader, kind=FileKind.REPORT, label=name
            )
            stored_book = accept_upload(
                ContentFile(workbook, name=f"{name}.xlsx"), uploaded_by=uploader, kind=FileKind.REPORT, label=name
            )
            _move(
                report,
                ReportEvent.FINISH,
                progress=100,
                step="",
                pdf=stored_pdf,
                workbook=stored_book,
                totals={k: _number(v) for k, v in figures.totals.items()},
                finished_at=timezone.now(),
            )
    except Exception as e:
        log.exception("report %s failed", report.pk)
        _move(report, ReportEvent.FAIL, error=str(e)[:500] or type(e).__name__, finished_at=timezone.now())
    return report


@task()
def run_report(report_id: str) -> str:
    """The background task of one report (sutiao.jobs.tasks), claimed by one worker."""
    report = PeriodicReport.objects.select_related("requested_by").filter(pk=report_id).first()
    return generate(report).state if report is not None else "gone"


def schedule_due_reports(today: dt.date | None = None) -> int:
    """The periodic job: the platform-wide report of the last ended quarter and year, each made once (the unique
    constraint keeps a second worker from making it again). Returns how many were queued."""
    today = today or china_today()
    queued = 0
    for period in ReportPeriod:
        starts_on = last_ended(period, today)
        with transaction.atomic():
            report, created = PeriodicReport.objects.get_or_create(
                period=period,
                starts_on=starts_on,
                requested_by=None,
                defaults={"ends_on": period_end(period, starts_on)},
            )
            if created:
                run_report.enqueue(str(report.pk))
                queued += 1
    return queued


def fail_interrupted() -> int:
    """A report left running by a stopped worker fails, so that whoever waits on it can ask again."""
    with translation.override("zh-hans"):
        return PeriodicReport.objects.filter(
            state=ReportState.RUNNING, created_at__lt=timezone.now() - STALE_AFTER
        ).update(
            state=REPORT.next_state(ReportState.RUNNING, ReportEvent.FAIL),
            error=_("后台任务中断，报告未生成，请重新申请。"),
            finished_at=timezone.now(),
        )
