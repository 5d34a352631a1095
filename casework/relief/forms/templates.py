"""The admins' forms: an organization's relief template, its steps and their clocks."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from casework.forms import BaseForm, EnumSelectField, VersionField, options, parse_int
from casework.i18n import _l, gettext
from casework.models import ReliefKind
from casework.relief.forms.fields import (
    CHOOSE_FROM_LIST,
    FORUM,
    STEP_TITLE,
    TEMPLATE_JURISDICTIONS,
    DaysField,
)

SCHEDULES = [
    ("offset", "A number of days after (or before) the anchor"),
    ("quarterly", "First day of the next listed month, at least that many days after the anchor"),
]

_MAX_OFFSET_DAYS = 3650


class TemplateForm(BaseForm):
    """An organization's own relief template."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Type a name, for example “Oregon: pardon petition to the Governor”.")),
            Length(max=200, message=_l("Keep the name under 200 characters.")),
        ],
    )
    jurisdiction = SelectField(
        _l("Jurisdiction"),
        choices=options(TEMPLATE_JURISDICTIONS),
        validators=[InputRequired(_l("Choose a jurisdiction, or “Any jurisdiction”."))],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    kind = EnumSelectField(_l("Kind of relief"), enum=ReliefKind, blank="Any kind", validators=[Optional()])
    forum = FORUM
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=8000, message=_l("Keep the description under 8,000 characters."))],
        description=_l("The process in a few sentences: who decides, statutory clocks."),
    )

    def template_data(self) -> dict:
        """The submitted values keyed by ReliefTemplate attribute."""
        return {
            "name": self.name.data,
            "jurisdiction": self.jurisdiction.data,
            "kind": self.kind.data,
            "forum": self.forum.data,
            "description": self.description.data,
        }


EVENT_ANCHORS = [("filed", "The filing"), ("hearing", "The hearing"), ("decided", "The decision")]
MILESTONES = [
    ("", "An ordinary step"),
    ("filing", "The filing"),
    ("hearing", "A hearing"),
    ("decision", "The decision"),
]


class TemplateStepForm(BaseForm):
    """One step of a template and the clock of its due date."""

    title = STEP_TITLE
    # "" the opening day, "filed" / "hearing" / "decided" the application's day, a number: that step.
    anchor_position = SelectField(
        _l("Counted from"),
        choices=[],
        invalid_choice_message=CHOOSE_FROM_LIST,
        description=_l(
            "The day the application is opened; the filing, the hearing or the decision (their real "
            "day once known, until then the step marked as that milestone); or another step (its done day, "
            "until then its own date)."
        ),
    )
    milestone = SelectField(
        _l("This step is"),
        choices=options(MILESTONES),
        default="",
        invalid_choice_message=CHOOSE_FROM_LIST,
        description=_l(
            "Done, the filing step sets the application's filing day and status; the hearing step's "
            "date is the hearing's; the decision step asks for the outcome."
        ),
    )
    offset_days = DaysField(
        _l("Days after"),
        validators=[InputRequired(DaysField.MESSAGE)],
        default=0,
        description=_l("Negative: that many days before the anchor (a notice before a hearing)."),
    )
    schedule = SelectField(
        _l("Schedule"),
        choices=options(SCHEDULES),
        default="offset",
        validators=[InputRequired(_l("Choose a schedule."))],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    schedule_months = StringField(
        _l("Months of the sittings"),
        validators=[Length(max=40)],
        description=_l("Quarterly schedule only: month numbers, for example 3,6,9,12."),
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=4000, message=_l("Keep the notes under 4,000 characters."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An ordinary step (no milestone) and a form posted without the field both mean "".
        if self.milestone.data is None:
            self.milestone.data = ""

    def validate_offset_days(self, field):
        """Clocks longer than ten years are typing mistakes."""
        if field.data is not None and abs(field.data) > _MAX_OFFSET_DAYS:
            raise ValidationError(
                f"Type a number of days between -{_MAX_OFFSET_DAYS} and {_MAX_OFFSET_DAYS}."
            )

    def validate_schedule_months(self, field):
        """Quarterly steps need at least one month, each a number from 1 to 12."""
        if self.schedule.data != "quarterly":
            return
        months = parse_months(field.data)
        if months is None:
            raise ValidationError(
                gettext("Type the months as numbers from 1 to 12 separated by commas, for example 3,6,9,12.")
            )

    def step_data(self) -> dict:
        """The submitted values keyed by ReliefTemplateStep attribute (months normalized)."""
        quarterly = self.schedule.data == "quarterly"
        months = parse_months(self.schedule_months.data) if quarterly else None
        anchor, position = anchor_of(self.anchor_position.data)
        return {
            "title": self.title.data,
            "anchor": anchor,
            "anchor_position": position,
            "milestone": self.milestone.data or None,
            "offset_days": self.offset_days.data,
            "schedule": self.schedule.data,
            "schedule_months": ",".join(str(m) for m in months) if months else None,
            "notes": self.notes.data,
        }


def anchor_of(choice: str | None) -> tuple[str, int | None]:
    """The form's "counted from" choice as (anchor, anchor_position)."""
    if not choice:
        return "opened", None
    if choice in dict(EVENT_ANCHORS):
        return choice, None
    return "step", int(choice)


def anchor_choice(anchor: str | None, position: int | None) -> str:
    """A step's anchor as the form's "counted from" choice."""
    if anchor == "step" and position is not None:
        return str(position)
    return anchor if anchor in dict(EVENT_ANCHORS) else ""


def parse_months(text: str | None) -> list[int] | None:
    """'3, 6,9 ,12' -> [3, 6, 9, 12]; None when empty or not month numbers."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    months = [parse_int(p, 1, 12) for p in parts]
    if not months or None in months:
        return None
    return sorted({m for m in months if m is not None})


class MoveForm(BaseForm):
    """Move a template step up or down."""

    direction = SelectField(
        _l("Direction"),
        choices=options([("up", "Up"), ("down", "Down")]),
        validators=[InputRequired(_l("Choose up or down."))],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )


class TemplateEditForm(TemplateForm):
    """Editing a template: the version it was opened at guards against overwriting another admin's save."""

    version = VersionField()


class TemplateStepEditForm(TemplateStepForm):
    """Editing a template step, with the same guard."""

    version = VersionField()
