"""Field types and validators the record's forms share."""

from __future__ import annotations

import re
from datetime import time

from wtforms import SelectField, SelectMultipleField, TimeField
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from casework.forms import options
from casework.models import RemovalGround

CHOOSE_FROM_LIST = "Choose one of the options in the list."


def max_length(n: int) -> Length:
    """At most `n` characters, with a message that says so."""
    return Length(max=n, message=f"Keep this under {n} characters.")


class OptionalUnless:
    """Like Optional, except that an empty answer is refused with `message` when `needed(form)` holds."""

    def __init__(self, needed, message: str):
        self.needed = needed
        self.message = message

    def __call__(self, form, field):
        if field.raw_data and str(field.raw_data[0]).strip():
            return
        field.errors[:] = []
        if self.needed(form):
            raise StopValidation(self.message)
        raise StopValidation()


class ListSelectField(SelectField):
    """A select over a fixed list of text values, refusing anything else with a message that helps."""

    def pre_validate(self, form):
        if self.data and self.data not in {c.value for c in self._iter_choices_normalized()}:
            raise ValidationError(CHOOSE_FROM_LIST)


class GroundsField(SelectMultipleField):
    """Removal grounds as checkboxes; reads and writes the comma-separated column."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators,
            choices=options(RemovalGround.choices()),
            invalid_choice_message="Tick only grounds from the list.",
            **kwargs,
        )

    def process_data(self, value):
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        super().process_data(value or [])

    def stored_value(self) -> str | None:
        """The ticked grounds in the list's order, comma-separated (None when none is ticked)."""
        ticked = set(self.data or ())
        return ",".join(g.value for g in RemovalGround if g.value in ticked) or None


class HourField(TimeField):
    """A time of day (HTML time input) with a message that says what to type."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", text)  # browsers may send seconds
        try:
            self.data = time(int(match[1]), int(match[2])) if match else None
        except ValueError:
            self.data = None
        if self.data is None:
            raise ValueError("Type the time as HH:MM on a 24-hour clock, for example 09:30 or 14:00.")
