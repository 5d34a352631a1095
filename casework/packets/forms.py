"""The packet builder form."""

from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casework.forms import BaseForm, options
from casework.packets.content import SECTIONS, Audience


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PacketForm(BaseForm):
    """Sections, audience, purpose and exhibits of a packet."""

    purpose = StringField(
        "Purpose",
        validators=[Optional(), Length(max=200, message="Keep it under 200 characters.")],
        description="Printed on the cover, e.g. “For the Parole Board hearing of 2027-02-03”.",
    )
    audience = RadioField(
        "Audience",
        choices=options((a.value, a.label) for a in Audience),
        validators=[InputRequired("Choose who the packet is for.")],
    )
    sections = MultiCheckboxField(
        "Sections",
        choices=options(SECTIONS.items()),
        validators=[InputRequired("Tick at least one section.")],
    )
    exhibits = MultiCheckboxField("Exhibits", choices=[], coerce=int, validate_choice=False)
