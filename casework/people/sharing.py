"""The share form and its plain statement of what a partner will see, drawn from the owner's choices."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from casework.forms import BaseForm, DayField, EnumSelectField, NotInPast
from casework.models import CaseShare, ShareLevel

ALWAYS_SEEN = "the case record, its tasks, hearings, contacts, and its non-privileged notes and documents"
# Each choice of the owner, and what it opens to the partner.
CHOICES = (
    ("includes_a_number", "the A-number"),
    ("includes_privileged", "privileged notes and documents"),
    ("allows_export", "export and printing"),
)


class ShareForm(BaseForm):
    """Share a case with a user or organization outside its owner; everything beyond the case record is off
    unless the owner ticks it."""

    grantee = StringField(
        "Share with",
        validators=[DataRequired("Type an e-mail address or organization name.")],
        description="The e-mail address of a user, or the exact name of an organization.",
    )
    level = EnumSelectField("Access", enum=ShareLevel, validators=[InputRequired("Choose view or edit.")])
    expires_on = DayField(
        "Until (optional)",
        validators=[Optional(), NotInPast("The end date")],
        description="Leave empty to share until you remove it.",
    )
    includes_a_number = BooleanField("Include the A-number")
    includes_privileged = BooleanField("Include privileged notes and documents")
    allows_export = BooleanField("Allow export and printing")

    def policy(self) -> dict[str, bool]:
        """The owner's choices, as the share stores them."""
        return {name: bool(getattr(self, name).data) for name, _ in CHOICES}


def what_partner_sees(share: CaseShare | dict[str, bool]) -> str:
    """One plain sentence: what the partner sees through this share, and what not."""
    chosen = share if isinstance(share, dict) else {name: getattr(share, name) for name, _ in CHOICES}
    seen = [ALWAYS_SEEN] + [label for name, label in CHOICES if chosen.get(name)]
    hidden = [label for name, label in CHOICES if not chosen.get(name)]
    sentence = "The partner sees: " + ", ".join(seen)
    return sentence + ("; not: " + ", ".join(hidden) + "." if hidden else ".")
