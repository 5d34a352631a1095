"""Progress bars and signature charts drawn on the server as SVG geometry (no script, no third party).

Templates draw the shapes from these numbers with SVG attributes only: the Content-Security-Policy forbids
inline styles and scripts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 34


@dataclass
class Chart:
    """What the chart template draws."""

    width: int
    height: int
    points: str  # "x,y x,y ..." of the polyline
    dots: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, tooltip
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    goal_y: float | None = None
    goal_label: str = ""
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    summary: str = ""


def percent(count: int, goal: int | None) -> float:
    """The share of the goal reached, 0 to 100 (a bar never overflows)."""
    if not goal:
        return 0.0
    return round(min(100.0, max(0.0, 100.0 * count / goal)), 2)


def _nice_max(value: int) -> int:
    if value <= 10:
        return 10
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def count_chart(series: list[tuple[date, int]], goal: int | None, what: str = "signatures") -> Chart | None:
    """A line of counts over days (cumulative counts, as entered or summed), with the goal as a line."""
    if not series:
        return None
    series = sorted(series)
    highest = max(v for _, v in series)
    top = _nice_max(max(highest, goal or 0) if goal and goal <= highest * 4 else highest)
    first, last = series[0][0], series[-1][0]
    span = max((last - first).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - min(value, top) / top), 1)

    points = " ".join(f"{x(d)},{y(v)}" for d, v in series)
    dots = [(x(d), y(v), f"{d.isoformat()}: {v:,} {what}") for d, v in series]
    parts = next(n for n in (5, 4, 2, 1) if top % n == 0)  # ticks on round numbers: 0, 2, 4... of 10
    y_ticks = [(y(top * i // parts), f"{top * i // parts:,}") for i in range(parts + 1)]
    x_ticks = [(x(first), first.isoformat())]
    if last != first:
        x_ticks.append((x(last), last.isoformat()))
    goal_y = y(goal) if goal and goal <= top else None
    summary = (
        f"{what.capitalize()} from {first.isoformat()} to {last.isoformat()}: "
        f"{series[0][1]:,} to {series[-1][1]:,}" + (f", goal {goal:,}." if goal else ".")
    )
    return Chart(
        WIDTH,
        HEIGHT,
        points,
        dots,
        y_ticks,
        x_ticks,
        goal_y,
        f"Goal {goal:,}" if goal else "",
        summary=summary,
    )


def cumulative(per_day: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Running totals of per-day numbers."""
    total = 0
    out = []
    for day, n in sorted(per_day):
        total += n
        out.append((day, total))
    return out
