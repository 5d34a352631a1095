"""The JSON case file every case section writes its part of, and reads back at import.

A case file is {"format": "casework-case", "version": 1, "exported_at": ..., "case_number": ..., and one key
or more per section}. Records refer to each other by "ref" numbers (`Refs`), never by database ids, so that a
re-export of an imported case is identical. Links to users (leads, assignees, authors) belong to the exporting
organization: they are written as names for the reader and never imported.

`dump` writes a model's fields; `read` checks and converts a record's fields from the model's own column types
(enums by value, dates between FIRST_DAY and LAST_DAY, whole numbers within the column's range or the narrower
one BOUNDS gives, text within the column's length and without control characters), so that no value a file
carries reaches the database unchecked, on SQLite (which checks no length) as on PostgreSQL. Every problem is a
CaseFileRejected whose message starts with the path of the value in the file:
"relief_applications[0].steps[2].position: must be a whole number between 1 and 10,000."
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa

from casework.errors import OperationError
from casework.forms import CONTROL_CHARACTERS
from casework.models import Person, User

FORMAT = "casework-case"
VERSION = 1
TEXT_LIMIT = 20_000  # a Text column's longest value in a case file
INTEGER_LIMIT = 2**31 - 1  # an Integer column, on PostgreSQL as on SQLite
BIG_INTEGER_LIMIT = 2**63 - 1
MAX_RECORDS = 10_000  # records in one list: more is not a case, and would hold a worker for minutes
# Dates a case can hold: date arithmetic (schedules, clocks) stays far from the calendar's ends.
FIRST_DAY, LAST_DAY = date(1800, 1, 1), date(2199, 12, 31)
# Whole numbers whose meaning is narrower than their column ("table.column": (least, most)), as the forms have it.
BOUNDS = {
    "relief_step.position": (1, 10_000),
    "relief_step.anchor_position": (1, 10_000),
    "relief_step.offset_days": (-3650, 3650),
    "petition.goal": (1, 10_000_000),
    "petition_count.count": (0, 1_000_000_000),
    "petition_delivery.signature_count": (0, 1_000_000_000),
    "document.size": (0, INTEGER_LIMIT),
}
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_TIME = re.compile(r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")


class CaseFileRejected(OperationError):
    """The case file cannot be imported; the message says where the problem is."""


def rejected(path: str, problem: str) -> CaseFileRejected:
    """The refusal of the value at `path` ("person.birth_date"), saying what it must be."""
    return CaseFileRejected(f"{path}: {problem}")


def kind_of(value: object) -> str:
    """What a JSON value is, in words ("a list", "text")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def dump_value(value: Any) -> Any:
    """A model value as JSON."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def dump(obj: object, fields: Iterable[str]) -> dict:
    """The listed fields of a model object."""
    return {name: dump_value(getattr(obj, name)) for name in fields}


def bounds_of(column: sa.Column) -> tuple[int, int]:
    """The whole numbers an Integer column takes from a case file."""
    if str(column) in BOUNDS:
        return BOUNDS[str(column)]
    limit = BIG_INTEGER_LIMIT if isinstance(column.type, sa.BigInteger) else INTEGER_LIMIT
    return -limit, limit


def whole_number(value: object, path: str, least: int, most: int) -> int:
    """An integer within [least, most] (never a float, a boolean or text)."""
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise rejected(path, f"must be a whole number between {least:,} and {most:,}.")
    return value


def text(value: object, path: str, limit: int = TEXT_LIMIT) -> str:
    """Text of at most `limit` characters, without control characters."""
    if not isinstance(value, str):
        raise rejected(path, f"must be text, not {kind_of(value)}.")
    if len(value) > limit:
        raise rejected(path, f"must be at most {limit:,} characters (it has {len(value):,}).")
    if CONTROL_CHARACTERS.search(value):
        raise rejected(path, "must not contain control characters such as NUL.")
    return value


def day(value: object, path: str) -> date:
    """A date written YYYY-MM-DD, between FIRST_DAY and LAST_DAY."""
    problem = f"must be a date (YYYY-MM-DD) between {FIRST_DAY} and {LAST_DAY}."
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        raise rejected(path, problem)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise rejected(path, problem) from None
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise rejected(path, problem)
    return parsed


def moment(value: object, path: str) -> datetime:
    """A date and time in ISO 8601 (UTC when it gives no offset), in the years FIRST_DAY to LAST_DAY."""
    problem = f"must be a date and time (ISO 8601) between {FIRST_DAY.year} and {LAST_DAY.year}."
    if not isinstance(value, str) or len(value) > 40 or not ISO_DAY.match(value):
        raise rejected(path, problem)
    try:
        parsed = datetime.fromisoformat(value)
        if not FIRST_DAY <= parsed.date() <= LAST_DAY:
            raise ValueError
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise rejected(path, problem) from None


def time_of_day(value: object, path: str) -> time:
    """A time of day, HH:MM or HH:MM:SS."""
    try:
        if not isinstance(value, str) or not ISO_TIME.fullmatch(value):
            raise ValueError
        return time.fromisoformat(value)
    except ValueError:
        raise rejected(path, "must be a time of day (HH:MM).") from None


def one_of(value: object, path: str, allowed: Iterable[str]) -> str:
    """One of a closed set of words."""
    words = sorted(allowed)
    if not isinstance(value, str) or value not in words:
        raise rejected(path, f"must be one of: {', '.join(words)}.")
    return value


def value_of(column: sa.Column, value: object, path: str) -> Any:
    """A JSON value as the column's Python value, checked against the column's type; CaseFileRejected says
    what the value at `path` must be."""
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(one_of(value, path, [m.value for m in kind.enum_class]))
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise rejected(path, f"must be true or false, not {kind_of(value)}.")
        return value
    if isinstance(kind, sa.Integer):
        return whole_number(value, path, *bounds_of(column))
    if isinstance(kind, sa.Float | sa.Numeric):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise rejected(path, "must be a number.")
        return value
    python_type = getattr(kind, "impl", kind)
    if isinstance(python_type, sa.DateTime):
        return moment(value, path)
    if isinstance(python_type, sa.Date):
        return day(value, path)
    if isinstance(python_type, sa.Time):
        return time_of_day(value, path)
    return text(value, path, getattr(python_type, "length", None) or TEXT_LIMIT)


def field_value(model: type, name: str, value: object, path: str) -> Any:
    """A JSON value checked and converted as the model's column `name` takes it (see value_of)."""
    columns: Any = sa.inspect(model).columns
    return value_of(columns[name], value, path)


def obj(value: object, path: str) -> dict:
    """A JSON object."""
    if not isinstance(value, dict):
        raise rejected(path, f"must be an object, not {kind_of(value)}.")
    return value


def blank(value: object) -> bool:
    """Absent, null, or text of spaces only (what a form leaves empty)."""
    return value is None or (isinstance(value, str) and not value.strip())


def read(
    model: type, record: object, fields: Iterable[str], where: str, required: Iterable[str] = ()
) -> dict:
    """Check and convert one record's fields for `model`; CaseFileRejected says where a problem is."""
    record = obj(record, where)
    columns: Any = sa.inspect(model).columns
    required = set(required)
    out = {}
    for name in fields:
        value = record.get(name)
        if blank(value):
            if name in required:
                raise rejected(f"{where}.{name}", "is required.")
            continue  # absent: the column's default applies
        out[name] = value_of(columns[name], value, f"{where}.{name}")
    return out


def records(data: dict, key: str, where: str = "", what: str = "a list") -> list:
    """The list a case file holds under `key` of the object at `where` (an empty list when absent)."""
    value = data.get(key)
    path = f"{where}.{key}" if where else key
    if value is None:
        return []
    if not isinstance(value, list):
        raise rejected(path, f"must be {what}, not {kind_of(value)}.")
    if len(value) > MAX_RECORDS:
        raise rejected(path, f"holds {len(value):,} records; a case file holds at most {MAX_RECORDS:,}.")
    return value


def check_strings(value: object, path: str = "") -> None:
    """Refuse a control character (NUL above all, which PostgreSQL cannot store) in any string of the file, key
    or value, before any section reads it. The file's nesting is bounded before it is parsed."""
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            raise rejected(path or "The case file", "must not contain control characters such as NUL.")
    elif isinstance(value, dict):
        for key, item in value.items():
            if CONTROL_CHARACTERS.search(key):
                raise rejected(
                    path or "The case file", "a key must not contain control characters such as NUL."
                )
            check_strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_strings(item, f"{path}[{i}]")


@dataclass
class Refs:
    """The ref numbers that tie records of one case file together, by kind ("conviction", "contact")."""

    numbers: dict[str, dict[int, int]] = field(default_factory=dict)  # export: kind -> {db id: ref}
    objects: dict[str, dict[int, Any]] = field(default_factory=dict)  # import: kind -> {ref: object}

    def number(self, kind: str, db_id: int) -> int:
        """The ref of a database row, given on first use (export)."""
        numbers = self.numbers.setdefault(kind, {})
        return numbers.setdefault(db_id, len(numbers))

    def existing(self, kind: str, db_id: int | None) -> int | None:
        """The ref a database row was given, if any (export)."""
        return None if db_id is None else self.numbers.get(kind, {}).get(db_id)

    def remember(self, kind: str, ref: object, obj: Any, path: str) -> None:
        """What a ref stands for in the new case (import); `path` is where the file gives the ref."""
        number = _ref(ref, path)
        known = self.objects.setdefault(kind, {})
        if number in known:
            raise rejected(path, f"another {kind.replace('_', ' ')} already has ref {number}.")
        known[number] = obj

    def resolve(self, kind: str, ref: object, path: str) -> Any:
        """The object a ref stands for (import); CaseFileRejected, naming `path`, when it points nowhere."""
        number = _ref(ref, path)
        found = self.objects.get(kind, {})
        if number not in found:
            raise rejected(path, f"points nowhere: no {kind.replace('_', ' ')} of the file has ref {number}.")
        return found[number]


def _ref(ref: object, path: str) -> int:
    if isinstance(ref, bool) or not isinstance(ref, int):
        raise rejected(path, f"must be a ref (a whole number), not {kind_of(ref)}.")
    return whole_number(ref, path, 0, INTEGER_LIMIT)


@dataclass
class Writing:
    """What a section needs to write its part: the case, the reader's user (what they may see), the refs, and,
    for a bundle, the files to add beside the JSON (by name)."""

    person: Person
    user: User
    refs: Refs = field(default_factory=Refs)
    bundle: bool = False
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Reading:
    """What a section needs to read its part back: the new case, the importing user, the file, the refs, and
    the files of a bundle (by name; empty for a plain JSON file)."""

    person: Person
    user: User
    data: dict
    refs: Refs = field(default_factory=Refs)
    files: dict[str, bytes] = field(default_factory=dict)
