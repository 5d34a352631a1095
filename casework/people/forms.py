"""The person record form and the people-list filters."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from casework.forms import (
    ANumberField,
    BaseForm,
    DayField,
    EnumSelectField,
    LinesField,
    NotBefore,
    NotInFuture,
    NotInPast,
    VersionField,
    options,
)
from casework.models import ArrivalClass, CaseStatus, CustodyStatus, ImmigrationStatus, ShareLevel
from casework.reference import US_STATES

_short = Length(max=200, message="Keep this under 200 characters.")
_country = Length(max=100, message="Keep this under 100 characters.")


class PersonForm(BaseForm):
    """Every field of the person record; the case page shows the same groups."""

    legal_name = StringField(
        "Legal name",
        validators=[DataRequired("Type the person's legal name."), _short],
        description="As on immigration and court papers.",
    )
    preferred_name = StringField(
        "Preferred name", validators=[Optional(), _short], description="What the person likes to be called."
    )
    aliases = LinesField(
        "Aliases and other spellings",
        validators=[Optional(), Length(max=4000)],
        description="One per line: other spellings, names on old records, nicknames.",
    )
    native_name = StringField(
        "Name in native script",
        validators=[Optional(), _short],
        description="For example in Khmer, Lao or Vietnamese with its diacritics.",
    )
    birth_date = DayField("Date of birth", validators=[Optional(), NotInFuture("The date of birth")])
    country_of_birth = StringField("Country of birth", validators=[Optional(), _country])
    place_of_birth = StringField(
        "Place of birth",
        validators=[Optional(), _short],
        description="A town, or a refugee camp such as Khao-I-Dang.",
    )
    citizenship = StringField(
        "Country of citizenship",
        validators=[Optional(), _country],
        description="As a consulate would see it; “Stateless” if none.",
    )
    community = StringField("Community", validators=[Optional(), _country])
    arrival_date = DayField(
        "Arrival in the United States",
        validators=[
            Optional(),
            NotInFuture("The arrival date"),
            NotBefore("birth_date", "The arrival date cannot be before the date of birth; check both dates."),
        ],
    )
    arrival_class = EnumSelectField(
        "Arrived as", enum=ArrivalClass, blank="— not known —", validators=[Optional()]
    )
    immigration_status = EnumSelectField(
        "Immigration status", enum=ImmigrationStatus, blank="— not known —", validators=[Optional()]
    )
    a_number = ANumberField(
        "A-number", validators=[Optional()], description="8 or 9 digits, with or without the A and dashes."
    )
    languages = StringField(
        "Languages", validators=[Optional(), _short], description="Separate with commas, strongest first."
    )
    interpreter_needed = BooleanField("Needs an interpreter")
    city = StringField("City", validators=[Optional(), _country])
    state = SelectField("State", choices=options([("", "—")] + US_STATES), validators=[Optional()])
    spouse = TextAreaField("Spouse or partner", validators=[Optional(), Length(max=2000)])
    children = TextAreaField(
        "Children",
        validators=[Optional(), Length(max=4000)],
        description="Names, ages, and whether they are U.S. citizens.",
    )
    us_citizen_relatives = TextAreaField(
        "Other U.S.-citizen relatives", validators=[Optional(), Length(max=4000)]
    )
    work = TextAreaField(
        "Work", validators=[Optional(), Length(max=4000)], description="Employer, role, how long."
    )
    community_ties = TextAreaField(
        "Community ties",
        validators=[Optional(), Length(max=8000)],
        description="Faith community, volunteering, mentoring, support letters.",
    )
    private_story = TextAreaField(
        "Story (private)",
        validators=[Optional(), Length(max=20000)],
        description="For the team only; never shown on a public page.",
    )
    case_status = EnumSelectField(
        "Case status", enum=CaseStatus, validators=[InputRequired("Choose a case status.")]
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

    def record_data(self) -> dict:
        """The submitted values keyed by Person attribute (fields removed for the user's role are left out)."""
        data = {name: self[name].data for name in self.RECORD_FIELDS if name in self}
        data["state"] = data["state"] or None
        return data


class PeopleFilterForm(BaseForm):
    """Search and filters of the people list (posted, kept on the server: nothing sensitive in URLs)."""

    q = StringField("Name, alias or A-number", validators=[Optional(), Length(max=200)])
    case_status = EnumSelectField("Case status", enum=CaseStatus, blank="Any status", validators=[Optional()])
    citizenship = SelectField("Citizenship", choices=[], validators=[Optional()], validate_choice=False)
    community = SelectField("Community", choices=[], validators=[Optional()], validate_choice=False)
    custody = SelectField(
        "Custody",
        choices=options([("", "Any")] + [(c.value, c.label) for c in CustodyStatus]),
        validators=[Optional()],
    )
    assigned = SelectField("Assigned to", choices=[], validators=[Optional()], validate_choice=False)
    sort = SelectField(
        "Sort by",
        choices=options([("name", "Name"), ("updated", "Recently updated"), ("created", "Recently added")]),
        default="name",
    )


class AssignForm(BaseForm):
    """Add a user of the organization to a case's team."""

    user_id = SelectField("Add to the team", coerce=int, choices=[])


class ShareForm(BaseForm):
    """Share a case with a user or organization outside its owner."""

    grantee = StringField(
        "Share with",
        validators=[DataRequired("Type an e-mail address or organization name.")],
        description="The e-mail address of a user, or the exact name of an organization.",
    )
    level = EnumSelectField("Access", enum=ShareLevel, validators=[InputRequired("Choose view or edit.")])
    expires_on = DayField(
        "Until (optional)",
        validators=[Optional(), NotInPast("The end date")],
        description="Leave empty to share until you remove it.",
    )
