"""The note form."""

from __future__ import annotations

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from casework import access
from casework.forms import BaseForm, VersionField
from casework.i18n import _l
from casework.models import Person, User

MAX_BODY = 20_000


class NoteForm(BaseForm):
    """A note on a case; the view removes `privileged` for users who may not read privileged material."""

    body = TextAreaField(
        _l("Note"),
        validators=[
            DataRequired(_l("Type the note; an empty note cannot be saved.")),
            Length(
                max=MAX_BODY,
                message=f"Keep the note under {MAX_BODY:,} characters; split a longer text into two notes.",
            ),
        ],
    )
    privileged = BooleanField(
        _l("Privileged (attorney-client or work product)"),
        description=_l("Only staff, admins and attorneys will see it; volunteers never will."),
    )
    version = VersionField()

    def note_data(self) -> dict:
        """The submitted values keyed by Note attribute (a removed `privileged` is left out)."""
        data = {"body": self.body.data}
        if "privileged" in self:
            data["privileged"] = bool(self.privileged.data)
        return data


def note_form(person: Person, user: User, **kwargs) -> NoteForm:
    """The note form, without the privileged box for users who may not read privileged material."""
    form = NoteForm(**kwargs)
    if not access.can(user, "view_privileged", person):
        del form.privileged
    return form
