"""Dates known to the year, the month or the day: a form field, the from–to check, and the pure helpers the
sections and the case file share.

History is often remembered vaguely ("Stockton, at nine", "Lynn from 1996"): the user types "1996", "1996-04"
or "1996-04-12" and the record keeps the first day of that year or month with a DatePrecision beside it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from wtforms import StringField
from wtforms.validators import ValidationError

from casework import clock
from casework.forms import BaseForm
from casework.models.base import DatePrecision, partial_date_text

FORMAT_MESSAGE = "Type the year (1996), the month (1996-04) or the day (1996-04-12)."
EARLIEST_YEAR = 1900
PLACEHOLDER = "1996, 1996-04 or 1996-04-12"
_PATTERN = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class PartialDate(NamedTuple):
    """A date as far as it is known; (None, None) when nothing is known."""

    day: date | None
    precision: DatePrecision | None

    @property
    def text(self) -> str:
        """ "1996", "1996-04", "1996-04-12", or "" (see casework.models.base.partial_date_text)."""
        return partial_date_text(self.day, self.precision)

    def __str__(self) -> str:
        return self.text


UNKNOWN = PartialDate(None, None)


def parse_partial_date(text: str | None, today: date | None = None) -> PartialDate:
    """ "1996" -> (1996-01-01, year); "1996-04" -> (1996-04-01, month); "1996-04-12" -> (that day, day).

    Raises ValueError with a message that says what to type."""
    text = (text or "").strip()
    if not text:
        return UNKNOWN
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(FORMAT_MESSAGE)
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    today = today or clock.today()
    if not EARLIEST_YEAR <= year <= today.year:
        raise ValueError(f"Type a year from {EARLIEST_YEAR} to {today.year}, for example 1996.")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"Type the month as 01 to 12, for example {year}-04. " + FORMAT_MESSAGE)
    try:
        first = date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        raise ValueError(
            f"{text} is not a day of the calendar: type a real day, or only the month ({year}-{month:02d})."
        ) from None
    if first > today:
        raise ValueError("This date is in the future: type a year, month or day up to today.")
    precision = (
        DatePrecision.DAY
        if day is not None
        else DatePrecision.MONTH
        if month is not None
        else DatePrecision.YEAR
    )
    return PartialDate(first, precision)


def normalized(day: date | None, precision: DatePrecision | None) -> PartialDate:
    """The stored form of a partial date: the first day of its year or month; a date without a precision is
    known to the day; no date, no precision."""
    if day is None:
        return UNKNOWN
    precision = precision or DatePrecision.DAY
    if precision == DatePrecision.YEAR:
        day = day.replace(month=1, day=1)
    elif precision == DatePrecision.MONTH:
        day = day.replace(day=1)
    return PartialDate(day, precision)


_RANK = {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1, DatePrecision.DAY: 2}


def _truncated(value: PartialDate, precision: DatePrecision) -> tuple[int, ...]:
    day = value.day or date.min
    parts = (day.year, day.month, day.day)
    return parts[: _RANK[precision] + 1]


def in_order(start: PartialDate, end: PartialDate) -> bool:
    """Whether `start` is not after `end`, compared at the coarser of the two precisions ("1996" to
    "1996-04" is in order); true when either is unknown."""
    if start.day is None or end.day is None:
        return True
    coarser = min(
        start.precision or DatePrecision.DAY, end.precision or DatePrecision.DAY, key=_RANK.__getitem__
    )
    return _truncated(start, coarser) <= _truncated(end, coarser)


def span_text(start: PartialDate, end: PartialDate) -> str:
    """ "1981–1983", "from 1996", "until 2004-11", or "" when neither end is known."""
    if start.day and end.day:
        return f"{start.text}–{end.text}"
    if start.day:
        return f"from {start.text}"
    if end.day:
        return f"until {end.text}"
    return ""


class PartialDateField(StringField):
    """A date typed as a year, a month or a day; `data` is a PartialDate (UNKNOWN when left empty)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": PLACEHOLDER, "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def process_data(self, value):
        self.data = value if isinstance(value, PartialDate) else UNKNOWN

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        try:
            self.data = parse_partial_date(self.raw_text)
        except ValueError as exc:
            self.data = UNKNOWN
            raise ValueError(str(exc)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.text if isinstance(self.data, PartialDate) else ""


class FromToForm(BaseForm):
    """A form with a from–to pair of partial dates stored as from_on/from_precision and to_on/to_precision.

    Built from a record (obj=...), it reads both dates with their precisions; `dates()` gives the four
    attributes for the record; the end may not come before the start (at the coarser precision)."""

    ORDER_MESSAGE = "The end ({end}) is before the start ({start}): check both dates."

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            self["from_on"].data = normalized(obj.from_on, obj.from_precision)
            self["to_on"].data = normalized(obj.to_on, obj.to_precision)

    def validate_to_on(self, field) -> None:
        start, end = self["from_on"].data, field.data
        if isinstance(start, PartialDate) and isinstance(end, PartialDate) and not in_order(start, end):
            raise ValidationError(self.ORDER_MESSAGE.format(start=start.text, end=end.text))

    def dates(self) -> dict:
        """The four date attributes of the record."""
        start, end = self["from_on"].data, self["to_on"].data
        return {
            "from_on": start.day,
            "from_precision": start.precision,
            "to_on": end.day,
            "to_precision": end.precision,
        }


def dates_conflict(item: object, values: dict) -> dict:
    """Under each date field of a conflict, the saved partial date as text (not its first day)."""
    for name in ("from", "to"):
        if f"{name}_on" in values or f"{name}_precision" in values:
            values.pop(f"{name}_precision", None)
            saved = normalized(getattr(item, f"{name}_on"), getattr(item, f"{name}_precision"))
            values[f"{name}_on"] = saved.text or None
    return values
