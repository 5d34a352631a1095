"""The check-in form: a reporting appointment with ICE and, once held, its outcome."""

from __future__ import annotations

from datetime import date

from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from casework.forms import BaseForm, DayField, EnumSelectField, VersionField
from casework.models import CheckInOutcome
from casework.record.forms.fields import HourField, max_length


class CheckInForm(BaseForm):
    """A reporting appointment with ICE and, once held, its outcome."""

    scheduled_on = DayField(
        "Date",
        validators=[InputRequired("Type the date of the check-in as YYYY-MM-DD, for example 2026-12-03.")],
    )
    scheduled_time = HourField("Time", validators=[Optional()], description="Optional, on a 24-hour clock.")
    office = StringField(
        "ICE office",
        validators=[Optional(), max_length(200)],
        description="For example Burlington ERO field office.",
    )
    accompanied_by = StringField(
        "Accompanied by",
        validators=[Optional(), max_length(300)],
        description="Who goes with the person (volunteers, attorney, family).",
    )
    outcome = EnumSelectField(
        "Outcome",
        enum=CheckInOutcome,
        default=CheckInOutcome.SCHEDULED,
        validators=[InputRequired("Choose the outcome, or “Scheduled” if not held yet.")],
    )
    notes = TextAreaField("Notes", validators=[Optional(), max_length(4000)])
    version = VersionField()

    RECORD_FIELDS = ("scheduled_on", "scheduled_time", "office", "accompanied_by", "outcome", "notes")

    def validate_outcome(self, field):
        """A check-in still to come can only be scheduled or rescheduled."""
        day = self.scheduled_on.data
        held = field.data not in (None, CheckInOutcome.SCHEDULED, CheckInOutcome.RESCHEDULED)
        if held and day and day > date.today():
            raise ValidationError(
                f"This check-in is on {day}, after today: until that day its outcome "
                "can only be “Scheduled” or “Rescheduled”."
            )

    def record_data(self) -> dict:
        """The submitted values keyed by CheckIn attribute."""
        return {name: self[name].data for name in self.RECORD_FIELDS}
