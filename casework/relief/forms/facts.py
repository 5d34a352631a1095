"""What advocates record around an application: its counsel, the prosecutor's position, records of support."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from casework.forms import BaseForm, DayField, EnumSelectField, NotInFuture, VersionField
from casework.models import CounselRole, ProsecutorPosition, SupportKind
from casework.relief.forms.fields import IdSelectField


class CounselForm(BaseForm):
    """Add a counsel from the contacts directory, with their part in the application."""

    contact_id = IdSelectField(
        "Counsel",
        validators=[InputRequired("Choose the counsel from the contacts directory (add them there first).")],
        description="An attorney, a law firm or a legal organization of the contacts directory.",
    )
    role = EnumSelectField(
        "Role",
        enum=CounselRole,
        blank="— choose —",
        validators=[InputRequired("Choose the counsel's part: lead, co-counsel, pro bono firm or partner.")],
    )


class ProsecutorForm(BaseForm):
    """What the prosecutor's office says about the application, who said it, and when."""

    prosecutor_position = EnumSelectField(
        "Position",
        enum=ProsecutorPosition,
        validators=[InputRequired("Choose what the prosecutor's office says, or “Not known yet”.")],
    )
    prosecutor_contact_id = IdSelectField(
        "Prosecutor", description="From the contacts directory: the District Attorney's office, a unit."
    )
    prosecutor_position_on = DayField(
        "Stated on",
        validators=[Optional(), NotInFuture("The day the position was stated")],
        description="The day of the letter, the filing or the call that gave the position.",
    )
    version = VersionField()

    FIELDS = ("prosecutor_position", "prosecutor_contact_id", "prosecutor_position_on")

    def validate_prosecutor_position_on(self, field):
        """A date tells when a position was stated: there must be one."""
        if field.data and self.prosecutor_position.data == ProsecutorPosition.UNKNOWN:
            raise ValidationError(
                "A date goes with a position: choose what the prosecutor's office said (supports, does not "
                "oppose, opposes), or clear the date."
            )

    def prosecutor_data(self) -> dict:
        """The submitted values keyed by ReliefApplication attribute."""
        return {name: self[name].data for name in self.FIELDS}


class SupportForm(BaseForm):
    """A record of support: a letter, a resolution, an official's statement."""

    kind = EnumSelectField(
        "Kind",
        enum=SupportKind,
        blank="— choose —",
        validators=[InputRequired("Choose the kind: a letter, a resolution, a statement by an official.")],
    )
    author = StringField(
        "From",
        validators=[
            DataRequired("Type who gave it, for example “Board of Supervisors of Alder County”."),
            Length(max=200, message="Keep this under 200 characters."),
        ],
        description="A person, a board or council, an office.",
    )
    author_contact_id = IdSelectField(
        "In the contacts directory", description="Optional: the contact who gave it, or their office."
    )
    given_on = DayField("Given on", validators=[Optional(), NotInFuture("The day it was given")])
    summary = TextAreaField(
        "What it says",
        validators=[Optional(), Length(max=500, message="Keep the summary under 500 characters.")],
        description="One or two sentences, for example “Unanimous resolution urging the Governor to grant "
        "the pardon.”",
    )
    document_id = IdSelectField(
        "Document", description="The letter or resolution, from the case's documents (upload it there first)."
    )
    notes = TextAreaField(
        "Notes",
        validators=[Optional(), Length(max=20000, message="Keep the notes under 20,000 characters.")],
    )
    version = VersionField()

    FIELDS = ("kind", "author", "author_contact_id", "given_on", "summary", "document_id", "notes")

    def support_data(self) -> dict:
        """The submitted values keyed by SupportRecord attribute."""
        return {name: self[name].data for name in self.FIELDS}
