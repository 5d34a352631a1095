"""The JSON case file every case section writes its part of, and reads back at import.

A case file is {"format": "casework-case", "version": 1, "exported_at": ..., "case_number": ..., and one key
or more per section}. Records refer to each other by "ref" numbers (`Refs`), never by database ids, so that a
re-export of an imported case is identical. Links to users (leads, assignees, authors) belong to the exporting
organization: they are written as names for the reader and never imported.

`dump` writes a model's fields; `read` checks and converts a record's fields from the model's own column types
(enums by value, dates, whole numbers within range, text within the column's length), so that no value a file
carries can reach the database unchecked. Every problem is a CaseFileRejected that says where it is.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa

from casework.errors import OperationError
from casework.models import Person, User

FORMAT = "casework-case"
VERSION = 1
TEXT_LIMIT = 20_000  # a Text column's longest value in a case file
INTEGER_LIMIT = 2**31 - 1


class CaseFileRejected(OperationError):
    """The case file cannot be imported; the message says where the problem is."""


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


def _convert(column: sa.Column, value: Any) -> Any:
    """A JSON value as the column's Python value; ValueError when it is not one."""
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise ValueError
        return value
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > INTEGER_LIMIT:
            raise ValueError
        return value
    if isinstance(kind, sa.Float | sa.Numeric):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError
        return value
    if not isinstance(value, str):
        raise ValueError
    python_type = getattr(kind, "impl", kind)
    if isinstance(python_type, sa.DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(python_type, sa.Date):
        return date.fromisoformat(value)
    if isinstance(python_type, sa.Time):
        return time.fromisoformat(value)
    limit = getattr(python_type, "length", None) or TEXT_LIMIT
    if len(value) > limit or "\x00" in value:
        raise ValueError
    return value


def read(
    model: type, record: object, fields: Iterable[str], where: str, required: Iterable[str] = ()
) -> dict:
    """Check and convert one record's fields for `model`; CaseFileRejected says where a problem is."""
    if not isinstance(record, dict):
        raise CaseFileRejected(f"{where}: expected an object.")
    columns: Any = sa.inspect(model).columns
    required = set(required)
    out = {}
    for name in fields:
        value = record.get(name)
        if value is None or value == "":
            if name in required:
                raise CaseFileRejected(f"{where}: “{name}” is required.")
            continue  # absent: the column's default applies
        try:
            out[name] = _convert(columns[name], value)
        except (ValueError, TypeError, OverflowError):
            raise CaseFileRejected(f"{where}: “{name}” has a value this version cannot read.") from None
    return out


def records(data: dict, key: str) -> list:
    """The list a case file holds under `key` (an empty list when absent)."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseFileRejected(f"“{key}” must be a list.")
    return value


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

    def remember(self, kind: str, ref: object, obj: Any, where: str) -> None:
        """What a ref stands for in the new case (import)."""
        if isinstance(ref, bool) or not isinstance(ref, int):
            raise CaseFileRejected(f"{where}: “ref” must be a whole number.")
        self.objects.setdefault(kind, {})[ref] = obj

    def resolve(self, kind: str, ref: object, where: str, key: str | None = None) -> Any:
        """The object a ref stands for (import); CaseFileRejected, naming the file's `key`, when it points
        nowhere."""
        found = self.objects.get(kind, {})
        if isinstance(ref, bool) or not isinstance(ref, int) or ref not in found:
            raise CaseFileRejected(f"{where}: {key or kind + ' ref'} points nowhere.")
        return found[ref]


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
    saved_files: list[str] = field(default_factory=list)  # stored files to remove if the import fails
