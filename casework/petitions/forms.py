"""Forms of petitions: consent, hosted and outside petitions, counts, deliveries, bulk invalidation, and
the public signing form."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime

from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from casework.forms import (
    BaseForm,
    ConfirmForm,
    DayField,
    EnumSelectField,
    LinesField,
    NotInFuture,
    VersionField,
    options,
)
from casework.models import PUBLIC_FIELDS, DeliveryOutcome
from casework.petitions.operations import SLUG_RE, SNAPSHOT_FIELDS

__all__ = ["ConfirmForm"]

MAX_GOAL = 10_000_000
_short = Length(max=200, message="Keep this under 200 characters.")


class CheckboxesField(SelectMultipleField):
    """Several keys chosen by ticking boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(
            label,
            validators,
            choices=options(choices.items()),
            coerce=str,
            invalid_choice_message="Tick only the facts listed here.",
            **kwargs,
        )


class WholeNumberField(IntegerField):
    """A whole number, with commas allowed ("15,000"), and a message that says what to type."""

    widget = TextInput()  # a number input would refuse the comma people type

    def __init__(
        self, label=None, validators=None, message="Type a whole number, for example 15000.", **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            text = valuelist[0].strip().replace(",", "").replace(" ", "")
            if not re.fullmatch(r"\d{1,12}", text):
                self.data = None
                raise ValueError(self.message)
            self.data = int(text)
        else:
            self.data = None


_goal = WholeNumberField(
    "Goal",
    validators=[
        InputRequired("Type the number of signatures you aim for, for example 15000."),
        NumberRange(min=1, max=MAX_GOAL, message=f"Type a goal between 1 and {MAX_GOAL:,}."),
    ],
    message="Type the goal as a whole number of signatures, for example 15000.",
)
_targets = LinesField(
    "Addressed to",
    validators=[
        DataRequired("Type at least one decision maker, for example “Governor of Washington”."),
        Length(max=2000, message="Keep this under 2,000 characters."),
    ],
    description="One decision maker per line, for example “DHS/ICE Boston Field Office Director” or "
    "“King County Prosecuting Attorney”.",
)


class ConsentForm(BaseForm):
    """The person's consent to make some facts public."""

    scope = CheckboxesField(
        "Facts the person agreed to make public",
        choices=PUBLIC_FIELDS,
        validators=[DataRequired("Tick at least one fact the person agreed to make public.")],
    )
    given_by = StringField(
        "Given by, and how",
        validators=[
            DataRequired(
                "Type who gave consent and how, for example “Dara, in person, with a Khmer interpreter”."
            ),
            _short,
        ],
    )
    given_on = DayField(
        "Given on",
        validators=[
            InputRequired("Type the date consent was given, as YYYY-MM-DD."),
            NotInFuture("The date consent was given"),
        ],
    )
    notes = TextAreaField(
        "Notes",
        validators=[Optional(), Length(max=4000, message="Keep the notes under 4,000 characters.")],
        description="Limits the person asked for, the form they signed, the interpreter.",
    )

    def consent_data(self) -> dict:
        """The submitted values keyed by operation argument."""
        return {
            "scope": self.scope.data,
            "given_by": self.given_by.data,
            "given_on": self.given_on.data,
            "notes": self.notes.data,
        }


class HostedPetitionForm(BaseForm):
    """A petition hosted on the public pages: its own public text, never the private story."""

    title = StringField(
        "Public title",
        validators=[
            DataRequired("Type the title visitors will see, for example “Let Dara stay with his family”."),
            _short,
        ],
    )
    story = TextAreaField(
        "Public story",
        validators=[
            DataRequired(
                "Type the story visitors will read: write it for the public, from what the person agreed to "
                "share."
            ),
            Length(max=20000, message="Keep the story under 20,000 characters."),
        ],
        description="A text of its own, shown to everyone: never paste the private story here.",
    )
    targets = _targets
    goal = _goal
    public_fields = CheckboxesField(
        "Facts to show beside the story",
        choices=SNAPSHOT_FIELDS,
        validators=[Optional()],
        description="Copied from the record when you publish; only what the person's consent covers.",
    )
    slug = StringField(
        "Address (optional)",
        validators=[Optional(), Length(max=60, message="Keep the address under 60 characters.")],
        description="The end of the public link, /p/…: lower-case letters, digits and dashes. "
        "Leave empty for a random one that says nothing about the person.",
    )
    version = VersionField()

    def validate_slug(self, field):
        if field.data and not SLUG_RE.fullmatch(field.data):
            raise ValidationError(
                "Type 3 to 60 lower-case letters, digits and dashes, starting and ending with "
                "a letter or digit, for example bring-dara-home."
            )

    def petition_data(self) -> dict:
        """The submitted values keyed by Petition attribute."""
        return {
            "title": self.title.data,
            "story": self.story.data,
            "targets": self.targets.data,
            "goal": self.goal.data,
            "public_fields": list(self.public_fields.data or []),
            "slug": self.slug.data,
        }


class ExternalPetitionForm(BaseForm):
    """A petition on an outside platform, tracked here."""

    title = StringField(
        "Title", validators=[DataRequired("Type the petition's title as the platform shows it."), _short]
    )
    external_url = StringField(
        "Address of the petition",
        validators=[
            DataRequired("Type the full address of the petition, starting with https://."),
            Length(max=500, message="Keep the address under 500 characters."),
        ],
    )
    platform = StringField(
        "Platform",
        validators=[Optional(), Length(max=100, message="Keep this under 100 characters.")],
        description="For example the name of the petition site.",
    )
    targets = _targets
    goal = WholeNumberField(
        "Goal (optional)",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_GOAL, message=f"Type a goal between 1 and {MAX_GOAL:,}."),
        ],
        message="Type the goal as a whole number of signatures, for example 2500.",
    )
    version = VersionField()

    def validate_external_url(self, field):
        if field.data and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", field.data):
            raise ValidationError(
                "Type the full address of the petition, starting with https://, for example "
                "https://petitions.example.org/free-tuan."
            )

    def petition_data(self) -> dict:
        """The submitted values keyed by Petition attribute."""
        return {
            "title": self.title.data,
            "external_url": self.external_url.data,
            "platform": self.platform.data,
            "targets": self.targets.data,
            "goal": self.goal.data,
        }


class CountForm(BaseForm):
    """A signature count shown by an outside platform on a day."""

    counted_on = DayField(
        "On",
        validators=[
            InputRequired("Type the day of the count, as YYYY-MM-DD."),
            NotInFuture("The day of the count"),
        ],
    )
    count = WholeNumberField(
        "Signatures",
        validators=[
            InputRequired("Type the number of signatures the platform shows, for example 1250."),
            NumberRange(min=0, max=1_000_000_000, message="Type a number of signatures of 0 or more."),
        ],
        message="Type the number of signatures as a whole number, for example 1250.",
    )

    def count_data(self) -> dict:
        """The submitted values keyed by PetitionCount attribute."""
        return {"counted_on": self.counted_on.data, "count": self.count.data}


class DeliveryForm(BaseForm):
    """A delivery to a decision maker, its response and outcome."""

    delivered_on = DayField(
        "Delivered on",
        validators=[
            InputRequired("Type the day of the delivery, as YYYY-MM-DD."),
            NotInFuture("The day of the delivery"),
        ],
    )
    delivered_to = StringField(
        "Delivered to",
        validators=[
            DataRequired(
                "Type to whom it was delivered, for example “Office of the Governor, constituent services”."
            ),
            Length(max=300, message="Keep this under 300 characters."),
        ],
    )
    method = StringField(
        "How",
        validators=[Optional(), _short],
        description="For example: in person at the field office; by e-mail; by certified mail.",
    )
    outcome = EnumSelectField(
        "Outcome", enum=DeliveryOutcome, validators=[InputRequired("Choose an outcome.")]
    )
    response = TextAreaField(
        "Response",
        validators=[Optional(), Length(max=20000, message="Keep the response under 20,000 characters.")],
        description="What the decision maker's office answered, and when.",
    )
    version = VersionField()

    def delivery_data(self) -> dict:
        """The submitted values keyed by PetitionDelivery attribute."""
        return {
            "delivered_on": self.delivered_on.data,
            "delivered_to": self.delivered_to.data,
            "method": self.method.data,
            "outcome": self.outcome.data,
            "response": self.response.data,
        }


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
        "Client network",
        validators=[
            Optional(),
            Length(max=64, message="Type an address range under 64 characters, for example 203.0.113.0/24."),
        ],
        description="An address range such as 203.0.113.0/24 or 2001:db8::/48. Client "
        "networks are kept 30 days only.",
    )
    email_domain = StringField(
        "E-mail domain",
        validators=[
            Optional(),
            Length(max=253, message="Type a domain under 253 characters, for example example.org."),
        ],
        description="For example mailinator.example (the part after @).",
    )
    created_from = UTCTimeField("Signed from", validators=[Optional()], description="YYYY-MM-DD HH:MM, UTC.")
    created_to = UTCTimeField("Signed until", validators=[Optional()], description="YYYY-MM-DD HH:MM, UTC.")

    def validate_ip_range(self, field):
        if field.data:
            try:
                field.parsed = ipaddress.ip_network(field.data.strip(), strict=False)
            except ValueError:
                raise ValidationError(
                    "Type an address range such as 203.0.113.0/24 (IPv4) or 2001:db8::/48 (IPv6)."
                ) from None

    def validate_email_domain(self, field):
        if field.data and not re.fullmatch(
            r"@?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z0-9-]{2,}", field.data.strip()
        ):
            raise ValidationError("Type a domain such as example.org, without a name before the @.")

    def validate_created_to(self, field):
        if field.data and self.created_from.data and field.data < self.created_from.data:
            raise ValidationError("The end of the window cannot be before its start; check both times.")

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


class SignForm(BaseForm):
    """The public signing form. No CSRF token: signers have no account and no session (see public.py)."""

    class Meta:
        csrf = False

    name = StringField("Your name", validators=[DataRequired("Type your name."), _short])
    email = StringField(
        "Your e-mail",
        validators=[
            DataRequired("Type your e-mail address: we send you a link to confirm your signature."),
            Length(max=254, message="Type an e-mail address under 254 characters."),
            Email("Type your e-mail address, for example name@example.org."),
        ],
        description="Only to confirm your signature, and for updates if you ask for them. Never shown.",
    )
    zip_code = StringField(
        "ZIP code (optional)",
        validators=[Optional(), Length(max=10, message="Type a 5-digit ZIP code, for example 98104.")],
    )
    comment = TextAreaField(
        "Comment (optional)",
        validators=[Optional(), Length(max=1000, message="Keep your comment under 1,000 characters.")],
    )
    show_name = BooleanField("Show my first name and initial on this page")
    send_updates = BooleanField("Send me updates about this petition")
    # A honeypot: hidden from people, filled in by robots. A filled one is dropped without a word.
    website = StringField("Leave this field empty", validators=[Optional(), Length(max=200)])

    def validate_zip_code(self, field):
        if field.data and not re.fullmatch(r"\d{5}(-\d{4})?", field.data):
            raise ValidationError("Type a 5-digit ZIP code, for example 98104, or leave it empty.")


class UpdateForm(BaseForm):
    """An update e-mailed to the signers who asked for updates."""

    subject = StringField(
        "Subject",
        validators=[
            DataRequired("Type a subject, for example “The Governor’s Council will vote on March 3”."),
            Length(max=150, message="Keep the subject under 150 characters."),
        ],
    )
    body = TextAreaField(
        "Message",
        validators=[
            DataRequired("Type the message to send."),
            Length(max=5000, message="Keep the message under 5,000 characters."),
        ],
        description="Public news only: everything here goes to supporters outside the organization.",
    )
