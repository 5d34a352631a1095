"""Declarative base, naming convention, shared column types and mixins."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite keeps no offset
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_cls: type[enum.StrEnum], **kwargs) -> sa.Enum:
    """A portable VARCHAR column for a StrEnum, storing the member values."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum_cls) + 10,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        **kwargs,
    )


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members carry a human label (value with underscores turned into words)."""

    @property
    def english_label(self) -> str:
        """The label in English, the message id (every one is listed in models/enum_labels.py for the catalog)."""
        return self.value.replace("_", " ").capitalize()

    @property
    def label(self) -> str:
        """The label in the request's language (English outside a request)."""
        return gettext(self.english_label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class TimestampMixin:
    """created_at / updated_at, set by the application in UTC."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def differing_fields(obj: object, values: dict) -> list[str]:
    """Names of the attributes whose stored value differs from `values` (the fields of an edit conflict)."""
    return [name for name, value in values.items() if getattr(obj, name) != value]


def apply_changes(obj: object, values: dict) -> list[str]:
    """Set attributes from `values` and return the names of those whose value actually changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


class DatePrecision(LabelledEnum):
    """How much of a date is known: history is often remembered to the year or the month only."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


def partial_date_text(day, precision: str | None) -> str:
    """A date as far as it is known: "1996", "1996-04", "1996-04-12"; "" for no date."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()
