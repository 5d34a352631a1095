"""Forms about signatures: the public signing form, and the staff's bulk invalidation and updates to signers."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from casework.forms import BaseForm
from casework.i18n import _l, gettext

DATETIME_MESSAGE = "Type the time as YYYY-MM-DD HH:MM in UTC, for example 2031-05-04 14:30."


class UTCTimeField(StringField):
    """A moment typed as YYYY-MM-DD HH:MM (or a bare date, meaning midnight), in UTC."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip()
        if not text:
            self.data = None
            return
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
            try:
                self.data = datetime.strptime(text, pattern).replace(tzinfo=UTC)
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(DATETIME_MESSAGE)


class InvalidateForm(BaseForm):
    """Which signatures to invalidate in bulk (every criterion given must hold)."""

    ip_range = StringField(
        _l("Client network"),
        validators=[
            Optional(),
            Length(
                max=64, message=_l("Type an address range under 64 characters, for example 203.0.113.0/24.")
            ),
        ],
        description=_l(
            "An address range such as 203.0.113.0/24 or 2001:db8::/48. Client networks are kept 30 days only."
        ),
    )
    email_domain = StringField(
        _l("E-mail domain"),
        validators=[
            Optional(),
            Length(max=253, message=_l("Type a domain under 253 characters, for example example.org.")),
        ],
        description=_l("For example mailinator.example (the part after @)."),
    )
    created_from = UTCTimeField(
        _l("Signed from"), validators=[Optional()], description=_l("YYYY-MM-DD HH:MM, UTC.")
    )
    created_to = UTCTimeField(
        _l("Signed until"), validators=[Optional()], description=_l("YYYY-MM-DD HH:MM, UTC.")
    )

    def validate_ip_range(self, field):
        if field.data:
            try:
                field.parsed = ipaddress.ip_network(field.data.strip(), strict=False)
            except ValueError:
                raise ValidationError(
                    gettext("Type an address range such as 203.0.113.0/24 (IPv4) or 2001:db8::/48 (IPv6).")
                ) from None

    def validate_email_domain(self, field):
        if field.data and not re.fullmatch(
            r"@?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z0-9-]{2,}", field.data.strip()
        ):
            raise ValidationError(gettext("Type a domain such as example.org, without a name before the @."))

    def validate_created_to(self, field):
        if field.data and self.created_from.data and field.data < self.created_from.data:
            raise ValidationError(
                gettext("The end of the window cannot be before its start; check both times.")
            )

    def validate(self, extra_validators=None) -> bool:
        """The fields' checks, then at least one criterion (invalidating everything is not a bulk action)."""
        valid = super().validate(extra_validators)
        if valid and not any(
            [self.ip_range.data, self.email_domain.data, self.created_from.data, self.created_to.data]
        ):
            message = "Give at least one criterion: a client network, an e-mail domain, or a time window."
            self.ip_range.errors = [*self.ip_range.errors, message]
            return False
        return valid


SIGNER_NAME_LENGTH = Length(max=200, message=_l("Keep this under 200 characters."))


class SignForm(BaseForm):
    """The public signing form. No CSRF token: signers have no account and no session (see public.py)."""

    class Meta:
        csrf = False

    name = StringField(_l("Your name"), validators=[DataRequired(_l("Type your name.")), SIGNER_NAME_LENGTH])
    email = StringField(
        _l("Your e-mail"),
        validators=[
            DataRequired(_l("Type your e-mail address: we send you a link to confirm your signature.")),
            Length(max=254, message=_l("Type an e-mail address under 254 characters.")),
            Email(_l("Type your e-mail address, for example name@example.org.")),
        ],
        description=_l("Only to confirm your signature, and for updates if you ask for them. Never shown."),
    )
    zip_code = StringField(
        _l("ZIP code (optional)"),
        validators=[Optional(), Length(max=10, message=_l("Type a 5-digit ZIP code, for example 98104."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("Keep your comment under 1,000 characters."))],
    )
    show_name = BooleanField(_l("Show my first name and initial on this page"))
    send_updates = BooleanField(_l("Send me updates about this petition"))
    # A honeypot: hidden from people, filled in by robots. A filled one is dropped without a word.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)])

    def validate_zip_code(self, field):
        if field.data and not re.fullmatch(r"\d{5}(-\d{4})?", field.data):
            raise ValidationError(_l("Type a 5-digit ZIP code, for example 98104, or leave it empty."))


class UpdateForm(BaseForm):
    """An update e-mailed to the signers who asked for updates."""

    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(_l("Type a subject, for example “The Governor’s Council will vote on March 3”.")),
            Length(max=150, message=_l("Keep the subject under 150 characters.")),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        validators=[
            DataRequired(_l("Type the message to send.")),
            Length(max=5000, message=_l("Keep the message under 5,000 characters.")),
        ],
        description=_l("Public news only: everything here goes to supporters outside the organization."),
    )
