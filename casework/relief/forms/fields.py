"""The field types and reference choices the relief forms share."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casework.forms import coerce_id, parse_int
from casework.i18n import _l
from casework.reference import US_STATES

CHOOSE_FROM_LIST = "Choose one of the options in the list."

# Where an application is decided: a state (or territory), or the federal government.
JURISDICTIONS = [*US_STATES, ("federal", "Federal")]
# Templates may also fit any jurisdiction.
TEMPLATE_JURISDICTIONS = [("generic", "Any jurisdiction (generic)"), *JURISDICTIONS]
JURISDICTION_NAMES = dict(TEMPLATE_JURISDICTIONS) | {"generic": "Any jurisdiction"}


def optional_id(value):
    """'' (nobody, none) -> None; '12' -> 12; anything else raises ValueError."""
    if value in ("", None):
        return None
    return coerce_id(value)


class IdSelectField(SelectField):
    """A select of database rows by id, with an optional empty choice meaning "none"."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("choices", [])
        super().__init__(
            label,
            validators,
            coerce=optional_id,
            invalid_value_message=CHOOSE_FROM_LIST,
            invalid_choice_message=CHOOSE_FROM_LIST,
            **kwargs,
        )


class CheckboxListField(SelectMultipleField):
    """Several rows chosen by ticking boxes (one per row); the values are ids."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("choices", [])
        super().__init__(
            label,
            validators,
            coerce=coerce_id,
            invalid_value_message=CHOOSE_FROM_LIST,
            invalid_choice_message="Tick only the convictions listed here.",
            **kwargs,
        )


class DaysField(IntegerField):
    """A whole number of days, possibly negative, with a message that says what to type."""

    MESSAGE = "Type a whole number of days, for example 42, or -30 for a step before its anchor."

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            self.data = parse_int(valuelist[0])  # the form says how many days a rule may count
            if self.data is None:
                raise ValueError(self.MESSAGE)
        else:
            self.data = None


# Fields that applications and templates share (who decides) and that steps and template steps share.
FORUM = StringField(
    _l("Forum / decision maker"),
    validators=[Optional(), Length(max=200, message=_l("Keep this under 200 characters."))],
    description=_l("For example: the Governor's Office, the Parole Board, the Superior Court."),
)
STEP_TITLE = StringField(
    _l("Step"),
    validators=[
        DataRequired(_l("Type what has to be done, for example “Ask the District Attorney for a letter”.")),
        Length(max=300, message=_l("Keep the step under 300 characters.")),
    ],
)
