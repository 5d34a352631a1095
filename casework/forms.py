"""The base form and the field types and validators every feature shares."""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from typing import Any, cast

from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import IntegerField as _WTFormsIntegerField
from wtforms.fields.choices import Choice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import Select

from casework import clock
from casework.i18n import _l, current_locale, gettext

# Row ids and counts are 32-bit integers on PostgreSQL: a larger number is "not found", never an overflow.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"-?[0-9]{1,18}")  # ASCII only: str.isdigit() and int() also take "²" or "٣"


def parse_int(value, low: int = -MAX_ID, high: int = MAX_ID) -> int | None:
    """A whole number typed in ASCII digits (an optional minus) within low..high; None for anything else."""
    text = value.strip() if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(value) -> int | None:
    """A row id from a request (path, query, form or session): 1..2**31-1 in ASCII digits, else None."""
    return parse_int(value, 1, MAX_ID)


def coerce_id(value) -> int:
    """`coerce` for select fields whose values are row ids; ValueError (a form message) for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    number = parse_id(value)
    if number is None:
        raise ValueError("Choose one of the options in the list.")
    return number


def row_id(form, field) -> None:
    """Validator: the value is a row id (a choice from a list whose choices are not all loaded)."""
    if field.data not in (None, "") and coerce_id_or_none(field.data) is None:
        raise ValidationError(gettext("Choose one of the options in the list."))


def coerce_id_or_none(value) -> int | None:
    """coerce_id, with None instead of an error."""
    try:
        return coerce_id(value)
    except ValueError:
        return None


# Every date typed or kept in a filter lies in this range, so that a day or a year added to one never
# overflows (date.max + 1 day is an OverflowError) and every database stores it.
FIRST_DAY = date(1800, 1, 1)
LAST_DAY = date(2199, 12, 31)
DAY_RANGE_MESSAGE = "Type a date between 1800-01-01 and 2199-12-31."


def iso_day(value) -> date | None:
    """A YYYY-MM-DD date in ASCII digits (a date object as it is); None for anything else."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip().isascii():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_day(value) -> date | None:
    """A YYYY-MM-DD date within FIRST_DAY..LAST_DAY (a date object is checked too); None for anything else."""
    day = iso_day(value)
    return day if day is not None and FIRST_DAY <= day <= LAST_DAY else None


def day_after(day: date) -> date:
    """The next day, saturating at date.max (an end date as an exclusive bound without overflow)."""
    return day + timedelta(days=1) if day < date.max else day


def options(pairs) -> list[SelectChoice]:
    """Choices for a select field from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def strip_or_none(value):
    """Trim text input; an empty answer is stored as NULL."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = _l(
    "Remove the invisible control characters from this text (they often come with "
    "pasted text), then save again."
)


def _blank_whitespace(form, formdata):
    """The submitted values with whitespace-only answers made empty (passwords are left as typed).

    Done before any field sees them, so that "   " is empty for InputRequired, Optional and every select,
    exactly as an untouched field is: a required date of three spaces is asked for again, never stored."""
    if formdata is None or not hasattr(formdata, "lists"):
        return formdata
    keep = {f.name for f in form if isinstance(f, PasswordField)}
    blanked = MultiDict()
    for key, values in formdata.lists():
        for value in values:
            if isinstance(value, str) and key not in keep and value.strip() == "" and value:
                value = ""
            blanked.add(key, value)
    return blanked


class BaseForm(FlaskForm):
    """Every form: CSRF on, text trimmed, whitespace-only answers empty, empty text turned into None, no
    control characters.

    PostgreSQL cannot store NUL, and no name, note or date belongs with a control character in it.
    """

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then no control characters in any text typed."""
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
                message = str(CONTROL_MESSAGE)
                if message not in field.errors:
                    field.errors = [*field.errors, message]
                valid = False
        return valid

    @classmethod
    def checked_filters(cls, stored, keys) -> dict[str, str]:
        """Filters kept in the session, validated again as they are read: a value that does not pass now
        (kept by an older version, or by a bug) is dropped, so that the page shows instead of failing."""
        if not isinstance(stored, dict):
            return {}
        given = {key: value for key in keys if isinstance(value := stored.get(key), str) and value}
        if not given:
            return {}  # nothing kept: no form to build and check
        passing = _passing_filters(cast(Any, cls), tuple(sorted(given.items())), current_locale())
        return {key: value for key, value in given.items() if key in passing}

    class Meta:
        def wrap_formdata(self, form, formdata):
            return _blank_whitespace(form, super().wrap_formdata(form, formdata))

        def bind_field(self, form, unbound_field, options):
            cls = unbound_field.field_class
            if issubclass(cls, StringField) and not issubclass(cls, (PasswordField, HiddenField)):
                options["filters"] = (strip_or_none, *unbound_field.kwargs.get("filters", ()))
            plain_select = type(getattr(cls, "widget", None)) is Select and not cls.widget.multiple
            if plain_select and "widget" not in unbound_field.kwargs:
                options["widget"] = KEPT_OPTIONS_SELECT
            return unbound_field.bind(form=form, **options)


@functools.lru_cache(maxsize=1024)
def _passing_filters(form_class: Any, given: tuple[tuple[str, str], ...], locale: str) -> frozenset:
    """The keys of `given` that pass `form_class`'s checks. Kept per process: the checks depend on the values
    and the language only, and a list reads its filters back on every load (a form built and validated
    each time was a fifth of a kept people list page)."""
    form = form_class(formdata=MultiDict(given), meta={"csrf": False})
    form.validate()
    return frozenset(key for key, _ in given if key in form and not form[key].errors)


class KeptOptionsSelect(Select):
    """WTForms' select, with each option's markup made once and kept: the same choices shown again (the
    people list's filters, on every load) are looked up instead of having their attributes built and their
    labels escaped again. Kept by value, label as shown (so per language) and whether it is the chosen one."""

    @classmethod
    def _dispatch_render_option(cls):
        return cls.render_option  # WTForms inspects the signature on every render; this one is known

    @classmethod
    def render_option(cls, choice, **kwargs):
        """The option's markup: kept when it has no attributes of its own."""
        label = choice.label or choice.value
        if kwargs or choice.render_kw or not isinstance(choice.value, str) or isinstance(label, Markup):
            return super().render_option(choice, **kwargs)
        return _option_markup(choice.value, str(label), bool(choice.selected))  # str(): translated now


@functools.lru_cache(maxsize=4096)
def _option_markup(value: str, label: str, selected: bool) -> Markup:
    return Select.render_option(Choice(value, label, selected, None))


KEPT_OPTIONS_SELECT = KeptOptionsSelect()


class LinesField(TextAreaField):
    """A text area holding one item per line; blank lines and surrounding spaces are dropped."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            lines = [line.strip() for line in self.data.splitlines()]
            self.data = "\n".join(line for line in lines if line) or None


class DayField(DateField):
    """A calendar date (HTML date input) within FIRST_DAY..LAST_DAY, with a message that says what to type.

    A date outside the range is refused after the field's own validators, whose message (a narrower
    range, "not in the future") says more."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            self.data = iso_day(valuelist[0])
            if self.data is None:
                raise ValueError("Type the date as YYYY-MM-DD, for example 2009-04-30.")
        else:
            self.data = None

    def post_validate(self, form, validation_stopped):
        if self.data is not None and parse_day(self.data) is None and not self.errors:
            self.errors.append(DAY_RANGE_MESSAGE)


class IntegerField(_WTFormsIntegerField):
    """A whole number in ASCII digits within `low`..`high` (by default what a database integer holds)."""

    def __init__(self, label=None, validators=None, low: int = -MAX_ID, high: int = MAX_ID, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            self.data = parse_int(valuelist[0], self.low, self.high)
            if self.data is None:
                raise ValueError(f"Type a whole number from {self.low} to {self.high}.")
        else:
            self.data = None


class IdField(IntegerField):
    """A row id typed by hand (a case number): 1..2**31-1."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, low=1, high=MAX_ID, **kwargs)


A_NUMBER_MESSAGE = (
    "Type the A-number as 8 or 9 digits, with or without the leading A and dashes "
    "(for example A012-345-678 or 12345678)."
)


def normalize_a_number(raw: str | None) -> str | None:
    """'A 012-345-678' -> '012345678'; None when it is not 8 or 9 digits."""
    if not raw:
        return None
    text = re.sub(r"[\s\-.]", "", raw.strip())
    if text[:1] in ("A", "a"):
        text = text[1:]
    if not re.fullmatch(r"\d{8,9}", text):
        return None
    return text.zfill(9)


class ANumberField(StringField):
    """An Alien Registration Number, stored as 9 digits."""

    def post_validate(self, form, validation_stopped):
        if self.data and not self.errors:
            normalized = normalize_a_number(self.data)
            if normalized is None:
                self.errors.append(A_NUMBER_MESSAGE)
            else:
                self.data = normalized


class NotInFuture:
    """A date that cannot be later than today."""

    def __init__(self, what: str = "This date"):
        self.what = what

    def __call__(self, form, field):
        if field.data and field.data > clock.today():
            raise ValidationError(
                gettext("%(what)s cannot be in the future; type a date on or before today.", what=self.what)
            )


class NotBefore:
    """A date that cannot precede another field's date."""

    def __init__(self, other: str, message: str):
        self.other = other
        self.message = message

    def __call__(self, form, field):
        other = form[self.other].data
        if field.data and other and field.data < other:
            raise ValidationError(self.message)


class NotInPast:
    """A date that cannot be earlier than today."""

    def __init__(self, what: str = "This date"):
        self.what = what

    def __call__(self, form, field):
        if field.data and field.data < clock.today():
            raise ValidationError(
                gettext("%(what)s cannot be in the past; type today's date or a later one.", what=self.what)
            )


class EnumSelectField(SelectField):
    """A select over a LabelledEnum, with an optional blank first choice."""

    def __init__(self, label=None, validators=None, enum=None, blank: str | None = None, **kwargs):
        choices = options(([("", blank)] if blank is not None else []) + enum.choices())
        super().__init__(
            label, validators, choices=choices, coerce=lambda v: enum(v) if v else None, **kwargs
        )
        self.enum = enum

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Choose one of the options in the list.") from None

    def pre_validate(self, form):
        if self.data is not None and self.data not in self.enum:
            raise ValidationError(gettext("Choose one of the options in the list."))


class VersionField(HiddenField):
    """The row version the user started editing from (optimistic locking)."""

    def process_formdata(self, valuelist):
        self.data = parse_int(valuelist[0], 0, MAX_ID) if valuelist else None

    def pre_validate(self, form):
        if self.data is None:
            raise StopValidation(gettext("The form is missing its version; reload the page and try again."))


class ConfirmForm(BaseForm):
    """An empty form: its CSRF token is the confirmation of a destructive action."""


__all__ = [
    "ConfirmForm",
    "ANumberField",
    "BaseForm",
    "DayField",
    "EnumSelectField",
    "IdField",
    "IntegerField",
    "LinesField",
    "NotBefore",
    "NotInFuture",
    "NotInPast",
    "VersionField",
    "coerce_id",
    "day_after",
    "iso_day",
    "options",
    "parse_day",
    "parse_id",
    "parse_int",
    "row_id",
]
