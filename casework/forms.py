"""The base form and the field types and validators every feature shares."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation, ValidationError


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
CONTROL_MESSAGE = (
    "Remove the invisible control characters from this text (they often come with "
    "pasted text), then save again."
)


class BaseForm(FlaskForm):
    """Every form: CSRF on, text trimmed, empty text turned into None, no control characters.

    PostgreSQL cannot store NUL, and no name, note or date belongs with a control character in it.
    """

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then no control characters in any text typed."""
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
                if CONTROL_MESSAGE not in field.errors:
                    field.errors = [*field.errors, CONTROL_MESSAGE]
                valid = False
        return valid

    class Meta:
        def bind_field(self, form, unbound_field, options):
            cls = unbound_field.field_class
            if issubclass(cls, StringField) and not issubclass(cls, (PasswordField, HiddenField)):
                options["filters"] = (strip_or_none, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, **options)


class LinesField(TextAreaField):
    """A text area holding one item per line; blank lines and surrounding spaces are dropped."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            lines = [line.strip() for line in self.data.splitlines()]
            self.data = "\n".join(line for line in lines if line) or None


class DayField(DateField):
    """A calendar date (HTML date input) with a message that says what to type."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = date.fromisoformat(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError("Type the date as YYYY-MM-DD, for example 2009-04-30.") from None
        else:
            self.data = None


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
        if field.data and field.data > date.today():
            raise ValidationError(f"{self.what} cannot be in the future; type a date on or before today.")


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
        if field.data and field.data < date.today():
            raise ValidationError(f"{self.what} cannot be in the past; type today's date or a later one.")


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
            raise ValidationError("Choose one of the options in the list.")


class VersionField(HiddenField):
    """The row version the user started editing from (optimistic locking)."""

    def process_formdata(self, valuelist):
        try:
            self.data = int(valuelist[0]) if valuelist else None
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if self.data is None:
            raise StopValidation("The form is missing its version; reload the page and try again.")


class ConfirmForm(BaseForm):
    """An empty form: its CSRF token is the confirmation of a destructive action."""


__all__ = [
    "ConfirmForm",
    "ANumberField",
    "BaseForm",
    "DayField",
    "EnumSelectField",
    "IntegerField",
    "LinesField",
    "NotBefore",
    "NotInFuture",
    "NotInPast",
    "VersionField",
    "options",
]
