"""The conviction form."""

from __future__ import annotations

from datetime import date

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, NotInFuture, VersionField, options
from casework.i18n import _l
from casework.models import ConvictionLevel, Plea, TriState
from casework.record.forms.fields import GroundsField, ListSelectField, max_length
from casework.reference import US_STATES


class ConvictionForm(BaseForm):
    """One conviction; `birth_date` (set by the view) keeps dates after the person's birth."""

    birth_date: date | None = None

    state = ListSelectField(_l("State"), choices=options([("", "—")] + US_STATES), validators=[Optional()])
    county = StringField(_l("County"), validators=[Optional(), max_length(100)])
    court = StringField(
        _l("Court"),
        validators=[Optional(), max_length(200)],
        description=_l("For example Superior Court of Middlesex County."),
    )
    docket_number = StringField(_l("Docket or case number"), validators=[Optional(), max_length(100)])
    statute = StringField(
        _l("Statute"),
        validators=[Optional(), max_length(200)],
        description=_l("The section of the law, for example M.G.L. c. 269 § 10(a)."),
    )
    offense = StringField(
        _l("Offense"),
        validators=[
            DataRequired(
                _l(
                    "Type the offense as the judgment names it, for example “Unlawful possession of a firearm”."
                )
            ),
            max_length(300),
        ],
    )
    level = EnumSelectField(_l("Level"), enum=ConvictionLevel, blank="— not known —", validators=[Optional()])
    offense_date = DayField(
        _l("Date of the offense"), validators=[Optional(), NotInFuture("The offense date")]
    )
    conviction_date = DayField(
        _l("Date of conviction"),
        validators=[
            Optional(),
            NotInFuture("The conviction date"),
            NotBefore(
                "offense_date", "The conviction date cannot be before the offense date; check both dates."
            ),
        ],
    )
    plea = EnumSelectField(_l("Plea"), enum=Plea, blank="— not known —", validators=[Optional()])
    sentence = TextAreaField(
        _l("Sentence"),
        validators=[Optional(), max_length(2000)],
        description=_l("As imposed, for example “5 years, 3 suspended, 2 years probation”."),
    )
    time_served = StringField(_l("Time served"), validators=[Optional(), max_length(200)])
    removal_grounds = GroundsField(
        _l("Grounds of removal it creates"),
        validators=[Optional()],
        description=_l("Tick every ground the government alleges or could allege."),
    )
    consequences_advised = EnumSelectField(
        _l("Advised of immigration consequences before the plea"),
        enum=TriState,
        default=TriState.UNKNOWN,
        validators=[InputRequired(_l("Choose yes, no or unknown."))],
    )
    interpreter_at_plea = EnumSelectField(
        _l("Interpreter at the plea"),
        enum=TriState,
        default=TriState.UNKNOWN,
        validators=[InputRequired(_l("Choose yes, no or unknown."))],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), max_length(8000)])
    version = VersionField()

    RECORD_FIELDS = (
        "state",
        "county",
        "court",
        "docket_number",
        "statute",
        "offense",
        "level",
        "offense_date",
        "conviction_date",
        "plea",
        "sentence",
        "time_served",
        "removal_grounds",
        "consequences_advised",
        "interpreter_at_plea",
        "notes",
    )

    def validate_offense_date(self, field):
        """Not before the person was born."""
        if field.data and self.birth_date and field.data < self.birth_date:
            raise ValidationError(
                f"The offense date cannot be before the date of birth ({self.birth_date}); check both dates."
            )

    def validate_conviction_date(self, field):
        """Not before the person was born."""
        if field.data and self.birth_date and field.data < self.birth_date:
            raise ValidationError(
                f"The conviction date cannot be before the date of birth "
                f"({self.birth_date}); check both dates."
            )

    def record_data(self) -> dict:
        """The submitted values keyed by Conviction attribute."""
        data = {name: self[name].data for name in self.RECORD_FIELDS}
        data["state"] = data["state"] or None
        data["removal_grounds"] = self.removal_grounds.stored_value()
        return data
