"""Bar charts drawn on the server as SVG geometry: no script, no third party, no inline style.

Pure functions of the figures (no database, no Flask): they return the rectangles, lines and text labels
that `templates/reports/_chart.html` draws with SVG attributes only (the Content-Security-Policy forbids
inline styles and scripts). Every chart has a title and a description in words, each bar a tooltip, and
text labels for its categories, scale and legend; the table under it holds every figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WIDTH = 720
ROW, BAR = 26, 18  # horizontal bars: the height of a row and of its bar
LEGEND_H = 30
MAX_ROWS = 20  # horizontal bars beyond these are summed as one "Others" row
MAX_COLUMNS = 36  # columns beyond these (the earliest) are left to the table
CHAR_W = 6.2  # the width of a character of the 11-12px labels, roughly


@dataclass(frozen=True)
class Series:
    """One kind of figure, with its legend label and colour."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    tip: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle, end
    kind: str = "axis"  # axis, value, legend


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Chart:
    """What the chart template draws."""

    title: str
    description: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def nice_top(value: int) -> int:
    """A round scale maximum at or above `value` (5 at least)."""
    if value <= 5:
        return 5
    if value <= 10:
        return 10
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def _ticks(top: int) -> list[int]:
    parts = next(n for n in (5, 4, 2, 1) if top % n == 0)
    return [top * i // parts for i in range(parts + 1)]


def _legend(series: Sequence[Series], left: float) -> tuple[list[Rect], list[Text]]:
    rects, texts, x = [], [], left
    for s in series:
        rects.append(Rect(x, 8, 12, 12, s.colour, s.label))
        texts.append(Text(x + 17, 18.5, s.label, kind="legend"))
        x += 17 + len(s.label) * CHAR_W + 18
    return rects, texts


def _total(values: Mapping[str, int], series: Sequence[Series]) -> int:
    return sum(values.get(s.key, 0) for s in series)


def _words(values: Mapping[str, int], series: Sequence[Series]) -> str:
    return ", ".join(f"{s.label.lower()} {values.get(s.key, 0):,}" for s in series if values.get(s.key, 0))


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[Series],
    what: str,
) -> Chart | None:
    """Horizontal bars, one per row (a country, an office), each stacked by series, longest first; the rows
    beyond MAX_ROWS are summed as one "Others" bar."""
    rows = sorted(
        ((label, values) for label, values in rows if _total(values, series)),
        key=lambda r: -_total(r[1], series),
    )
    if not rows:
        return None
    if len(rows) > MAX_ROWS:
        rest = rows[MAX_ROWS - 1 :]
        merged = {s.key: sum(v.get(s.key, 0) for _, v in rest) for s in series}
        rows = rows[: MAX_ROWS - 1] + [(f"Others ({len(rest)})", merged)]
    label_w = min(220.0, max(len(label) for label, _ in rows) * CHAR_W + 12)
    left, right = label_w + 8, WIDTH - 48
    top = nice_top(max(_total(v, series) for _, v in rows))
    height = LEGEND_H + ROW * len(rows) + 28
    bottom = LEGEND_H + ROW * len(rows)

    def x(value: float) -> float:
        return round(left + (right - left) * value / top, 1)

    chart = Chart(title, "", WIDTH, height)
    for tick in _ticks(top):
        chart.lines.append(Line(x(tick), LEGEND_H - 4, x(tick), bottom))
        chart.texts.append(Text(x(tick), bottom + 16, f"{tick:,}", "middle"))
    lines = []
    for i, (label, values) in enumerate(rows):
        y = LEGEND_H + i * ROW + (ROW - BAR) / 2
        chart.texts.append(Text(left - 8, y + BAR / 2 + 4, _clip(label, label_w), "end"))
        done = 0
        for s in series:
            n = values.get(s.key, 0)
            if n:
                tip = f"{label}, {s.label.lower()}: {n:,} {what}"
                chart.rects.append(Rect(x(done), y, x(done + n) - x(done), BAR, s.colour, tip))
                done += n
        chart.texts.append(Text(x(done) + 5, y + BAR / 2 + 4, f"{done:,}", kind="value"))
        lines.append(f"{label}: {done:,} ({_words(values, series)})")
    legend_rects, legend_texts = _legend(series, left)
    chart.rects += legend_rects
    chart.texts += legend_texts
    chart.description = f"{title}. " + "; ".join(lines) + "."
    return chart


def column_chart(
    title: str,
    columns: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[Series],
    what: str,
    stacked: bool = True,
) -> Chart | None:
    """Vertical bars, one column per period in order (months, years), the series stacked or side by side;
    only the last MAX_COLUMNS columns are drawn (the description says so)."""
    if not columns or not any(_total(v, series) for _, v in columns):
        return None
    left_out = max(0, len(columns) - MAX_COLUMNS)
    columns = columns[left_out:]
    left, right, plot_top, height = 48, WIDTH - 12, LEGEND_H + 8, 270
    bottom = height - 34
    highest = max(_total(v, series) if stacked else max(v.get(s.key, 0) for s in series) for _, v in columns)
    top = nice_top(highest)
    band = (right - left) / len(columns)

    def y(value: float) -> float:
        return round(bottom - (bottom - plot_top) * value / top, 1)

    chart = Chart(title, "", WIDTH, height)
    for tick in _ticks(top):
        chart.lines.append(Line(left, y(tick), right, y(tick)))
        chart.texts.append(Text(left - 6, y(tick) + 4, f"{tick:,}", "end"))
    every = math.ceil(len(columns) / 12)
    lines = []
    for i, (label, values) in enumerate(columns):
        x0 = left + i * band
        if i % every == 0 or len(columns) <= 12:
            chart.texts.append(Text(round(x0 + band / 2, 1), bottom + 16, label, "middle"))
        if stacked:
            _stack(chart, series, values, label, what, x0 + band * 0.15, band * 0.7, y)
            total = _total(values, series)
            if total and band >= 3 * CHAR_W:
                chart.texts.append(
                    Text(round(x0 + band / 2, 1), y(total) - 4, f"{total:,}", "middle", "value")
                )
        else:
            width = band * 0.8 / len(series)
            for j, s in enumerate(series):
                n = values.get(s.key, 0)
                if n:
                    x = round(x0 + band * 0.1 + j * width, 1)
                    tip = f"{label}, {s.label.lower()}: {n:,} {what}"
                    chart.rects.append(Rect(x, y(n), round(width, 1), y(0) - y(n), s.colour, tip))
                    if width >= 2 * CHAR_W:
                        chart.texts.append(
                            Text(round(x + width / 2, 1), y(n) - 4, f"{n:,}", "middle", "value")
                        )
        if _total(values, series):
            lines.append(f"{label}: {_words(values, series)}")
    legend_rects, legend_texts = _legend(series, left)
    chart.rects += legend_rects
    chart.texts += legend_texts
    first, last = columns[0][0], columns[-1][0]
    earlier = f" The {left_out} earlier ones are in the table." if left_out else ""
    nothing = "" if lines else " Nothing to count."
    chart.description = f"{title}, {first} to {last}. " + "; ".join(lines) + "." + nothing + earlier
    return chart


def _stack(chart: Chart, series, values, label: str, what: str, x: float, width: float, y) -> None:
    done = 0
    for s in series:
        n = values.get(s.key, 0)
        if n:
            tip = f"{label}, {s.label.lower()}: {n:,} {what}"
            chart.rects.append(
                Rect(round(x, 1), y(done + n), round(width, 1), y(done) - y(done + n), s.colour, tip)
            )
            done += n


def _clip(label: str, width: float) -> str:
    most = max(4, int((width - 12) / CHAR_W))
    return label if len(label) <= most else label[: most - 1] + "…"


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), both included."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def periods(by_month: Mapping[str, Mapping[str, int]]) -> tuple[str, list[tuple[str, dict[str, int]]]]:
    """The columns of a chart over time: every month from the first to the last (empty months too), or every
    year when that would be more than MAX_COLUMNS months. Returns ("month" or "year", columns)."""
    if not by_month:
        return "month", []
    months = month_range(min(by_month), max(by_month))
    if len(months) <= MAX_COLUMNS:
        return "month", [(m, dict(by_month.get(m, {}))) for m in months]
    years: dict[str, dict[str, int]] = {
        str(y): {} for y in range(int(months[0][:4]), int(months[-1][:4]) + 1)
    }
    for month, values in by_month.items():
        year = years[month[:4]]
        for key, n in values.items():
            year[key] = year.get(key, 0) + n
    return "year", list(years.items())
