"""Opening and editing an application: what is sought, where, its status and dates, and who works on it."""

from __future__ import annotations

from datetime import date

from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from casework import clock
from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, NotInFuture, VersionField, options
from casework.i18n import _l, gettext
from casework.models import ReliefKind, ReliefStatus
from casework.relief.forms.fields import (
    CHOOSE_FROM_LIST,
    FORUM,
    JURISDICTIONS,
    CheckboxListField,
    IdSelectField,
)

# The template select: pick the best match on saving, or start with no steps at all.
TEMPLATE_BEST_MATCH = "best"
TEMPLATE_NONE = "none"

NOTES = TextAreaField(
    _l("Notes"),
    validators=[Optional(), Length(max=20000, message=_l("Keep the notes under 20,000 characters."))],
)


class ApplicationCreateForm(BaseForm):
    """Open an application: what is sought, where, from which template, and who works on it."""

    kind = EnumSelectField(
        _l("Kind of relief"),
        enum=ReliefKind,
        blank="— choose —",
        validators=[InputRequired(_l("Choose the kind of relief."))],
    )
    jurisdiction = SelectField(
        _l("Jurisdiction"),
        choices=options([("", "— choose —"), *JURISDICTIONS]),
        validators=[InputRequired(_l("Choose the state whose authorities decide, or Federal."))],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    forum = FORUM
    template = SelectField(
        _l("Steps from template"),
        choices=[],
        invalid_choice_message=CHOOSE_FROM_LIST,
        description=_l(
            "The steps and their due dates are copied into the application; you can change them afterwards."
        ),
    )
    opened_on = DayField(
        _l("Opened on"),
        default=clock.today,
        validators=[
            InputRequired(_l("Type the date the work started, as YYYY-MM-DD.")),
            NotInFuture("The opening date"),
        ],
        description=_l("Due dates of the steps count from this day."),
    )
    convictions = CheckboxListField(_l("Convictions it targets"))
    lead_id = IdSelectField(_l("Lead"))
    lead_counsel_id = IdSelectField(
        _l("Lead counsel"),
        description=_l(
            "From the contacts directory; add co-counsel, a pro bono firm or a partner organization on the "
            "application's page."
        ),
    )
    notes = NOTES

    def application_data(self) -> dict:
        """The submitted values keyed by ReliefApplication attribute (convictions and the lead counsel as ids)."""
        return {
            "kind": self.kind.data,
            "jurisdiction": self.jurisdiction.data,
            "forum": self.forum.data,
            "opened_on": self.opened_on.data,
            "lead_id": self.lead_id.data,
            "notes": self.notes.data,
            "conviction_ids": list(self.convictions.data or []),
            "lead_counsel_id": self.lead_counsel_id.data,
        }


class ApplicationEditForm(BaseForm):
    """Where the application stands, and who works on it."""

    status = EnumSelectField(
        _l("Status"), enum=ReliefStatus, validators=[InputRequired(_l("Choose a status."))]
    )
    # No Optional(): the status decides whether the dates are needed (validate_filed_on, validate_decided_on).
    filed_on = DayField(
        _l("Filed on"),
        validators=[NotInFuture("The filing date")],
        description=_l("Needed once the application is filed."),
    )
    decided_on = DayField(
        _l("Decided on"),
        validators=[
            NotInFuture("The decision date"),
            NotBefore("filed_on", "The decision date cannot be before the filing date; check both dates."),
        ],
        description=_l("Needed once the application is granted or denied."),
    )
    outcome = TextAreaField(
        _l("Outcome"),
        validators=[Optional(), Length(max=4000, message=_l("Keep the outcome under 4,000 characters."))],
        description=_l("What was decided, and any conditions."),
    )
    forum = FORUM
    lead_id = IdSelectField(_l("Lead"))
    convictions = CheckboxListField(_l("Convictions it targets"))
    notes = NOTES
    version = VersionField()

    FIELDS = ("status", "filed_on", "decided_on", "outcome", "forum", "lead_id", "notes")

    def __init__(self, *args, opened_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.opened_on = opened_on

    def validate_filed_on(self, field):
        """A filed application has a filing date, on or after the day the work started."""
        status = self.status.data
        if status is not None and status.needs_filing and field.data is None and not field.errors:
            raise ValidationError(
                f"Type the date the application was filed, as YYYY-MM-DD: the status "
                f"“{status.label}” means it was filed."
            )
        if field.data and self.opened_on and field.data < self.opened_on:
            raise ValidationError(
                f"The filing date cannot be before the application was opened "
                f"({self.opened_on.isoformat()}); check the date."
            )
        if field.data and status == ReliefStatus.PREPARING:
            raise ValidationError(
                gettext(
                    "An application still being prepared has no filing date: clear the date, or "
                    "choose the status “Filed”."
                )
            )

    def validate_decided_on(self, field):
        """Granted and denied applications have a decision date; open ones do not."""
        status = self.status.data
        if status in (ReliefStatus.GRANTED, ReliefStatus.DENIED) and field.data is None and not field.errors:
            raise ValidationError(
                f"Type the date of the decision, as YYYY-MM-DD: the application was {status.label.lower()}."
            )
        if field.data and status is not None and not status.is_closed:
            raise ValidationError(
                gettext(
                    "Only a granted, denied or withdrawn application has a decision date: clear the "
                    "date, or choose the status the decision gave."
                )
            )
        if field.data and self.opened_on and field.data < self.opened_on:
            raise ValidationError(
                f"The decision date cannot be before the application was opened "
                f"({self.opened_on.isoformat()}); check the date."
            )

    def application_data(self) -> dict:
        """The submitted values keyed by ReliefApplication attribute (convictions as ids)."""
        data = {name: self[name].data for name in self.FIELDS}
        data["conviction_ids"] = sorted(self.convictions.data or [])
        return data
