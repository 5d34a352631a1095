"""Filters of the "What's due" view."""

from datetime import date, timedelta

from wtforms import BooleanField, SelectField
from wtforms.validators import Optional

from casework.deadlines.due import DueKind
from casework.forms import BaseForm, ConfirmForm, options
from casework.i18n import _l

WINDOWS = [
    ("7", "Next 7 days"),
    ("14", "Next 14 days"),
    ("30", "Next 30 days"),
    ("90", "Next 90 days"),
    ("all", "Everything dated"),
]


class DueFilterForm(BaseForm):
    """GET filters: a window, my work only, one kind (nothing personal, so they may sit in the URL)."""

    class Meta:
        csrf = False

    window = SelectField(_l("Show"), choices=options(WINDOWS), default="30", validators=[Optional()])
    kind = SelectField(
        _l("Kind"),
        choices=options([("", "All kinds")] + [(k.value, k.label) for k in DueKind]),
        validators=[Optional()],
    )
    mine = BooleanField(
        _l("My work only"), description=_l("Steps and tasks assigned to me; dates of cases on my team.")
    )

    def until(self, today: date) -> date | None:
        """The last day the window shows (None: everything dated); 30 days unless a window was chosen.

        Call after a successful validation: the window is then one of WINDOWS."""
        window = self.window.data or "30"
        if window == "all":
            return None
        return today + timedelta(days=int(window))

    def kinds(self) -> set[DueKind] | None:
        """The one kind of item asked for, or None for all kinds."""
        return {DueKind(self.kind.data)} if self.kind.data in DueKind.__members__.values() else None


__all__ = ["ConfirmForm", "DueFilterForm"]
