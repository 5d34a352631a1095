"""The share form and its plain statement of what a partner will see, drawn from the owner's choices."""

from __future__ import annotations

from typing import NamedTuple

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from casework.forms import BaseForm, DayField, EnumSelectField, NotInPast, VersionField
from casework.models import CaseShare, ShareLevel

# What every share opens, part by part, and as it reads in a sentence.
ALWAYS_SEEN_PARTS = (
    "the case record",
    "its tasks",
    "hearings",
    "contacts",
    "its non-privileged notes and documents",
)
ALWAYS_SEEN = ", ".join(ALWAYS_SEEN_PARTS[:-1]) + ", and " + ALWAYS_SEEN_PARTS[-1]
# Each choice of the owner, and what it opens to the partner.
CHOICES = (
    ("includes_a_number", "the A-number"),
    ("includes_privileged", "privileged notes and documents"),
    ("allows_export", "export and printing"),
)


class _PolicyBoxes(BaseForm):
    """The owner's three choices, one box each (all off unless ticked)."""

    includes_a_number = BooleanField("Include the A-number")
    includes_privileged = BooleanField("Include privileged notes and documents")
    allows_export = BooleanField("Allow export and printing")

    def policy(self) -> dict[str, bool]:
        """The owner's choices, as the share stores them."""
        return {name: bool(getattr(self, name).data) for name, _ in CHOICES}


class ShareForm(_PolicyBoxes):
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


class SharePolicyForm(_PolicyBoxes):
    """What one existing share includes, changed from the version the owner saw."""

    version = VersionField()


def share_policy_form(share: CaseShare) -> SharePolicyForm:
    """The small form of one share (its fields named after the share, so that a page can hold several)."""
    return SharePolicyForm(obj=share, prefix=f"share{share.id}")


class PartnerView(NamedTuple):
    """What a share opens to the partner, part by part."""

    seen: list[str]
    hidden: list[str]


def partner_view(share: CaseShare | dict[str, bool]) -> PartnerView:
    """The parts of the case a partner sees through this share (or these choices), and those they do not."""
    chosen = share if isinstance(share, dict) else {name: getattr(share, name) for name, _ in CHOICES}
    seen = list(ALWAYS_SEEN_PARTS) + [label for name, label in CHOICES if chosen.get(name)]
    hidden = [label for name, label in CHOICES if not chosen.get(name)]
    return PartnerView(seen, hidden)


def what_partner_sees(share: CaseShare | dict[str, bool]) -> str:
    """One plain sentence: what the partner sees through this share, and what not."""
    seen, hidden = partner_view(share)
    sentence = "The partner sees: " + ", ".join([ALWAYS_SEEN] + seen[len(ALWAYS_SEEN_PARTS) :])
    return sentence + ("; not: " + ", ".join(hidden) + "." if hidden else ".")
