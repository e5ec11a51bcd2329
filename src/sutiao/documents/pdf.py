"""Rendering a document (an agreement, later a ruling or a 调解书) to a printable A4 PDF with Chinese text.

The text is set in a CJK TrueType font found on the system and embedded as a subset (Debian's fonts-wqy-zenhei,
which the make targets and .ci/run install), so the PDF reads the same on any reader and can be signed as it
stands; where no such file exists, reportlab's built-in STSong-Light CID font is used, which needs no file but is
not embedded (the reader substitutes its own Song face). Nothing is downloaded (DESIGN.md §6).

The same input gives the same bytes: the creation date is the document's own (a version's creation time, not the
moment of rendering) and the PDF's document ID is derived from the document's own id, so a version's SHA-256 is
stable and can be recomputed to check it.

reportlab is imported by the functions that render, not with this module: the documents' building blocks below are
made by modules every process of both platforms loads at start, which then paid for a library few of them use."""

import datetime as dt
import hashlib
import io
import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

log = logging.getLogger("sutiao.documents")

# Where Debian and its derivatives put a CJK TrueType font reportlab can embed (TrueType outlines: the CFF-based
# Noto/Source Han OpenType files cannot be subset by reportlab and are skipped).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)
FALLBACK_FONT = "STSong-Light"


# --- what a document is made of ---


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str  # line breaks are kept


@dataclass(frozen=True)
class TermsTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # fractions of the text width, one per column; equal when empty
    # A line said just above the table, never left alone at the foot of a page: when less room is left than it,
    # the table's head and first two rows take, they start the next page together.
    caption: str = ""
    # The columns whose cells are figures, aligned right so that their digits line up (0 is the first column).
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Chart:
    """A bar or line chart drawn as vector graphics (reportlab.graphics): sharp at any zoom, its labels text."""

    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]  # (name, one value per label)
    kind: str = "bar"  # or "line"


@dataclass(frozen=True)
class Closing:
    """The end of a court's document (落款): the judge's title and name, the date and the seal, right-aligned and
    kept together. The court seals the PDF electronically (sutiao.documents.signing), so nothing is left to sign or
    date by hand: a court's document has a Closing and no `signers`."""

    lines: tuple[str, ...]

    @classmethod
    def of_court(cls, judge: str, date_text: str) -> "Closing":
        return cls((f"审判员　{judge}", date_text, "（已加盖人民法院电子印章）"))


@dataclass(frozen=True)
class Signer:
    role: str  # 申请人, 被申请人, 调解员, 调解组织（盖章）
    name: str


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple
    footer: str  # the case number and version, on every page beside the page number
    created: dt.datetime  # the document's own creation time, written as the PDF's creation date
    document_id: str  # stable for the document: the PDF's ID derives from it
    signers: tuple[Signer, ...] = field(default=())
    author: str = ""


# --- the font ---


def find_cjk_font(candidates=FONT_CANDIDATES) -> str | None:
    """The first CJK TrueType file among the candidates, else what fontconfig offers for Chinese (when it is a
    TrueType file), else None."""
    for path in candidates:
        if Path(path).is_file():
            return path
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if found.lower().endswith((".ttf", ".ttc")) and Path(found).is_file():
            return found
    return None


@cache
def _register(font_file: str | None) -> str:
    """The reportlab name of the font to set text in: the file's, embedded as a subset, or STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if font_file:
        name = "CJK-" + hashlib.sha256(font_file.encode()).hexdigest()[:12]
        try:
            pdfmetrics.registerFont(TTFont(name, font_file, subfontIndex=0))
            return name
        except (TTFError, OSError) as e:  # not a TrueType font reportlab can subset: use the built-in one
            log.warning("CJK font %s unusable (%s); falling back to %s", font_file, e, FALLBACK_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


_DEFAULT = object()


def font_name(font_file=_DEFAULT) -> str:
    return _register(find_cjk_font() if font_file is _DEFAULT else font_file)


# --- rendering ---


def _canvas_maker(document: Document, font: str, size: int = 9):
    """A canvas that writes the document's own creation date and ID, and numbers pages as 第 n 页 共 m 页 (the
    total is known only at the end, so each page is drawn when the document is saved)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import TimeStamp
    from reportlab.pdfgen import canvas

    created = document.created.astimezone(dt.UTC)
    stamp = TimeStamp(invariant=True)
    stamp.t = created.timestamp()
    stamp.lt = created.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    seed = hashlib.md5(document.document_id.encode(), usedforsecurity=False)

    class DocumentCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = stamp
            self._doc.signature = seed.copy()
            self._pages = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(font, size)
            self.setFillColor(colors.black)
            width, _ = A4
            self.drawString(20 * mm, 12 * mm, document.footer)
            self.drawRightString(width - 20 * mm, 12 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            self.restoreState()

    return DocumentCanvas


_SERIES_COLOURS = ("#0d6efd", "#198754", "#dc3545")


def _chart(block: Chart, font: str, width: float) -> "Drawing":
    """The chart as a Drawing of the text width: title above, legend below, labels turned when they are many."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    series_colours = [colors.HexColor(c) for c in _SERIES_COLOURS]
    height = 72 * mm
    drawing = Drawing(width, height)
    drawing.add(String(width / 2, height - 5 * mm, block.title, fontName=font, fontSize=10.5, textAnchor="middle"))
    chart = VerticalBarChart() if block.kind == "bar" else HorizontalLineChart()
    chart.x, chart.y = 14 * mm, 22 * mm
    chart.width, chart.height = width - 20 * mm, height - 34 * mm
    # reportlab cannot draw a series without a value: an empty one is drawn as a single zero.
    chart.data = [tuple(0.0 if v is None else float(v) for v in values) or (0.0,) for _name, values in block.series]
    chart.data = chart.data or [(0.0,)]
    chart.categoryAxis.categoryNames = list(block.labels) or ["—"]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7.5
    if len(block.labels) > 6:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    for i in range(len(chart.data)):
        colour = series_colours[i % len(series_colours)]
        if block.kind == "bar":
            chart.bars[i].fillColor = colour
        else:
            chart.lines[i].strokeColor = colour
            chart.lines[i].strokeWidth = 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 14 * mm, 5 * mm
    legend.fontName, legend.fontSize = font, 8
    legend.alignment, legend.columnMaximum = "right", 1
    legend.colorNamePairs = [
        (series_colours[i % len(series_colours)], name) for i, (name, _v) in enumerate(block.series)
    ]
    drawing.add(legend)
    return drawing


# The room (mm) a heading needs below it on the page: itself and the head and first rows of a table, or the first
# lines of a paragraph.
_HEADING_ROOM = 40


def _text(s: str) -> str:
    return escape(s).replace("\n", "<br/>")


def render(document: Document, *, font_file=_DEFAULT) -> bytes:
    """The document as PDF bytes. `font_file` overrides the search (None: the built-in STSong-Light)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        CondPageBreak,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = font_name(font_file)
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK", spaceAfter=4)
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=10)
    heading = ParagraphStyle("heading", parent=base, fontSize=12.5, leading=20, spaceBefore=6, spaceAfter=2)
    cell = ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13, spaceAfter=0)
    figure = ParagraphStyle("figure", parent=cell, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=cell, fontSize=8.5, leading=11)  # a report's narrow columns' names fit
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=22 * mm,
        title=document.title,
        author=document.author,
        subject=document.footer,
        creator="sutiao",
        producer="sutiao (reportlab)",
    )
    story = [Paragraph(_text(document.title), title)]
    for block in document.blocks:
        if isinstance(block, Heading):
            # A heading never ends a page: with less room left than it and a few lines of what follows, it starts
            # the next one (the paragraph, table or chart after it follows it there).
            story += [CondPageBreak(_HEADING_ROOM * mm), Paragraph(_text(block.text), heading)]
        elif isinstance(block, Para):
            story.append(Paragraph(_text(block.text), base))
        elif isinstance(block, TermsTable):
            n = len(block.header)
            fractions = block.widths or tuple(1 / n for _ in range(n))
            widths = [f * doc.width for f in fractions]

            def cells(rows, numeric=block.numeric):
                return [
                    [Paragraph(_text(c), figure if j in numeric else cell) for j, c in enumerate(row)] for row in rows
                ]

            header = [[Paragraph(_text(c), head) for c in block.header]]

            if block.caption:
                caption = Paragraph(_text(block.caption), base)
                _width, line = caption.wrap(doc.width, doc.height)
                _width, needed = Table(header + cells(block.rows[:2]), colWidths=widths).wrap(doc.width, doc.height)
                story += [CondPageBreak(line + base.spaceAfter + 2 * mm + needed), caption]
            table = Table(header + cells(block.rows), colWidths=widths, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 4),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ]
                )
            )
            story += [Spacer(1, 2 * mm), table, Spacer(1, 3 * mm)]
        elif isinstance(block, Chart):
            story += [Spacer(1, 2 * mm), _chart(block, font, doc.width), Spacer(1, 3 * mm)]
        elif isinstance(block, Closing):
            right = ParagraphStyle("closing", parent=base, alignment=TA_RIGHT, leading=24)
            story.append(KeepTogether([Spacer(1, 8 * mm), *(Paragraph(_text(line), right) for line in block.lines)]))
        else:
            raise TypeError(f"unknown block {block!r}")
    if document.signers:
        lines = [Spacer(1, 8 * mm)]
        for signer in document.signers:
            lines.append(
                Paragraph(
                    _text(f"{signer.role}：{signer.name}")
                    + "&nbsp;" * 4
                    + _text("签章：________________")
                    + "&nbsp;" * 4
                    + _text("日期：______年____月____日"),
                    ParagraphStyle("sign", parent=base, leading=30),
                )
            )
        story.append(KeepTogether(lines))
    doc.build(story, canvasmaker=_canvas_maker(document, font))
    return buffer.getvalue()
