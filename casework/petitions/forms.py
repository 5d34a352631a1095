"""Forms of petitions on the case: the person's consent, hosted and outside petitions, counts, deliveries.

The forms about signatures (signing, bulk invalidation, updates to signers) are in `signature_forms`."""

from __future__ import annotations

import re

from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from casework.forms import (
    BaseForm,
    DayField,
    EnumSelectField,
    LinesField,
    NotInFuture,
    VersionField,
    options,
    parse_int,
)
from casework.i18n import _l, gettext
from casework.models import PUBLIC_FIELDS, DeliveryOutcome
from casework.petitions.operations import SNAPSHOT_FIELDS

MAX_GOAL = 10_000_000
SHORT_TEXT = Length(max=200, message=_l("Keep this under 200 characters."))
# A chosen public address: /p/<slug>.
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])")


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
            # up to 12 digits: the fields' NumberRange then says how large a number may be
            self.data = parse_int(valuelist[0].replace(",", "").replace(" ", ""), 0, 10**12 - 1)
            if self.data is None:
                raise ValueError(self.message)
        else:
            self.data = None


_goal = WholeNumberField(
    _l("Goal"),
    validators=[
        InputRequired(_l("Type the number of signatures you aim for, for example 15000.")),
        NumberRange(min=1, max=MAX_GOAL, message=f"Type a goal between 1 and {MAX_GOAL:,}."),
    ],
    message=_l("Type the goal as a whole number of signatures, for example 15000."),
)
_organizer = StringField(
    _l("Organizer"),
    validators=[Optional(), Length(max=200, message=_l("Keep the organizer's name under 200 characters."))],
    description=_l(
        "Who is behind the petition, shown on its page: for example “Riverbend Southeast Asian Defense "
        "Project”."
    ),
)
_targets = LinesField(
    _l("Addressed to"),
    validators=[
        DataRequired(_l("Type at least one decision maker, for example “Governor of Washington”.")),
        Length(max=2000, message=_l("Keep this under 2,000 characters.")),
    ],
    description=_l(
        "One decision maker per line, for example “DHS/ICE Boston Field Office Director” or "
        "“King County Prosecuting Attorney”."
    ),
)


class ConsentForm(BaseForm):
    """The person's consent to make some facts public."""

    scope = CheckboxesField(
        _l("Facts the person agreed to make public"),
        choices=PUBLIC_FIELDS,
        validators=[DataRequired(_l("Tick at least one fact the person agreed to make public."))],
    )
    given_by = StringField(
        _l("Given by, and how"),
        validators=[
            DataRequired(
                _l("Type who gave consent and how, for example “Dara, in person, with a Khmer interpreter”.")
            ),
            SHORT_TEXT,
        ],
    )
    given_on = DayField(
        _l("Given on"),
        validators=[
            InputRequired(_l("Type the date consent was given, as YYYY-MM-DD.")),
            NotInFuture("The date consent was given"),
        ],
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=4000, message=_l("Keep the notes under 4,000 characters."))],
        description=_l("Limits the person asked for, the form they signed, the interpreter."),
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
        _l("Public title"),
        validators=[
            DataRequired(
                _l("Type the title visitors will see, for example “Let Dara stay with his family”.")
            ),
            SHORT_TEXT,
        ],
    )
    story = TextAreaField(
        _l("Public story"),
        validators=[
            DataRequired(
                _l(
                    "Type the story visitors will read: write it for the public, from what the person agreed to "
                    "share."
                )
            ),
            Length(max=20000, message=_l("Keep the story under 20,000 characters.")),
        ],
        description=_l("A text of its own, shown to everyone: never paste the private story here."),
    )
    organizer = _organizer
    targets = _targets
    goal = _goal
    public_fields = CheckboxesField(
        _l("Facts to show beside the story"),
        choices=SNAPSHOT_FIELDS,
        validators=[Optional()],
        description=_l("Copied from the record when you publish; only what the person's consent covers."),
    )
    slug = StringField(
        _l("Address (optional)"),
        validators=[Optional(), Length(max=60, message=_l("Keep the address under 60 characters."))],
        description=_l(
            "The end of the public link, /p/…: lower-case letters, digits and dashes. "
            "Leave empty for a random one that says nothing about the person."
        ),
    )
    version = VersionField()

    def validate_slug(self, field):
        if field.data and not SLUG_RE.fullmatch(field.data):
            raise ValidationError(
                gettext(
                    "Type 3 to 60 lower-case letters, digits and dashes, starting and ending with "
                    "a letter or digit, for example bring-dara-home."
                )
            )

    def petition_data(self) -> dict:
        """The submitted values keyed by Petition attribute."""
        return {
            "title": self.title.data,
            "story": self.story.data,
            "organizer": self.organizer.data,
            "targets": self.targets.data,
            "goal": self.goal.data,
            "public_fields": list(self.public_fields.data or []),
            "slug": self.slug.data,
        }


class ExternalPetitionForm(BaseForm):
    """A petition on an outside platform, tracked here."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Type the petition's title as the platform shows it.")), SHORT_TEXT],
    )
    external_url = StringField(
        _l("Address of the petition"),
        validators=[
            DataRequired(_l("Type the full address of the petition, starting with https://.")),
            Length(max=500, message=_l("Keep the address under 500 characters.")),
        ],
    )
    platform = StringField(
        _l("Platform"),
        validators=[Optional(), Length(max=100, message=_l("Keep this under 100 characters."))],
        description=_l("For example the name of the petition site."),
    )
    organizer = _organizer
    targets = _targets
    goal = WholeNumberField(
        _l("Goal (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_GOAL, message=f"Type a goal between 1 and {MAX_GOAL:,}."),
        ],
        message=_l("Type the goal as a whole number of signatures, for example 2500."),
    )
    version = VersionField()

    def validate_external_url(self, field):
        if field.data and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", field.data):
            raise ValidationError(
                gettext(
                    "Type the full address of the petition, starting with https://, for example "
                    "https://petitions.example.org/free-tuan."
                )
            )

    def petition_data(self) -> dict:
        """The submitted values keyed by Petition attribute."""
        return {
            "title": self.title.data,
            "external_url": self.external_url.data,
            "platform": self.platform.data,
            "organizer": self.organizer.data,
            "targets": self.targets.data,
            "goal": self.goal.data,
        }


class CountForm(BaseForm):
    """A signature count shown by an outside platform on a day."""

    counted_on = DayField(
        _l("On"),
        validators=[
            InputRequired(_l("Type the day of the count, as YYYY-MM-DD.")),
            NotInFuture("The day of the count"),
        ],
    )
    count = WholeNumberField(
        _l("Signatures"),
        validators=[
            InputRequired(_l("Type the number of signatures the platform shows, for example 1250.")),
            NumberRange(min=0, max=1_000_000_000, message=_l("Type a number of signatures of 0 or more.")),
        ],
        message=_l("Type the number of signatures as a whole number, for example 1250."),
    )

    def count_data(self) -> dict:
        """The submitted values keyed by PetitionCount attribute."""
        return {"counted_on": self.counted_on.data, "count": self.count.data}


class DeliveryForm(BaseForm):
    """A delivery to a decision maker, its response and outcome."""

    delivered_on = DayField(
        _l("Delivered on"),
        validators=[
            InputRequired(_l("Type the day of the delivery, as YYYY-MM-DD.")),
            NotInFuture("The day of the delivery"),
        ],
    )
    delivered_to = StringField(
        _l("Delivered to"),
        validators=[
            DataRequired(
                _l(
                    "Type to whom it was delivered, for example “Office of the Governor, constituent services”."
                )
            ),
            Length(max=300, message=_l("Keep this under 300 characters.")),
        ],
    )
    method = StringField(
        _l("How"),
        validators=[Optional(), SHORT_TEXT],
        description=_l("For example: in person at the field office; by e-mail; by certified mail."),
    )
    outcome = EnumSelectField(
        _l("Outcome"), enum=DeliveryOutcome, validators=[InputRequired(_l("Choose an outcome."))]
    )
    response = TextAreaField(
        _l("Response"),
        validators=[Optional(), Length(max=20000, message=_l("Keep the response under 20,000 characters."))],
        description=_l("What the decision maker's office answered, and when."),
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


class TranslationForm(BaseForm):
    """A hosted petition's title and story in one more language (public once the petition is published)."""

    title = StringField(
        _l("Title in this language"),
        validators=[
            DataRequired(_l("Type the title in this language, as visitors reading it will see it.")),
            Length(max=200, message=_l("Keep the title under 200 characters.")),
        ],
    )
    story = TextAreaField(
        _l("Story in this language"),
        validators=[
            DataRequired(_l("Type the story in this language: the same public story, translated.")),
            Length(max=20000, message=_l("Keep the story under 20,000 characters.")),
        ],
        description=_l(
            "Translate the public story only: what the person agreed to share, never the private story."
        ),
    )
    version = VersionField()
