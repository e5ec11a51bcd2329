"""SVG charts for the pages (pygal): drawn on the server, inlined in the page, scaled by the browser to the
width it has (375 px phones included). No script and no CDN: courts and regulators run closed networks."""

import math
import re

import pygal
from pygal.style import Style

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
    colors=("#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6c757d"),
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=12,
    title_font_size=16,
)


def _config(chart_class, title: str, labels: list[str], width: int = 640):
    return chart_class(
        title=title,
        style=_STYLE,
        js=[],  # pygal's tooltips load a script from the internet
        width=width,
        height=360,
        legend_at_bottom=True,
        x_label_rotation=30 if len(labels) > 6 else 0,
        print_values=len(labels) <= 6,
        truncate_label=14,
        no_data_text="—",
    )


# pygal writes its configuration into the SVG as an inline <script> even without tooltips; the pages' Content
# Security Policy refuses inline scripts, so the chart goes out without it.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)


def _render(chart) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True, disable_xml_declaration=True))


def _whole_number_ticks(series: dict[str, list]) -> list[int]:
    """Counts are whole: ticks 0, step, 2·step … (about five of them), never 0.2, 0.4 …"""
    top = max([int(v) for values in series.values() for v in values if v is not None] or [0])
    step = max(1, math.ceil(top / 5))
    return list(range(0, top + step + 1, step))


def bars(title: str, labels: list[str], series: dict[str, list], wide: bool = False) -> str:
    """A bar chart of counts, one or more series over the same labels, as an inline <svg> element; `wide` for a
    chart that spans the page (drawn wider, so its text is not enlarged as much)."""
    chart = _config(pygal.Bar, title, labels, width=1000 if wide else 640)
    chart.x_labels = labels
    chart.y_labels = _whole_number_ticks(series)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return _render(chart)


def line(title: str, labels: list[str], series: dict[str, list]) -> str:
    """A line chart (a rate over periods), as an inline <svg> element."""
    chart = _config(pygal.Line, title, labels)
    chart.x_labels = labels
    chart.range = (0, 100)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return _render(chart)
