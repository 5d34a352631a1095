"""Forms of the contacts directory and of a contact's role on a case."""

from __future__ import annotations

import re

from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from casework.forms import BaseForm, EnumSelectField, VersionField, options, parse_id
from casework.i18n import _l, gettext
from casework.models import ContactKind
from casework.reference import US_STATES

_PHONE_CHARACTERS = re.compile(r"[0-9+()\-.\s/]+(\s*(x|ext\.?)\s*\d+)?", re.IGNORECASE)


def _short(limit: int = 200) -> Length:
    return Length(max=limit, message=f"Keep this under {limit} characters.")


def _phone(form, field) -> None:
    """A phone number: digits and the usual separators, at least seven digits, an optional extension."""
    if not field.data:
        return
    if not _PHONE_CHARACTERS.fullmatch(field.data):
        raise ValidationError(
            gettext(
                "Type a phone number with digits, spaces and + ( ) - . only, for example "
                "(617) 555-0134 or +1 617 555 0134 x12."
            )
        )
    if sum(ch.isdigit() for ch in field.data) < 7:
        raise ValidationError(gettext("Type the whole phone number with its area code (at least 7 digits)."))


def _attorneys_only(what: str):
    def check(form, field) -> None:
        kind = form.kind.data
        if field.data and kind is not None and not ContactKind(kind).is_attorney:
            raise ValidationError(
                f"A {what} is only for attorneys: choose an attorney kind above, or leave the {what} empty."
            )

    return check


def _id_or_none(value) -> int | None:
    return value if isinstance(value, int) and parse_id(str(value)) else parse_id(value)


class IdSelectField(SelectField):
    """A select whose values are row ids; anything not offered is refused with `message`."""

    def __init__(
        self, label=None, validators=None, message: str = "Choose one of the options in the list.", **kwargs
    ):
        super().__init__(label, validators, coerce=_id_or_none, choices=[], validate_choice=False, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = _id_or_none(valuelist[0]) if valuelist else None

    def pre_validate(self, form):
        offered = {_id_or_none(choice.value) for choice in self._choices_from_input(self.choices)}
        if self.data is None or self.data not in offered:
            raise StopValidation(self.message)


ROLE_MESSAGE = "Type the contact's role on this case, for example “Pro bono counsel for the pardon”."


class ContactForm(BaseForm):
    """Every field of a directory entry."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Type the contact's name, or the office's name.")), _short()],
        description=_l("A person (Jordan Ellery) or an office (Consulate General of Cambodia)."),
    )
    organization = StringField(
        _l("Firm or organization"),
        validators=[Optional(), _short()],
        description=_l("Law firm, DA's office, ICE field office, consulate..."),
    )
    kind = EnumSelectField(
        _l("Kind"),
        enum=ContactKind,
        blank="— choose —",
        validators=[InputRequired(_l("Choose what kind of contact this is."))],
    )
    bar_number = StringField(
        _l("Bar number"),
        validators=[Optional(), _short(50), _attorneys_only("bar number")],
        description=_l("Attorneys only."),
    )
    bar_state = SelectField(
        _l("Bar state"),
        choices=options([("", "—")] + US_STATES),
        validators=[Optional(), _attorneys_only("bar state")],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), _short(50), _phone])
    email = EmailField(
        _l("E-mail"),
        validators=[
            Optional(),
            _short(254),
            Email(_l("Type a complete e-mail address, such as name@example.org.")),
        ],
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=8000, message=_l("Keep the notes under 8,000 characters."))],
        description=_l("How to reach them, who their assistant is, what they have agreed to."),
    )
    version = VersionField()

    FIELDS = ("name", "organization", "kind", "bar_number", "bar_state", "phone", "email", "notes")

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then one across fields: a bar number needs the state that issued it.

        (Done here because Optional() on an empty field stops its chain and clears earlier errors.)"""
        valid = super().validate(extra_validators)
        if self.bar_number.data and not self.bar_number.errors and not self.bar_state.data:
            self.bar_state.errors.append("Choose the state whose bar issued this bar number.")
            valid = False
        return valid

    def contact_data(self) -> dict:
        """The submitted values keyed by Contact attribute."""
        data = {name: self[name].data for name in self.FIELDS}
        data["bar_state"] = data["bar_state"] or None
        return data


class ContactFilterForm(BaseForm):
    """Search of the directory (posted and kept on the server: nothing typed goes into a URL)."""

    q = StringField(_l("Name or organization"), validators=[Optional(), _short()])
    kind = EnumSelectField(_l("Kind"), enum=ContactKind, blank="Any kind", validators=[Optional()])


class LinkContactForm(BaseForm):
    """Give a contact of the directory a role on a case."""

    contact_id = IdSelectField(_l("Contact"), message=_l("Choose a contact from the directory."))
    role = StringField(_l("Role on this case"), validators=[DataRequired(ROLE_MESSAGE), _short()])


class NewContactForm(ContactForm):
    """Create a contact and give it a role on a case in one step."""

    role = StringField(
        _l("Role on this case"),
        validators=[DataRequired(ROLE_MESSAGE), _short()],
        description=_l("For example: pro bono counsel for the pardon; deportation officer."),
    )
