"""CSV cells that spreadsheets will not run as formulas."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for a CSV cell: labels for choices, and a leading quote before anything a spreadsheet would
    evaluate (=, +, -, @, tab, carriage return)."""
    text = "" if value is None else (value.label if hasattr(value, "label") else str(value))
    if text[:1] in FORMULA_STARTS:
        text = "'" + text
    return text
