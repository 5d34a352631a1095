"""Forms of the custody timeline: a new entry, and the void of a mistaken one."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, NotInFuture, options
from casework.i18n import _l
from casework.models import CustodyKind
from casework.record.forms.fields import ListSelectField, max_length

PERIOD_STARTS = [CustodyKind.ICE_ARREST, CustodyKind.REDETAINED]
PERIOD_ENDS = [
    CustodyKind.RELEASED_SUPERVISION,
    CustodyKind.RELEASED_BOND,
    CustodyKind.RELEASED_OTHER,
]


class CustodyEventForm(BaseForm):
    """A new entry of the custody timeline (entries are never edited, only voided)."""

    kind = EnumSelectField(
        _l("What happened"),
        enum=CustodyKind,
        blank="— choose —",
        validators=[InputRequired(_l("Choose what happened."))],
    )
    occurred_on = DayField(
        _l("On"),
        validators=[
            InputRequired(_l("Type the date it happened as YYYY-MM-DD, for example 2024-03-02.")),
            NotInFuture("The date of a custody event"),
        ],
    )
    facility = StringField(
        _l("Facility"),
        validators=[Optional(), max_length(200)],
        description=_l("Detention center or jail, for example Plymouth County Correctional Facility."),
    )
    field_office = StringField(_l("ICE field office"), validators=[Optional(), max_length(200)])
    # Its own element id: the form sits on the case page, whose notes section is id="notes".
    notes = TextAreaField(_l("Notes"), validators=[Optional(), max_length(4000)], id="custody-notes")

    RECORD_FIELDS = ("kind", "occurred_on", "facility", "field_office", "notes")

    def record_data(self) -> dict:
        """The submitted values keyed by CustodyEvent attribute."""
        return {name: self[name].data for name in self.RECORD_FIELDS}


class CustodyPeriodForm(BaseForm):
    """A whole detention, from its start to the release, recorded in one go (an earlier detention can then be
    added after later entries)."""

    start_kind = ListSelectField(
        _l("How it began"),
        choices=options([(k.value, k.label) for k in PERIOD_STARTS]),
        default=CustodyKind.ICE_ARREST.value,
        validators=[InputRequired(_l("Choose how the detention began."))],
    )
    detained_on = DayField(
        _l("Detained on"),
        validators=[
            InputRequired(_l("Type the day the detention began as YYYY-MM-DD, for example 2009-04-30.")),
            NotInFuture("The day the detention began"),
        ],
    )
    facility = StringField(
        _l("Facility"),
        validators=[Optional(), max_length(200)],
        description=_l("Detention center or jail, for example Plymouth County Correctional Facility."),
    )
    field_office = StringField(_l("ICE field office"), validators=[Optional(), max_length(200)])
    end_kind = ListSelectField(
        _l("How it ended"),
        choices=options([(k.value, k.label) for k in PERIOD_ENDS]),
        default=CustodyKind.RELEASED_SUPERVISION.value,
        validators=[InputRequired(_l("Choose how the detention ended."))],
    )
    released_on = DayField(
        _l("Released on"),
        validators=[
            InputRequired(_l("Type the day of the release as YYYY-MM-DD, for example 2010-02-15.")),
            NotInFuture("The day of the release"),
            NotBefore("detained_on", "The release cannot be before the detention began; check both dates."),
        ],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), max_length(4000)], id="custody-period-notes")

    def start_data(self) -> dict:
        """The entry that starts the detention, keyed by CustodyEvent attribute."""
        return {
            "kind": CustodyKind(self.start_kind.data),
            "occurred_on": self.detained_on.data,
            "facility": self.facility.data,
            "field_office": self.field_office.data,
            "notes": self.notes.data,
        }

    def end_data(self) -> dict:
        """The entry that ends it."""
        return {
            "kind": CustodyKind(self.end_kind.data),
            "occurred_on": self.released_on.data,
            "facility": None,
            "field_office": self.field_office.data,
            "notes": None,
        }


class VoidForm(BaseForm):
    """Void a mistaken custody entry: the reason is kept beside the struck-through entry."""

    reason = StringField(
        _l("Why is this entry wrong?"),
        validators=[
            DataRequired(
                _l(
                    "Type why this entry is being voided, for example “wrong date: the arrest was on 2024-03-02”."
                )
            ),
            max_length(300),
        ],
    )
