"""SVG charts for the pages (pygal): drawn on the server, inlined in the page, scaled by the browser to the
width it has (375 px phones included). No script and no CDN: courts and regulators run closed networks."""

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


def _config(chart_class, title: str, labels: list[str]):
    return chart_class(
        title=title,
        style=_STYLE,
        js=[],  # pygal's tooltips load a script from the internet
        width=640,
        height=360,
        legend_at_bottom=True,
        x_label_rotation=30 if len(labels) > 6 else 0,
        print_values=len(labels) <= 6,
        truncate_label=14,
        no_data_text="—",
    )


def bars(title: str, labels: list[str], series: dict[str, list]) -> str:
    """A bar chart of one or more series over the same labels, as an inline <svg> element."""
    chart = _config(pygal.Bar, title, labels)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return chart.render(is_unicode=True, disable_xml_declaration=True)


def line(title: str, labels: list[str], series: dict[str, list]) -> str:
    """A line chart (a rate over periods), as an inline <svg> element."""
    chart = _config(pygal.Line, title, labels)
    chart.x_labels = labels
    chart.range = (0, 100)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return chart.render(is_unicode=True, disable_xml_declaration=True)
