"""Forms of the legal record: convictions, the removal case, custody events, check-ins, travel documents."""

from __future__ import annotations

import re
from datetime import date, time

from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, NotInFuture, VersionField, options
from casework.models import (
    CheckInOutcome,
    ConvictionLevel,
    CustodyKind,
    OrderType,
    Plea,
    RemovalGround,
    RemovalStage,
    StayStatus,
    TravelDocumentOutcome,
    TriState,
)
from casework.models.record import REPATRIATION_AGREEMENTS
from casework.reference import US_STATES

CHOOSE_FROM_LIST = "Choose one of the options in the list."


def _max(n: int) -> Length:
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


# ---------------------------------------------------------------- convictions


class ConvictionForm(BaseForm):
    """One conviction; `birth_date` (set by the view) keeps dates after the person's birth."""

    birth_date: date | None = None

    state = ListSelectField("State", choices=options([("", "—")] + US_STATES), validators=[Optional()])
    county = StringField("County", validators=[Optional(), _max(100)])
    court = StringField(
        "Court",
        validators=[Optional(), _max(200)],
        description="For example Superior Court of Middlesex County.",
    )
    docket_number = StringField("Docket or case number", validators=[Optional(), _max(100)])
    statute = StringField(
        "Statute",
        validators=[Optional(), _max(200)],
        description="The section of the law, for example M.G.L. c. 269 § 10(a).",
    )
    offense = StringField(
        "Offense",
        validators=[
            DataRequired(
                "Type the offense as the judgment names it, for example “Unlawful possession of a firearm”."
            ),
            _max(300),
        ],
    )
    level = EnumSelectField("Level", enum=ConvictionLevel, blank="— not known —", validators=[Optional()])
    offense_date = DayField("Date of the offense", validators=[Optional(), NotInFuture("The offense date")])
    conviction_date = DayField(
        "Date of conviction",
        validators=[
            Optional(),
            NotInFuture("The conviction date"),
            NotBefore(
                "offense_date", "The conviction date cannot be before the offense date; check both dates."
            ),
        ],
    )
    plea = EnumSelectField("Plea", enum=Plea, blank="— not known —", validators=[Optional()])
    sentence = TextAreaField(
        "Sentence",
        validators=[Optional(), _max(2000)],
        description="As imposed, for example “5 years, 3 suspended, 2 years probation”.",
    )
    time_served = StringField("Time served", validators=[Optional(), _max(200)])
    removal_grounds = GroundsField(
        "Grounds of removal it creates",
        validators=[Optional()],
        description="Tick every ground the government alleges or could allege.",
    )
    consequences_advised = EnumSelectField(
        "Advised of immigration consequences before the plea",
        enum=TriState,
        default=TriState.UNKNOWN,
        validators=[InputRequired("Choose yes, no or unknown.")],
    )
    interpreter_at_plea = EnumSelectField(
        "Interpreter at the plea",
        enum=TriState,
        default=TriState.UNKNOWN,
        validators=[InputRequired("Choose yes, no or unknown.")],
    )
    notes = TextAreaField("Notes", validators=[Optional(), _max(8000)])
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
        if field.data and self.birth_date and field.data < self.birth_date:
            raise ValidationError(
                f"The offense date cannot be before the date of birth ({self.birth_date}); check both dates."
            )

    def validate_conviction_date(self, field):
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


# ---------------------------------------------------------------- removal case


class RemovalCaseForm(BaseForm):
    """The removal proceedings: stage, court, dates, order and stay."""

    stage = EnumSelectField(
        "Stage",
        enum=RemovalStage,
        default=RemovalStage.NO_PROCEEDINGS,
        validators=[InputRequired("Choose where the removal case stands.")],
    )
    court = StringField(
        "Immigration court",
        validators=[Optional(), _max(200)],
        description="For example Boston Immigration Court.",
    )
    nta_date = DayField(
        "Notice to Appear issued on", validators=[Optional(), NotInFuture("The Notice to Appear date")]
    )
    next_hearing_on = DayField("Next hearing", validators=[Optional()], description="May be in the future.")
    order_date = DayField(
        "Order of removal entered on",
        validators=[
            OptionalUnless(
                lambda form: form.stage.data == RemovalStage.FINAL_ORDER,
                "A final order of removal needs its date: type the order date as YYYY-MM-DD, "
                "or choose another stage.",
            ),
            NotInFuture("The order date"),
            NotBefore(
                "nta_date", "The order date cannot be before the Notice to Appear date; check both dates."
            ),
        ],
    )
    order_type = EnumSelectField(
        "Kind of order", enum=OrderType, blank="— no order —", validators=[Optional()]
    )
    stay_status = EnumSelectField(
        "Stay of removal",
        enum=StayStatus,
        default=StayStatus.NONE,
        validators=[InputRequired("Choose the stay status, or “No stay”.")],
    )
    # the post-order custody clock pauses from the day a stay is granted and resumes the day it ends:
    # without these dates the clock would be wrong
    stay_granted_on = DayField(
        "Stay granted on",
        validators=[
            OptionalUnless(
                lambda form: form.stay_status.data in (StayStatus.GRANTED, StayStatus.ENDED),
                "Type the date the stay was granted as YYYY-MM-DD (the custody clock pauses from that day).",
            ),
            NotInFuture("The date the stay was granted"),
        ],
    )
    stay_ended_on = DayField(
        "Stay ended on",
        validators=[
            OptionalUnless(
                lambda form: form.stay_status.data == StayStatus.ENDED,
                "Type the date the stay ended as YYYY-MM-DD (the custody clock resumes from that day).",
            ),
            NotInFuture("The date the stay ended"),
            NotBefore("stay_granted_on", "The stay cannot end before it was granted; check both dates."),
        ],
    )
    notes = TextAreaField("Notes", validators=[Optional(), _max(8000)])
    version = VersionField()

    RECORD_FIELDS = (
        "stage",
        "court",
        "nta_date",
        "next_hearing_on",
        "order_date",
        "order_type",
        "stay_status",
        "stay_granted_on",
        "stay_ended_on",
        "notes",
    )

    def validate_stay_ended_on(self, field):
        if self.stay_status.data != StayStatus.ENDED:
            raise ValidationError(
                "Only a stay that has ended has an end date: choose “Stay ended” "
                "as the stay status, or clear this date."
            )

    def record_data(self) -> dict:
        """The submitted values keyed by RemovalCase attribute."""
        return {name: self[name].data for name in self.RECORD_FIELDS}


# ---------------------------------------------------------------- custody timeline


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
        validators=[Optional(), _max(200)],
        description="Detention center or jail, for example Plymouth County Correctional Facility.",
    )
    field_office = StringField("ICE field office", validators=[Optional(), _max(200)])
    # Its own element id: the form sits on the case page, whose notes section is id="notes".
    notes = TextAreaField("Notes", validators=[Optional(), _max(4000)], id="custody-notes")

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
            _max(300),
        ],
    )


# ---------------------------------------------------------------- check-ins


class CheckInForm(BaseForm):
    """A reporting appointment with ICE and, once held, its outcome."""

    scheduled_on = DayField(
        "Date",
        validators=[InputRequired("Type the date of the check-in as YYYY-MM-DD, for example 2026-12-03.")],
    )
    scheduled_time = HourField("Time", validators=[Optional()], description="Optional, on a 24-hour clock.")
    office = StringField(
        "ICE office",
        validators=[Optional(), _max(200)],
        description="For example Burlington ERO field office.",
    )
    accompanied_by = StringField(
        "Accompanied by",
        validators=[Optional(), _max(300)],
        description="Who goes with the person (volunteers, attorney, family).",
    )
    outcome = EnumSelectField(
        "Outcome",
        enum=CheckInOutcome,
        default=CheckInOutcome.SCHEDULED,
        validators=[InputRequired("Choose the outcome, or “Scheduled” if not held yet.")],
    )
    notes = TextAreaField("Notes", validators=[Optional(), _max(4000)])
    version = VersionField()

    RECORD_FIELDS = ("scheduled_on", "scheduled_time", "office", "accompanied_by", "outcome", "notes")

    def validate_outcome(self, field):
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


# ---------------------------------------------------------------- travel documents

DECIDED = (TravelDocumentOutcome.ISSUED, TravelDocumentOutcome.REFUSED)


class TravelDocumentForm(BaseForm):
    """ICE's request to a consulate for a travel document, and what the consulate decided."""

    country = StringField(
        "Country asked",
        validators=[
            DataRequired("Type the country whose consulate was asked, for example Cambodia."),
            _max(100),
        ],
    )
    agreement = ListSelectField(
        "Repatriation agreement",
        validators=[Optional()],
        choices=options([("", "— none or not known —")] + [(a, a) for a in REPATRIATION_AGREEMENTS]),
    )
    requested_on = DayField("Requested on", validators=[Optional(), NotInFuture("The request date")])
    interview_on = DayField(
        "Consular interview",
        validators=[
            Optional(),
            NotBefore(
                "requested_on", "The consular interview cannot be before the request; check both dates."
            ),
        ],
        description="May be in the future.",
    )
    outcome = EnumSelectField(
        "Outcome",
        enum=TravelDocumentOutcome,
        default=TravelDocumentOutcome.PENDING,
        validators=[InputRequired("Choose the outcome, or “Requested, no decision”.")],
    )
    decided_on = DayField(
        "Decided on",
        validators=[
            OptionalUnless(
                lambda form: form.outcome.data in DECIDED,
                "Type the date the consulate decided as YYYY-MM-DD (needed when the document "
                "was issued or refused).",
            ),
            NotInFuture("The decision date"),
            NotBefore("requested_on", "The decision cannot be before the request; check both dates."),
        ],
    )
    expires_on = DayField("Document expires on", validators=[Optional()])
    refusal_reason = StringField(
        "Reason given for the refusal",
        validators=[Optional(), _max(300)],
        description="For example “not a citizen of Cambodia”.",
    )
    notes = TextAreaField("Notes", validators=[Optional(), _max(4000)])
    version = VersionField()

    RECORD_FIELDS = (
        "country",
        "agreement",
        "requested_on",
        "interview_on",
        "outcome",
        "decided_on",
        "expires_on",
        "refusal_reason",
        "notes",
    )

    def validate_decided_on(self, field):
        if self.outcome.data == TravelDocumentOutcome.PENDING:
            raise ValidationError(
                "A request still pending has no decision date: choose the outcome, or clear this date."
            )

    def validate_expires_on(self, field):
        if not field.data:
            return
        if self.outcome.data != TravelDocumentOutcome.ISSUED:
            raise ValidationError(
                "Only an issued document expires: choose “Issued” as the outcome, or clear this date."
            )
        decided = self.decided_on.data
        if decided and field.data <= decided:
            raise ValidationError("The expiry date must be after the decision date; check both dates.")

    def validate_refusal_reason(self, field):
        if field.data and self.outcome.data != TravelDocumentOutcome.REFUSED:
            raise ValidationError(
                "Only a refused request has a refusal reason: choose “Refused” as the "
                "outcome, or clear the reason."
            )

    def record_data(self) -> dict:
        """The submitted values keyed by TravelDocument attribute."""
        data = {name: self[name].data for name in self.RECORD_FIELDS}
        data["agreement"] = data["agreement"] or None
        return data


class ConfirmForm(BaseForm):
    """An empty form: its CSRF token confirms a destructive action."""
