"""The packet builder form."""

from collections.abc import Collection, Mapping

from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casework.forms import BaseForm, options, parse_int
from casework.i18n import _l
from casework.packets.content import Audience


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PacketForm(BaseForm):
    """Sections, audience, purpose and exhibits of a packet."""

    purpose = StringField(
        _l("Purpose"),
        validators=[Optional(), Length(max=200, message=_l("Keep it under 200 characters."))],
        description=_l("Printed on the cover, e.g. “For the Parole Board hearing of 2027-02-03”."),
    )
    audience = RadioField(
        _l("Audience"),
        choices=options((a.value, a.label) for a in Audience),
        validators=[InputRequired(_l("Choose who the packet is for."))],
    )
    sections = MultiCheckboxField(
        _l("Sections"),
        choices=[],  # the parts the case sections contribute (casework.packets.content.section_choices)
        validators=[InputRequired(_l("Tick at least one section."))],
    )
    exhibits = MultiCheckboxField(_l("Exhibits"), choices=[], coerce=int, validate_choice=False)

    def ordered_exhibits(
        self, available: Collection[int], typed: Mapping[str, str]
    ) -> tuple[list[int], dict[int, str]]:
        """The ticked exhibits (among `available`) in the order typed in the "order-<id>" boxes (unnumbered
        ones last, in their listed order), and a message for each box that holds no place from 1 to 99."""
        chosen = [i for i in self.exhibits.data or [] if i in available]
        places: dict[int, int] = {}
        errors: dict[int, str] = {}
        for document_id in chosen:
            raw = typed.get(f"order-{document_id}", "").strip()
            place = parse_int(raw, 1, 99)
            if raw and place is None:
                errors[document_id] = "Type a whole number from 1 to 99 for the exhibit's place."
            places[document_id] = place if place is not None else 100
        return sorted(chosen, key=lambda i: (places[i], chosen.index(i))), errors
