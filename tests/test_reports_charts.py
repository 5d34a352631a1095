"""The report charts: pure geometry of the figures, with words for those who cannot see them."""

from __future__ import annotations

from pytest import approx

from casework.reports.charts import (
    MAX_COLUMNS,
    MAX_ROWS,
    Series,
    bar_chart,
    column_chart,
    month_range,
    nice_top,
    periods,
)

A, B = Series("a", "Detained", "#d55e00"), Series("b", "Released", "#0072b2")


def test_nothing_to_draw_is_no_chart():
    assert bar_chart("T", [], [A, B], "people") is None
    assert bar_chart("T", [("Laos", {"a": 0})], [A, B], "people") is None
    assert column_chart("T", [("2025-01", {})], [A, B], "people") is None


def test_horizontal_bars_are_proportional_stacked_and_described():
    chart = bar_chart("People", [("Vietnam", {"a": 1}), ("Cambodia", {"a": 2, "b": 2})], [A, B], "people")
    assert chart is not None
    bars = [r for r in chart.rects if r.tip]  # legend swatches have their label as tip too
    cambodia = [r for r in bars if r.tip.startswith("Cambodia")]
    vietnam = [r for r in bars if r.tip.startswith("Vietnam")]
    assert [r.tip for r in cambodia] == ["Cambodia, detained: 2 people", "Cambodia, released: 2 people"]
    assert cambodia[1].x == round(cambodia[0].x + cambodia[0].width, 1)  # stacked end to end
    assert abs(cambodia[0].width - 2 * vietnam[0].width) < 0.2  # proportional
    assert cambodia[0].y < vietnam[0].y  # the longest bar first
    labels = {t.text for t in chart.texts}
    assert {"Cambodia", "Vietnam", "Detained", "Released", "4", "1", "0"} <= labels
    assert chart.description == "People. Cambodia: 4 (detained 2, released 2); Vietnam: 1 (detained 1)."


def test_many_rows_end_in_one_others_bar():
    rows = [(f"Country {i:02d}", {"a": 100 - i}) for i in range(30)]
    chart = bar_chart("People", rows, [A], "people")
    row_labels = [t.text for t in chart.texts if t.anchor == "end"]
    assert len(row_labels) == MAX_ROWS and row_labels[-1] == "Others (11)"
    assert "Others (11): " + f"{sum(100 - i for i in range(19, 30)):,}" in chart.description


def test_columns_stack_or_stand_side_by_side():
    columns = [("2025-01", {"a": 3, "b": 1}), ("2025-02", {}), ("2025-03", {"b": 2})]
    stacked = column_chart("Moves", columns, [A, B], "people")
    grouped = column_chart("Moves", columns, [A, B], "people", stacked=False)
    jan = [r for r in stacked.rects if r.tip.startswith("2025-01")]
    assert len(jan) == 2 and jan[0].x == jan[1].x and jan[1].y + jan[1].height == approx(jan[0].y)
    jan = [r for r in grouped.rects if r.tip.startswith("2025-01")]
    assert jan[0].x < jan[1].x and jan[0].y + jan[0].height == approx(jan[1].y + jan[1].height)
    assert (
        stacked.description
        == "Moves, 2025-01 to 2025-03. 2025-01: detained 3, released 1; 2025-03: released 2."
    )
    assert {"2025-01", "2025-02", "2025-03", "4"} <= {t.text for t in stacked.texts}


def test_long_spans_are_drawn_by_year_and_the_table_keeps_the_months():
    unit, columns = periods({"2004-11": {"a": 1}, "2006-11": {"b": 1}, "2019-04": {"a": 1}})
    assert unit == "year" and [c for c, _ in columns] == [str(y) for y in range(2004, 2020)]
    assert dict(columns)["2004"] == {"a": 1} and dict(columns)["2010"] == {}
    unit, columns = periods({"2025-11": {"a": 1}, "2026-02": {"a": 2}})
    assert unit == "month" and [c for c, _ in columns] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert periods({}) == ("month", [])
    many = column_chart("T", [(str(i), {"a": 1}) for i in range(MAX_COLUMNS + 4)], [A], "x")
    assert "The 4 earlier ones are in the table." in many.description


def test_scales_and_months():
    assert [nice_top(n) for n in (0, 2, 5, 6, 10, 11, 23, 47, 101, 260)] == [
        5,
        5,
        5,
        10,
        10,
        20,
        25,
        50,
        200,
        500,
    ]
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_range("2025-02", "2025-02") == ["2025-02"]
