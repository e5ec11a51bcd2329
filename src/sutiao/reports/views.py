"""The dashboards (one view, both platforms: the platform's fact source decides what the viewer sees), the list
of cases behind a figure, and the public statistics page."""

import datetime as dt
import uuid
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sutiao.documents.downloads import download_response
from sutiao.kernel.calendar import CHINA, china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.evaluation import HIGHER, LOWER, Weight
from sutiao.kernel.workflow import ReportPeriod
from sutiao.listing import next_url, page
from sutiao.translation import refusal, translated_choices

from . import actions, charts, metrics, periodic, selectors
from .actions import evaluable
from .facts import source
from .joint import copy_file as joint_copy_file
from .joint import copy_for as joint_copy_for
from .joint import ensure_may_read as joint_ensure_may_read
from .joint import figures as joint_figures
from .models import EvaluationScheme

PAGE = 50
PERIOD_CHOICES = [("month", gettext_lazy("按月")), ("quarter", gettext_lazy("按季度")), ("year", gettext_lazy("按年"))]


class FilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("收到日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label=gettext_lazy("时间粒度"), choices=PERIOD_CHOICES, required=False)
    group = forms.ChoiceField(label=gettext_lazy("分组"), required=False)

    def __init__(self, data, user, facts_source):
        super().__init__(data, initial={"period": "quarter", "group": facts_source.dimensions[0].key})
        self.source = facts_source
        self.fields["group"].choices = [(d.key, d.label) for d in facts_source.dimensions]
        # One filter per dimension, offering only what the viewer may see.
        for d in facts_source.dimensions:
            self.fields[d.key] = forms.ChoiceField(
                label=d.label,
                required=False,
                choices=[("", _("全部"))] + list(facts_source.choices(user, d.key)),
                widget=forms.Select(attrs={"data-searchable": _("输入名称查找")}),
            )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期"))
        return data


def _filtered(request, facts_source):
    """The viewer's fact rows narrowed by the filters, and the cleaned filters. A key outside the viewer's
    reach is not theirs to see: 404."""
    user = request.user
    facts = facts_source.facts(user)
    form = FilterForm(request.GET or None, user, facts_source)
    # A key typed into the URL that the form does not offer is judged by the platform's permissions, not by
    # the form: outside one's reach it does not exist (404); inside it, an unknown key simply matches nothing.
    try:
        for d in facts_source.dimensions:
            key = request.GET.get(d.key, "")
            if key and not facts_source.reaches(user, d.key, key):
                raise Http404(_("无权查看该统计对象"))
            if key:
                facts = facts.filter(**{f"d_{d.key}": key})
    except (ValidationError, ValueError):
        # A key that is not even an id of its kind (a typed URL): nothing of that name exists.
        raise Http404(_("无权查看该统计对象")) from None
    cleaned = {"period": "quarter", "group": facts_source.dimensions[0].key}
    if form.is_bound and form.is_valid():
        cleaned |= {k: v for k, v in form.cleaned_data.items() if v}
    if cleaned.get("start"):
        facts = facts.filter(r_received__gte=dt.datetime.combine(cleaned["start"], dt.time(0), tzinfo=CHINA))
    if cleaned.get("end"):
        end = dt.datetime.combine(cleaned["end"] + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA)
        facts = facts.filter(r_received__lt=end)
    return facts, form, cleaned


def _query(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if v and k not in ("metric", "before")}
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = v
    return urlencode(params)


def _cells(request, row: dict, group: str) -> list:
    """Each figure of a group's row, a count with the query of the cases behind it (none for the group of rows
    with no key, e.g. not yet assigned to a mediator: there is no filter that selects them alone)."""
    cells = []
    for m in metrics.here().values():
        drill = None
        if m.kind == "count" and row["key"] is not None and row[m.key]:
            drill = _query(request, metric=m.key, **{group: str(row["key"])})
        cells.append((m, row[m.key], drill))
    return cells


# The dashboard's second row of headline figures: how the mediations went, were performed and came to court.
FURTHER = (
    "days_to_first_session",
    "extended",
    "performance_rate",
    "amount_agreed",
    "amount_paid",
    "confirmation_applied",
    "confirmation_valid",
    "document_issued",
    "satisfaction",
)


@login_required
def dashboard(request):
    facts_source = source()
    facts, form, cleaned = _filtered(request, facts_source)
    today = china_today()
    group = cleaned["group"]
    period = cleaned["period"]
    # The totals, the groups and the periods from one pass over the viewer's fact rows (metrics.overview).
    totals, groups, periods = metrics.overview(facts, group, period, today)
    period_labels = [metrics.period_label(row["period"], period) for row in periods]
    top = groups[:12]
    group_label = next(d.label for d in facts_source.dimensions if d.key == group)
    available = metrics.here()
    context = {
        "form": form,
        "metrics": metrics.METRICS,
        "totals": totals,
        "headline": [
            (m, totals[m.key], _query(request, metric=m.key))
            for m in (metrics.METRICS[k] for k in ("received", "accepted", "declined", "answered_late", "succeeded"))
        ],
        "rates": [(metrics.METRICS[k], totals[k]) for k in ("success_rate", "days_to_answer", "days_to_result")],
        # The mediation, performance and court figures: each platform holds some of them, and says which not.
        "further": [
            (
                metrics.METRICS[k],
                totals[k] if k in available else None,
                k in available,
                _query(request, metric=k) if k in available and metrics.METRICS[k].kind == "count" else "",
            )
            for k in FURTHER
        ],
        "not_here_label": metrics.NOT_HERE,
        "group_label": group_label,
        "sees_everything": facts_source.sees_everything(request.user),
        "columns": list(available.values()),
        "definitions": [(m, m.key in available) for m in metrics.METRICS.values()],
        "rows": [
            {"name": row["name"] or _("（未指派）"), "key": row["key"], "cells": _cells(request, row, group)}
            for row in groups
        ],
        "period_chart": charts.bars(
            _("收到与调解成功（按收到时间）"),
            period_labels,
            {
                str(metrics.METRICS["received"].label): [r["received"] for r in periods],
                str(metrics.METRICS["succeeded"].label): [r["succeeded"] for r in periods],
            },
        ),
        "rate_chart": charts.line(
            _("调解成功率（%）"), period_labels, {_("调解成功率"): [r["success_rate"] for r in periods]}
        ),
        "group_chart": charts.bars(
            _("按%(group)s") % {"group": group_label},
            [row["name"] or _("（未指派）") for row in top],
            {
                str(metrics.METRICS["received"].label): [r["received"] for r in top],
                str(metrics.METRICS["succeeded"].label): [r["succeeded"] for r in top],
            },
            wide=True,
        ),
        "not_here": metrics.not_here(),
        "today": today,
    }
    return render(request, "reports/dashboard.html", context)


@login_required
def cases(request):
    """The delegations behind one count, as far as the viewer may see them, newest first, PAGE at a time
    (keyset on the id, which is time-ordered; the shared paging module is not used yet)."""
    facts_source = source()
    # Only a count this platform gives has cases behind it.
    metric = metrics.here().get(request.GET.get("metric", ""))
    if metric is None or metric.kind != "count":
        raise Http404(_("没有这项统计"))
    facts, form, cleaned = _filtered(request, facts_source)
    rows = metrics.cases_behind(facts, metric.key, china_today()).order_by("-pk")
    before = request.GET.get("before", "")
    if before:
        try:
            rows = rows.filter(pk__lt=uuid.UUID(before))
        except ValueError:
            raise Http404(_("分页参数有误")) from None
    page = list(rows[: PAGE + 1])
    more = len(page) > PAGE
    page = page[:PAGE]
    return render(
        request,
        "reports/cases.html",
        {
            "metric": metric,
            "form": form,
            "rows": [(row, facts_source.case_link(request.user, row)) for row in page],
            "next_query": _query(request, metric=metric.key, before=str(page[-1].pk)) if more else "",
            # Back to the dashboard as it was: without the key of the row the figure was in.
            "back_query": _query(request, **{cleaned["group"]: None}),
        },
    )


PUBLIC_CACHE_SECONDS = 15 * 60


def _public_figures() -> dict:
    today = china_today()
    rows = metrics.by_period(source().public_facts(), "quarter", today)[-12:]
    labels = [metrics.period_label(row["period"], "quarter") for row in rows]
    chart = charts.bars(
        _("各季度收到与调解成功"),
        labels,
        {str(metrics.METRICS[k].label): [row[k] for row in rows] for k in ("received", "succeeded")},
    )
    for row, label in zip(rows, labels, strict=True):
        row["label"] = label
    return {"rows": rows[::-1], "chart": chart, "today": today}


def public_statistics(request):
    """Headline figures by quarter for anyone, without sign-in (issue 13 item 8): counts, the success rate and
    the mean days to a result. The figures are cached (every visitor sees the same), not the page, which carries
    the visitor's own sign-in state and CSRF token."""
    key = f"reports:public:{source().platform}:{request.LANGUAGE_CODE}"
    figures = cache.get_or_set(key, _public_figures, PUBLIC_CACHE_SECONDS)
    return render(request, "reports/public.html", {**figures, "metrics": metrics.METRICS})


# --- periodic reports (issue 13 §3) ---


class ReportRequestForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("报告期类型"))
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2021, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"), coerce=int, required=False, choices=[(q, f"Q{q}") for q in range(1, 5)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = translated_choices(ReportPeriod.choices())
        today = china_today()
        self.initial.setdefault("period", ReportPeriod.QUARTER.value)
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("quarter", (today.month - 1) // 3 + 1)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def starts_on(self) -> dt.date:
        data = self.cleaned_data
        if data["period"] == ReportPeriod.YEAR:
            return dt.date(data["year"], 1, 1)
        if not data.get("quarter"):
            raise DomainError(_("请选择季度"), field="quarter")
        return dt.date(data["year"], 3 * data["quarter"] - 2, 1)


@login_required
def periodic_reports(request, form=None):
    source().facts(request.user)  # only those with a dashboard have reports
    result = page(selectors.reports_for(request.user), ("-created_at", "-id"), request.GET.get("cursor"))
    return render(
        request,
        "reports/periodic_list.html",
        {"form": form or ReportRequestForm(), "rows": result.items, "next_url": next_url(request, result)},
    )


@login_required
@require_POST
def request_periodic_report(request):
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        try:
            report = actions.request_report(request.user, ReportPeriod(form.cleaned_data["period"]), form.starts_on())
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            return redirect("report-periodic", report.pk)
    return periodic_reports(request, form=form)


def _progress_context(report) -> dict:
    return {"report": report, "title": periodic.title_of(report)}


@login_required
def periodic_report(request, report_id):
    report = selectors.report_for(request.user, report_id)
    return render(request, "reports/periodic_report.html", _progress_context(report))


@login_required
def periodic_report_progress(request, report_id):
    """The progress panel alone, which the report's page polls (htmx) while the report is being made."""
    report = selectors.report_for(request.user, report_id)
    return render(request, "reports/_periodic_progress.html", _progress_context(report))


@login_required
@require_POST
def retry_periodic_report(request, report_id):
    report = selectors.report_for(request.user, report_id)
    try:
        actions.retry_report(request.user, report)
    except DomainError as e:
        messages.error(request, refusal(e))
    return redirect("report-periodic", report.pk)


@login_required
def periodic_report_file(request, report_id, kind):
    report = selectors.report_for(request.user, report_id)
    stored = {"pdf": report.pdf, "xlsx": report.workbook}.get(kind)
    if stored is None:
        raise Http404(_("报告尚未生成"))
    return download_response(request, stored, permitted=lambda user, f: selectors.may_read(user, report))


# --- evaluation and commendation (issue 13 §4) ---

DEFAULT_WEIGHTS = {"success_rate": 40, "succeeded": 25, "answered_late": 15, "days_to_result": 20}


class SchemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("方案名称"), max_length=100)
    subject = forms.ChoiceField(label=gettext_lazy("评估对象"), choices=EvaluationScheme.SUBJECTS)
    period = forms.ChoiceField(label=gettext_lazy("评估周期"))
    min_cases = forms.IntegerField(label=gettext_lazy("参与排名的最少收案数"), min_value=1, max_value=10000, initial=5)
    flag_below = forms.DecimalField(
        label=gettext_lazy("提示分数线"), min_value=0, max_value=100, decimal_places=1, initial=60
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = translated_choices(ReportPeriod.choices())
        for key, metric in evaluable().items():
            self.fields[f"w_{key}"] = forms.IntegerField(
                label=metric.label, min_value=0, max_value=100, initial=DEFAULT_WEIGHTS.get(key, 0), required=False
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def weights(self) -> list[Weight]:
        out = []
        for key, metric in evaluable().items():
            weight = self.cleaned_data.get(f"w_{key}") or 0
            if weight:
                lower = metric.kind == "days" or key in metrics.LOWER_IS_BETTER
                out.append(Weight(key, weight, LOWER if lower else HIGHER))
        return out


class RunForm(ReportRequestForm):
    """Which scheme, over which quarter or year (the scheme's own period decides which)."""

    scheme = forms.ModelChoiceField(label=gettext_lazy("评估方案"), queryset=EvaluationScheme.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["period"]
        self.fields["scheme"].queryset = EvaluationScheme.objects.filter(active=True)
        self.fields["scheme"].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if data.get("scheme"):
            data["period"] = data["scheme"].period
        return data


class CommendForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("表彰名称"), max_length=100)
    reason = forms.CharField(label=gettext_lazy("表彰理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "reason"):
            self.fields[name].widget.attrs["class"] = "form-control"


@login_required
def evaluation_home(request, scheme_form=None, run_form=None):
    facts_source = source()
    facts_source.facts(request.user)  # only those with a dashboard
    keeper = facts_source.sees_everything(request.user)
    result = page(selectors.evaluations(), ("-created_at", "-id"), request.GET.get("cursor"))
    return render(
        request,
        "reports/evaluation_home.html",
        {
            "keeper": keeper,
            "schemes": EvaluationScheme.objects.filter(active=True) if keeper else [],
            "scheme_form": scheme_form or (SchemeForm() if keeper else None),
            "run_form": run_form or (RunForm() if keeper else None),
            "rows": result.items,
            "next_url": next_url(request, result),
            "labels": {k: m.label for k, m in metrics.METRICS.items()},
        },
    )


@login_required
@require_POST
def evaluation_scheme_new(request):
    actions.ensure_may_evaluate(request.user)
    form = SchemeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.create_scheme(
                request.user,
                name=data["name"],
                subject=data["subject"],
                period=ReportPeriod(data["period"]),
                weights=form.weights(),
                min_cases=data["min_cases"],
                flag_below=data["flag_below"],
            )
        except DomainError as e:
            form.add_error(None, refusal(e))
        else:
            messages.success(request, _("已启用新的评估方案"))
            return redirect("evaluation-home")
    return evaluation_home(request, scheme_form=form)


@login_required
@require_POST
def evaluation_run(request):
    actions.ensure_may_evaluate(request.user)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            evaluation = actions.run_evaluation(request.user, form.cleaned_data["scheme"], form.starts_on())
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            return redirect("evaluation", evaluation.pk)
    return evaluation_home(request, run_form=form)


@login_required
def evaluation(request, evaluation_id, commend_form=None):
    found, rows = selectors.evaluation_for(request.user, evaluation_id)
    keeper = source().sees_everything(request.user)
    labels = {k: m.label for k, m in metrics.METRICS.items()}
    for row in rows:
        for part in row["parts"]:
            part["label"] = labels.get(part["metric"], part["metric"])
    return render(
        request,
        "reports/evaluation.html",
        {
            "evaluation": found,
            "rows": rows,
            "keeper": keeper,
            "commendations": selectors.commendations_of(found),
            "commend_form": commend_form or (CommendForm() if keeper else None),
        },
    )


@login_required
@require_POST
def evaluation_commend(request, evaluation_id):
    found, _rows = selectors.evaluation_for(request.user, evaluation_id)
    form = CommendForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.commend(
                request.user,
                found,
                subject=found.scheme.subject,
                key=data["key"],
                title=data["title"],
                reason=data["reason"],
            )
        except DomainError as e:
            form.add_error(None, refusal(e))
        else:
            messages.success(request, _("已记录表彰"))
            return redirect("evaluation", found.pk)
    return evaluation(request, evaluation_id, commend_form=form)


# --- the joint meeting's figures (issue 13 §5) ---


@login_required
def joint_report(request):
    """Both platforms' figures for the same delegations in a quarter or year, and where they differ, why."""
    source().facts(request.user)  # only those with a dashboard
    joint_ensure_may_read(request.user)
    form = ReportRequestForm(request.GET or None)
    joint = None
    if form.is_valid():
        try:
            start = form.starts_on()
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            period = ReportPeriod(form.cleaned_data["period"])
            end = min(periodic.period_end(period, start), china_today())
            if start > end:
                form.add_error(None, _("该期间尚未开始"))
            else:
                try:
                    joint = joint_figures(
                        request.user,
                        start,
                        end,
                        query=request.GET.get("q", ""),
                        cursor=request.GET.get("cursor"),
                        size=request.GET.get("size"),
                        copy_id=_copy_id(request.GET.get("copy")),
                    )
                except DomainError as e:
                    form.add_error(None, refusal(e))
    elif not request.GET:
        form = ReportRequestForm()
    return render(
        request,
        "reports/joint.html",
        {
            "form": form,
            "joint": joint,
            "q": request.GET.get("q", ""),
            "next_page": joint and joint.next and _next_lines(request, joint),
        },
    )


def _copy_id(value) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _next_lines(request, joint) -> str:
    """The next page of the lines, compared against the same kept answer."""
    query = request.GET.copy()
    query["cursor"] = joint.next
    if joint.copy is not None:
        query["copy"] = joint.copy.pk
    return f"{request.path}?{query.urlencode()}#joint-lines"


@login_required
def joint_copy(request, copy_id: int):
    """The peer's signed statistics answer a joint page compared against, as kept, for checking it again."""
    copy = joint_copy_for(request.user, copy_id)
    response = HttpResponse(joint_copy_file(copy), content_type="application/json; charset=utf-8")
    name = f"statistics-{copy.peer.name}-{copy.start:%Y%m%d}-{copy.end:%Y%m%d}-{copy.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
