"""The check-in form: a reporting appointment with ICE and, once held, its outcome."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from casework import clock
from casework.forms import BaseForm, DayField, EnumSelectField, VersionField
from casework.i18n import _l
from casework.models import CheckInOutcome
from casework.record.forms.fields import HourField, max_length


class CheckInForm(BaseForm):
    """A reporting appointment with ICE and, once held, its outcome."""

    scheduled_on = DayField(
        _l("Date"),
        validators=[
            InputRequired(_l("Type the date of the check-in as YYYY-MM-DD, for example 2026-12-03."))
        ],
    )
    scheduled_time = HourField(
        _l("Time"), validators=[Optional()], description=_l("Optional, on a 24-hour clock.")
    )
    office = StringField(
        _l("ICE office"),
        validators=[Optional(), max_length(200)],
        description=_l("For example Burlington ERO field office."),
    )
    accompanied_by = StringField(
        _l("Accompanied by"),
        validators=[Optional(), max_length(300)],
        description=_l("Who goes with the person (volunteers, attorney, family)."),
    )
    outcome = EnumSelectField(
        _l("Outcome"),
        enum=CheckInOutcome,
        default=CheckInOutcome.SCHEDULED,
        validators=[InputRequired(_l("Choose the outcome, or “Scheduled” if not held yet."))],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), max_length(4000)])
    version = VersionField()

    RECORD_FIELDS = ("scheduled_on", "scheduled_time", "office", "accompanied_by", "outcome", "notes")

    def validate_outcome(self, field):
        """A check-in still to come can only be scheduled or rescheduled."""
        day = self.scheduled_on.data
        held = field.data not in (None, CheckInOutcome.SCHEDULED, CheckInOutcome.RESCHEDULED)
        if held and day and day > clock.today():
            raise ValidationError(
                f"This check-in is on {day}, after today: until that day its outcome "
                "can only be “Scheduled” or “Rescheduled”."
            )

    def record_data(self) -> dict:
        """The submitted values keyed by CheckIn attribute."""
        return {name: self[name].data for name in self.RECORD_FIELDS}
