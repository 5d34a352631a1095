"""Forms of the custody timeline: a new entry, and the void of a mistaken one."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from casework.forms import BaseForm, DayField, EnumSelectField, NotInFuture
from casework.models import CustodyKind
from casework.record.forms.fields import max_length


class CustodyEventForm(BaseForm):
    """A new entry of the custody timeline (entries are never edited, only voided)."""

    kind = EnumSelectField(
        "What happened",
        enum=CustodyKind,
        blank="— choose —",
        validators=[InputRequired("Choose what happened.")],
    )
    occurred_on = DayField(
        "On",
        validators=[
            InputRequired("Type the date it happened as YYYY-MM-DD, for example 2024-03-02."),
            NotInFuture("The date of a custody event"),
        ],
    )
    facility = StringField(
        "Facility",
        validators=[Optional(), max_length(200)],
        description="Detention center or jail, for example Plymouth County Correctional Facility.",
    )
    field_office = StringField("ICE field office", validators=[Optional(), max_length(200)])
    # Its own element id: the form sits on the case page, whose notes section is id="notes".
    notes = TextAreaField("Notes", validators=[Optional(), max_length(4000)], id="custody-notes")

    RECORD_FIELDS = ("kind", "occurred_on", "facility", "field_office", "notes")

    def record_data(self) -> dict:
        """The submitted values keyed by CustodyEvent attribute."""
        return {name: self[name].data for name in self.RECORD_FIELDS}


class VoidForm(BaseForm):
    """Void a mistaken custody entry: the reason is kept beside the struck-through entry."""

    reason = StringField(
        "Why is this entry wrong?",
        validators=[
            DataRequired(
                "Type why this entry is being voided, for example “wrong date: the arrest was on 2024-03-02”."
            ),
            max_length(300),
        ],
    )
