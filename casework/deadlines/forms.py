"""Filters of the "What's due" view."""

from wtforms import BooleanField, SelectField
from wtforms.validators import Optional

from casework.deadlines.due import DueKind
from casework.forms import BaseForm, ConfirmForm, options

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

    window = SelectField("Show", choices=options(WINDOWS), default="30", validators=[Optional()])
    kind = SelectField(
        "Kind",
        choices=options([("", "All kinds")] + [(k.value, k.label) for k in DueKind]),
        validators=[Optional()],
    )
    mine = BooleanField(
        "My work only", description="Steps and tasks assigned to me; dates of cases on my team."
    )


__all__ = ["ConfirmForm", "DueFilterForm"]
