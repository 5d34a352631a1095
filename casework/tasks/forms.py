"""The task form."""

from __future__ import annotations

from datetime import date

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from casework.forms import BaseForm, DayField, VersionField, parse_id
from casework.i18n import _l, gettext

ASSIGNEE_MESSAGE = "Choose someone from the list, or “Nobody yet”."


def _user_id_or_none(value) -> int | None:
    return parse_id(str(value)) if value is not None else None


class AssigneeField(SelectField):
    """A user of the case's organization, or nobody (the empty choice); anything not offered is refused."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label, validators, coerce=_user_id_or_none, choices=[], validate_choice=False, **kwargs
        )

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        self.data = _user_id_or_none(raw)
        self._bad_input = bool(raw) and self.data is None

    def pre_validate(self, form):
        offered = {_user_id_or_none(c.value) for c in self._choices_from_input(self.choices)}
        if getattr(self, "_bad_input", False) or self.data not in offered:
            raise StopValidation(ASSIGNEE_MESSAGE)


def _plausible_due_date(form, field) -> None:
    """A due date in this century: 1202 or 20255 are typing slips, not deadlines."""
    if field.data and not date(2000, 1, 1) <= field.data <= date(2099, 12, 31):
        raise ValidationError(gettext("Check the year: type a due date between 2000-01-01 and 2099-12-31."))


class TaskForm(BaseForm):
    """A to-do on a case."""

    title = StringField(
        _l("Task"),
        validators=[
            DataRequired(
                _l("Type what needs doing, for example “Ask the DA's office for the plea transcript”.")
            ),
            Length(max=300, message=_l("Keep the task under 300 characters; put the details in the notes.")),
        ],
    )
    due_on = DayField(
        _l("Due"),
        validators=[Optional(), _plausible_due_date],
        description=_l("Optional. The day it must be done by."),
    )
    assignee_id = AssigneeField(
        _l("Assigned to"), description=_l("An active member of the case's organization.")
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=8000, message=_l("Keep the notes under 8,000 characters."))],
    )
    version = VersionField()

    FIELDS = ("title", "due_on", "assignee_id", "notes")

    def task_data(self) -> dict:
        """The submitted values keyed by Task attribute."""
        return {name: self[name].data for name in self.FIELDS}
