"""The background forms: related people (a linked case or a relative by name), places lived, incarceration,
rehabilitation. Dates may be typed to the year or the month (casework.background.fields)."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError

from casework.background.fields import FromToForm, PartialDateField
from casework.forms import BaseForm, EnumSelectField, VersionField, options, parse_id
from casework.i18n import _l, gettext
from casework.models import PlaceKind, RehabilitationKind, RelationKind
from casework.reference import US_STATES

UNITED_STATES = {"united states", "united states of america", "usa", "us", "u.s.", "u.s.a."}


def _length(n: int, what: str = "this") -> Length:
    return Length(max=n, message=f"Keep {what} under {n:,} characters.")


def _notes() -> TextAreaField:
    return TextAreaField("Notes", validators=[Optional(), _length(8000, "the notes")])


def _id_or_none(value) -> int | None:
    return parse_id(str(value)) if value is not None else None


class IdSelectField(SelectField):
    """A select over database ids (choices set by the view), with an optional empty choice for "none".

    With `offered_only`, an id that was not offered is refused with `message`; without it the view loads the
    chosen object through `access` (which answers 404 for what the user may not see)."""

    def __init__(self, label=None, validators=None, message: str = "", offered_only: bool = True, **kwargs):
        super().__init__(label, validators, coerce=_id_or_none, choices=[], validate_choice=False, **kwargs)
        self.message = message
        self.offered_only = offered_only

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        self.data = _id_or_none(raw)
        self._bad_input = bool(raw) and self.data is None

    def pre_validate(self, form):
        if getattr(self, "_bad_input", False):
            raise StopValidation(self.message)
        if self.offered_only and self.data is not None:
            offered = {_id_or_none(c.value) for c in self._choices_from_input(self.choices)}
            if self.data not in offered:
                raise StopValidation(self.message)


def _kind_field(label: str, message: str) -> EnumSelectField:
    return EnumSelectField(label, enum=RelationKind, blank="— choose —", validators=[InputRequired(message)])


KIND_MESSAGE = "Choose how they are related: sibling, spouse, parent, child, co-defendant or other relative."


# ---------------------------------------------------------------- related people


class RelationLinkForm(BaseForm):
    """Link another case of the organization (shown on both cases)."""

    related_person_id = IdSelectField(
        _l("The other case"),
        validators=[InputRequired(_l("Choose the other case from the list."))],
        message=_l("Choose the other case from the list."),
        offered_only=False,  # the view loads it through access: 404 for a case the user may not see
        description=_l("Cases of your organization you may edit. The link shows on both cases."),
    )
    kind = _kind_field("They are this person’s", KIND_MESSAGE)
    notes = _notes()
    version = VersionField()

    def record_data(self) -> dict:
        """The link's own values (the other case is chosen once, when linking)."""
        return {"kind": self.kind.data, "notes": self.notes.data}


class RelationEditForm(BaseForm):
    """A link between two cases: how they are related, seen from this case, and notes."""

    kind = _kind_field("They are this person’s", KIND_MESSAGE)
    notes = _notes()
    version = VersionField()

    def record_data(self) -> dict:
        """The link's values, as seen from the case the form is on."""
        return {"kind": self.kind.data, "notes": self.notes.data}


class RelativeForm(BaseForm):
    """A relative or co-defendant who is not a case of the organization, by name."""

    related_name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Type the relative’s name, for example “Sokha Keo”.")),
            _length(200, "the name"),
        ],
    )
    kind = _kind_field("They are this person’s", KIND_MESSAGE)
    faces_removal = BooleanField(
        _l("Also faces removal"),
        description=_l("Tick when this relative is in removal proceedings or has an order too."),
    )
    notes = _notes()
    version = VersionField()

    def record_data(self) -> dict:
        """The values keyed by Relation attribute."""
        return {
            "related_name": self.related_name.data,
            "kind": self.kind.data,
            "faces_removal": bool(self.faces_removal.data),
            "notes": self.notes.data,
        }


# ---------------------------------------------------------------- places lived


class ResidenceForm(FromToForm):
    """A place the person lived: a city or a refugee camp, from–to (a year is enough)."""

    kind = EnumSelectField(_l("Kind of place"), enum=PlaceKind, default=PlaceKind.HOME)
    place = StringField(
        _l("Place"),
        validators=[
            DataRequired(_l("Type the city, town or camp, for example “Stockton” or “Khao-I-Dang”.")),
            _length(200, "the place"),
        ],
    )
    state = SelectField(
        _l("US state"),
        choices=options([("", "— not in the United States —")] + US_STATES),
        validators=[Optional()],
        validate_choice=False,  # validate_state says what to choose
        description=_l("For a place in the United States."),
    )
    country = StringField(
        _l("Country"),
        validators=[Optional(), _length(100, "the country")],
        description=_l("For a place outside the United States, for example Thailand."),
    )
    from_on = PartialDateField(
        _l("From"), description=_l("The year, month or day they came; empty if not known.")
    )
    to_on = PartialDateField(_l("To"), description=_l("Empty while they still live there, or if not known."))
    notes = _notes()
    version = VersionField()

    def validate_state(self, field) -> None:
        if field.data and field.data not in dict(US_STATES):
            raise StopValidation(gettext("Choose a state from the list, or “not in the United States”."))

    def validate_country(self, field) -> None:
        if field.data and self.state.data and field.data.strip().lower() not in UNITED_STATES:
            raise ValidationError(
                gettext(
                    "A US state goes with a place in the United States: clear the state, or leave the country empty."
                )
            )

    def record_data(self) -> dict:
        """The values keyed by Residence attribute (a US state's country is left empty)."""
        state = self.state.data or None
        country = None if state else self.country.data
        return {
            "kind": self.kind.data or PlaceKind.HOME,
            "place": self.place.data,
            "state": state,
            "country": country,
            "notes": self.notes.data,
            **self.dates(),
        }


# ---------------------------------------------------------------- incarceration


class IncarcerationForm(FromToForm):
    """A time in jail or prison: the facility, from–to, pretrial or not, the conviction it served."""

    facility = StringField(
        _l("Facility"),
        validators=[_length(200, "the facility")],  # no Optional: validate_facility needs it or a start
        description=_l("The jail, prison or detention center."),
    )
    pretrial = BooleanField(
        _l("Pretrial"), description=_l("Held before trial (bail not set, or not affordable).")
    )
    conviction_id = IdSelectField(
        _l("For the conviction"),
        message=_l("Choose one of this case’s convictions, or “None or not known”."),
        description=_l("Only this case’s convictions are offered."),
    )
    from_on = PartialDateField(_l("From"), description=_l("A year is enough when that is all that is known."))
    to_on = PartialDateField(_l("To"), description=_l("Empty while still held, or if not known."))
    notes = _notes()
    version = VersionField()

    def validate_facility(self, field) -> None:
        if not field.data and not (self.from_on.data and self.from_on.data.day):
            raise ValidationError(gettext("Type the facility, or when it began (a year is enough)."))

    def record_data(self) -> dict:
        """The values keyed by Incarceration attribute."""
        return {
            "facility": self.facility.data,
            "pretrial": bool(self.pretrial.data),
            "conviction_id": self.conviction_id.data,
            "notes": self.notes.data,
            **self.dates(),
        }


# ---------------------------------------------------------------- rehabilitation


class RehabilitationForm(FromToForm):
    """Evidence of rehabilitation: a diploma, a program, work, community service."""

    kind = EnumSelectField(
        _l("Kind"),
        enum=RehabilitationKind,
        blank="— choose —",
        validators=[
            InputRequired(_l("Choose what it is: a diploma, a program, work, community service or other."))
        ],
    )
    title = StringField(
        _l("What"),
        validators=[
            DataRequired(_l("Type what it was, for example “GED” or “Welding certificate, 480 hours”.")),
            _length(300, "the title"),
        ],
    )
    provider = StringField(
        _l("Given by"),
        validators=[Optional(), _length(200, "the provider")],
        description=_l("The school, program or employer."),
    )
    during_incarceration = BooleanField(_l("During incarceration"), description=_l("Earned or done inside."))
    from_on = PartialDateField(_l("From"), description=_l("A year is enough."))
    to_on = PartialDateField(_l("To"), description=_l("When it was completed or earned; empty if ongoing."))
    notes = _notes()
    version = VersionField()

    def record_data(self) -> dict:
        """The values keyed by Rehabilitation attribute."""
        return {
            "kind": self.kind.data,
            "title": self.title.data,
            "provider": self.provider.data,
            "during_incarceration": bool(self.during_incarceration.data),
            "notes": self.notes.data,
            **self.dates(),
        }
