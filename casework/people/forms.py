"""The person record form and the people-list filters."""

from __future__ import annotations

from datetime import date

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from casework.forms import (
    ANumberField,
    BaseForm,
    DayField,
    EnumSelectField,
    LinesField,
    NotBefore,
    NotInFuture,
    VersionField,
    coerce_id,
    options,
    row_id,
)
from casework.i18n import _l, gettext
from casework.models import (
    ArrivalClass,
    CaseOutcome,
    CaseStatus,
    CustodyStatus,
    ImmigrationStatus,
    RemovalCase,
    RemovalStage,
)
from casework.people.operations import CLOSED_STATUSES
from casework.people.search import stored_day
from casework.record.forms.fields import OptionalUnless
from casework.reference import US_STATES

_short = Length(max=200, message=_l("Keep this under 200 characters."))
DETAINED_ORDER_MESSAGE = (
    "This date is before the “Detained from” date: type the earlier day first, for example 2019-01-01 "
    "to 2019-12-31."
)
_country = Length(max=100, message=_l("Keep this under 100 characters."))


class PersonForm(BaseForm):
    """Every field of the person record; the case page shows the same groups."""

    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(_l("Type the person's legal name.")), _short],
        description=_l("As on immigration and court papers."),
    )
    preferred_name = StringField(
        _l("Preferred name"),
        validators=[Optional(), _short],
        description=_l("What the person likes to be called."),
    )
    aliases = LinesField(
        _l("Aliases and other spellings"),
        validators=[Optional(), Length(max=4000)],
        description=_l("One per line: other spellings, names on old records, nicknames."),
    )
    native_name = StringField(
        _l("Name in native script"),
        validators=[Optional(), _short],
        description=_l("For example in Khmer, Lao or Vietnamese with its diacritics."),
    )
    birth_date = DayField(_l("Date of birth"), validators=[Optional(), NotInFuture("The date of birth")])
    country_of_birth = StringField(_l("Country of birth"), validators=[Optional(), _country])
    place_of_birth = StringField(
        _l("Place of birth"),
        validators=[Optional(), _short],
        description=_l("A town, or a refugee camp such as Khao-I-Dang."),
    )
    citizenship = StringField(
        _l("Country of citizenship"),
        validators=[Optional(), _country],
        description=_l("As a consulate would see it; “Stateless” if none."),
    )
    community = StringField(_l("Community"), validators=[Optional(), _country])
    arrival_date = DayField(
        _l("Arrival in the United States"),
        validators=[
            Optional(),
            NotInFuture("The arrival date"),
            NotBefore("birth_date", "The arrival date cannot be before the date of birth; check both dates."),
        ],
    )
    arrival_class = EnumSelectField(
        _l("Arrived as"), enum=ArrivalClass, blank="— not known —", validators=[Optional()]
    )
    immigration_status = EnumSelectField(
        _l("Immigration status"),
        enum=ImmigrationStatus,
        blank="— not known —",
        validators=[Optional()],
        description=_l(
            "A final order of removal is recorded on the removal case, and this status follows it."
        ),
    )
    # Not a column of the person: the date of the final order lives on the removal case, which a final-order
    # status opens or updates (casework.record.removal); not on the form when that case has a dated order.
    final_order_date = DayField(
        _l("Final order entered on"),
        validators=[
            OptionalUnless(
                lambda form: form.declares_final_order(),
                "A final order of removal needs its date: type the order date as YYYY-MM-DD, or choose another "
                "status.",
            ),
            NotInFuture("The order date"),
        ],
        description=_l(
            "Only with a final-order status: the removal case is opened with this date, or updated."
        ),
    )
    a_number = ANumberField(
        _l("A-number"),
        validators=[Optional()],
        description=_l("8 or 9 digits, with or without the A and dashes."),
    )
    languages = StringField(
        _l("Languages"),
        validators=[Optional(), _short],
        description=_l("Separate with commas, strongest first."),
    )
    interpreter_needed = BooleanField(_l("Needs an interpreter"))
    city = StringField(_l("City"), validators=[Optional(), _country])
    state = SelectField(_l("State"), choices=options([("", "—")] + US_STATES), validators=[Optional()])
    spouse = TextAreaField(_l("Spouse or partner"), validators=[Optional(), Length(max=2000)])
    children = TextAreaField(
        _l("Children"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Names, ages, and whether they are U.S. citizens."),
    )
    us_citizen_relatives = TextAreaField(
        _l("Other U.S.-citizen relatives"), validators=[Optional(), Length(max=4000)]
    )
    work = TextAreaField(
        _l("Work"), validators=[Optional(), Length(max=4000)], description=_l("Employer, role, how long.")
    )
    community_ties = TextAreaField(
        _l("Community ties"),
        validators=[Optional(), Length(max=8000)],
        description=_l("Faith community, volunteering, mentoring, support letters."),
    )
    private_story = TextAreaField(
        _l("Story (private)"),
        validators=[Optional(), Length(max=20000)],
        description=_l("For the team only; never shown on a public page."),
    )
    case_status = EnumSelectField(
        _l("Case status"), enum=CaseStatus, validators=[InputRequired(_l("Choose a case status."))]
    )
    version = VersionField()

    RECORD_FIELDS = (
        "legal_name",
        "preferred_name",
        "aliases",
        "native_name",
        "birth_date",
        "country_of_birth",
        "place_of_birth",
        "citizenship",
        "community",
        "arrival_date",
        "arrival_class",
        "immigration_status",
        "a_number",
        "languages",
        "interpreter_needed",
        "city",
        "state",
        "spouse",
        "children",
        "us_citizen_relatives",
        "work",
        "community_ties",
        "private_story",
        "case_status",
    )

    final_order_on_record: RemovalCase | None = None  # set by `follow_removal_case`

    def follow_removal_case(self, removal: RemovalCase | None) -> None:
        """Fit the form to the removal case: while it records a final order, only the final-order statuses
        can be chosen; once that order has its date, the date is the removal case's, not typed here."""
        if removal is None or removal.stage != RemovalStage.FINAL_ORDER:
            return
        self.final_order_on_record = removal
        self.immigration_status.choices = options(
            (s.value, s.label) for s in ImmigrationStatus if s.says_final_order
        )
        if removal.order_date is not None:
            del self.final_order_date

    def declares_final_order(self) -> bool:
        """The chosen status says final order and the removal case does not yet (the date is then needed)."""
        status = self.immigration_status.data
        return bool(status and status.says_final_order and self.final_order_on_record is None)

    def validate_immigration_status(self, field):
        """While the removal case records a final order, the status says so too."""
        removal = self.final_order_on_record
        if removal is not None and not (field.data and field.data.says_final_order):
            of = f" of {removal.order_date.isoformat()}" if removal.order_date else ""
            raise ValidationError(
                f"The removal case records a final order of removal{of}: the status stays “Final order of "
                "removal” or “Final order, released on an order of supervision”. If the order was vacated, "
                "reopened or appealed, change the removal case's stage: this status follows it."
            )

    def validate_final_order_date(self, field):
        """Only a final-order status takes an order date here."""
        status = self.immigration_status.data
        if field.data and not (status and status.says_final_order):
            raise ValidationError(
                gettext(
                    "Only a final order has its date here: choose “Final order of removal” as the status, or clear "
                    "this date."
                )
            )

    def final_order_data(self) -> date | None:
        """The order date typed on the form (None when not asked or left empty)."""
        return self.final_order_date.data if "final_order_date" in self else None

    def record_data(self) -> dict:
        """The submitted values keyed by Person attribute (fields removed for the user's role are left out)."""
        data = {name: self[name].data for name in self.RECORD_FIELDS if name in self}
        data["state"] = data["state"] or None
        return data


class PeopleFilterForm(BaseForm):
    """Search and filters of the people list (posted, kept on the server: nothing sensitive in URLs)."""

    q = StringField(_l("Name, alias or A-number"), validators=[Optional(), Length(max=200)])
    case_status = EnumSelectField(
        _l("Case status"), enum=CaseStatus, blank="Any status", validators=[Optional()]
    )
    outcome = EnumSelectField(_l("Outcome"), enum=CaseOutcome, blank="Any outcome", validators=[Optional()])
    citizenship = SelectField(_l("Citizenship"), choices=[], validators=[Optional()], validate_choice=False)
    community = SelectField(_l("Community"), choices=[], validators=[Optional()], validate_choice=False)
    custody = SelectField(
        _l("Custody"),
        choices=options([("", "Any")] + [(c.value, c.label) for c in CustodyStatus]),
        validators=[Optional()],
    )
    assigned = SelectField(
        _l("Assigned to"), choices=[], validators=[Optional(), row_id], validate_choice=False
    )
    detained_from = DayField(
        _l("Detained from"),
        validators=[Optional()],
        description=_l("Held at any moment of these days."),
    )
    detained_to = DayField(
        _l("Detained to"),
        validators=[Optional(), NotBefore("detained_from", DETAINED_ORDER_MESSAGE)],
        description=_l("Either day may stay empty."),
    )
    sort = SelectField(
        _l("Sort by"),
        choices=options([("name", "Name"), ("updated", "Recently updated"), ("created", "Recently added")]),
        default="name",
    )

    # What the session keeps of the form: text only, the dates as YYYY-MM-DD.
    KEYS: tuple[str, ...] = ("q", "case_status", "outcome", "custody", "citizenship", "community")
    KEYS += ("assigned", "detained_from", "detained_to", "sort")

    @classmethod
    def from_filters(cls, filters: dict) -> PeopleFilterForm:
        """The form showing the filters kept in the session."""
        return cls(
            data={**filters, **{k: stored_day(filters.get(k)) for k in ("detained_from", "detained_to")}}
        )

    def filters(self) -> dict:
        """The filters as the session keeps them."""
        return {k: d.isoformat() if isinstance(d := self[k].data, date) else d or "" for k in self.KEYS}


class AssignForm(BaseForm):
    """Add a user of the organization to a case's team."""

    user_id = SelectField(_l("Add to the team"), coerce=coerce_id, choices=[])


CHOOSE_LISTED = "Choose one of the options in the list."
# The outcomes that fit the status "Relief granted".
RELIEF_OUTCOMES = (
    CaseOutcome.RELIEF_GRANTED,
    CaseOutcome.STATUS_RESTORED,
    CaseOutcome.PROCEEDINGS_TERMINATED,
)


class CloseCaseForm(BaseForm):
    """Close a case with how it ended, on which day, and what else the team should know."""

    case_status = EnumSelectField(
        _l("Case status"),
        enum=CaseStatus,
        validators=[InputRequired(_l("Choose the status the case closes with."))],
    )
    outcome = EnumSelectField(
        _l("Outcome"),
        enum=CaseOutcome,
        blank="— choose —",
        validators=[
            InputRequired(_l("Choose how the case ended, for example “Relief granted and status restored”."))
        ],
    )
    outcome_on = DayField(
        _l("Ended on"),
        validators=[
            InputRequired(
                _l("Type the day the case ended (the decision or the restored status), as YYYY-MM-DD.")
            ),
            NotInFuture("The day the case ended"),
        ],
    )
    outcome_notes = TextAreaField(
        _l("Notes on the outcome"),
        validators=[Optional(), Length(max=4000, message=_l("Keep the notes under 4,000 characters."))],
        description=_l(
            "For example: “Pardon granted on 2024-02-09; permanent residence restored on 2024-06-28.”"
        ),
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case_status.choices = options((s.value, s.label) for s in CLOSED_STATUSES)

    def validate_case_status(self, field):
        """A closed case has one of the closed statuses."""
        if field.data is not None and field.data not in CLOSED_STATUSES:
            raise ValidationError(CHOOSE_LISTED)

    def validate_outcome(self, field):
        """The status and the outcome tell the same story."""
        status = self.case_status.data
        if field.data is None or status is None:
            return
        if status == CaseStatus.RELIEF_GRANTED and field.data not in RELIEF_OUTCOMES:
            raise ValidationError(
                f"“{field.data.label}” is not relief granted: choose the case status “Closed”, or an outcome "
                "where relief was granted."
            )
        if status == CaseStatus.REMOVED and field.data != CaseOutcome.REMOVED:
            raise ValidationError(
                gettext(
                    "A case closed as “Removed” has the outcome “Removed from the United States”: choose it, or the "
                    "case status “Closed”."
                )
            )

    def outcome_data(self) -> dict:
        """The submitted values keyed by Person attribute."""
        return {
            "case_status": self.case_status.data,
            "outcome": self.outcome.data,
            "outcome_on": self.outcome_on.data,
            "outcome_notes": self.outcome_notes.data,
        }


class ReopenCaseForm(BaseForm):
    """Reopen a closed case: its outcome, date and notes are cleared."""

    case_status = EnumSelectField(
        _l("Reopen as"),
        enum=CaseStatus,
        default=CaseStatus.ACTIVE,
        validators=[InputRequired(_l("Choose the status the case reopens with."))],
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.case_status.choices = options((s.value, s.label) for s in CaseStatus if s not in CLOSED_STATUSES)

    def validate_case_status(self, field):
        """A reopened case is open: intake, active or monitoring."""
        if field.data in CLOSED_STATUSES:
            raise ValidationError(CHOOSE_LISTED)

    def outcome_data(self) -> dict:
        """The submitted status, and the outcome cleared."""
        return {
            "case_status": self.case_status.data,
            "outcome": None,
            "outcome_on": None,
            "outcome_notes": None,
        }
