"""What advocates record around an application: its counsel, the prosecutor's position, records of support."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from casework.forms import BaseForm, DayField, EnumSelectField, NotInFuture, VersionField
from casework.i18n import _l, gettext
from casework.models import CounselRole, ProsecutorPosition, SupportKind
from casework.relief.forms.fields import IdSelectField


class CounselForm(BaseForm):
    """Add a counsel from the contacts directory, with their part in the application."""

    contact_id = IdSelectField(
        _l("Counsel"),
        validators=[
            InputRequired(_l("Choose the counsel from the contacts directory (add them there first)."))
        ],
        description=_l("An attorney, a law firm or a legal organization of the contacts directory."),
    )
    role = EnumSelectField(
        _l("Role"),
        enum=CounselRole,
        blank="— choose —",
        validators=[
            InputRequired(_l("Choose the counsel's part: lead, co-counsel, pro bono firm or partner."))
        ],
    )


class ProsecutorForm(BaseForm):
    """What the prosecutor's office says about the application, who said it, and when."""

    prosecutor_position = EnumSelectField(
        _l("Position"),
        enum=ProsecutorPosition,
        validators=[InputRequired(_l("Choose what the prosecutor's office says, or “Not known yet”."))],
    )
    prosecutor_contact_id = IdSelectField(
        _l("Prosecutor"),
        description=_l("From the contacts directory: the District Attorney's office, a unit."),
    )
    prosecutor_position_on = DayField(
        _l("Stated on"),
        validators=[Optional(), NotInFuture("The day the position was stated")],
        description=_l("The day of the letter, the filing or the call that gave the position."),
    )
    version = VersionField()

    FIELDS = ("prosecutor_position", "prosecutor_contact_id", "prosecutor_position_on")

    def validate_prosecutor_position_on(self, field):
        """A date tells when a position was stated: there must be one."""
        if field.data and self.prosecutor_position.data == ProsecutorPosition.UNKNOWN:
            raise ValidationError(
                gettext(
                    "A date goes with a position: choose what the prosecutor's office said (supports, does not "
                    "oppose, opposes), or clear the date."
                )
            )

    def prosecutor_data(self) -> dict:
        """The submitted values keyed by ReliefApplication attribute."""
        return {name: self[name].data for name in self.FIELDS}


class SupportForm(BaseForm):
    """A record of support: a letter, a resolution, an official's statement."""

    kind = EnumSelectField(
        _l("Kind"),
        enum=SupportKind,
        blank="— choose —",
        validators=[
            InputRequired(_l("Choose the kind: a letter, a resolution, a statement by an official."))
        ],
    )
    author = StringField(
        _l("From"),
        validators=[
            DataRequired(_l("Type who gave it, for example “Board of Supervisors of Alder County”.")),
            Length(max=200, message=_l("Keep this under 200 characters.")),
        ],
        description=_l("A person, a board or council, an office."),
    )
    author_contact_id = IdSelectField(
        _l("In the contacts directory"), description=_l("Optional: the contact who gave it, or their office.")
    )
    given_on = DayField(_l("Given on"), validators=[Optional(), NotInFuture("The day it was given")])
    summary = TextAreaField(
        _l("What it says"),
        validators=[Optional(), Length(max=500, message=_l("Keep the summary under 500 characters."))],
        description=_l(
            "One or two sentences, for example “Unanimous resolution urging the Governor to grant "
            "the pardon.”"
        ),
    )
    document_id = IdSelectField(
        _l("Document"),
        description=_l("The letter or resolution, from the case's documents (upload it there first)."),
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=20000, message=_l("Keep the notes under 20,000 characters."))],
    )
    version = VersionField()

    FIELDS = ("kind", "author", "author_contact_id", "given_on", "summary", "document_id", "notes")

    def support_data(self) -> dict:
        """The submitted values keyed by SupportRecord attribute."""
        return {name: self[name].data for name in self.FIELDS}
