"""Forms of relief applications, their steps, and the organization's relief templates."""

from __future__ import annotations

from datetime import date

from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, NotInFuture, VersionField, options
from casework.models import ReliefKind, ReliefStatus
from casework.reference import US_STATES

CHOOSE_FROM_LIST = "Choose one of the options in the list."

# Where an application is decided: a state (or territory), or the federal government.
JURISDICTIONS = [*US_STATES, ("federal", "Federal")]
# Templates may also fit any jurisdiction.
TEMPLATE_JURISDICTIONS = [("generic", "Any jurisdiction (generic)"), *JURISDICTIONS]
JURISDICTION_NAMES = dict(TEMPLATE_JURISDICTIONS) | {"generic": "Any jurisdiction"}

# The template select: pick the best match on saving, or start with no steps at all.
TEMPLATE_BEST_MATCH = "best"
TEMPLATE_NONE = "none"

SCHEDULES = [
    ("offset", "A number of days after (or before) the anchor"),
    ("quarterly", "First day of the next listed month, at least that many days after the anchor"),
]

_MAX_OFFSET_DAYS = 3650


def optional_id(value):
    """'' (nobody, none) -> None; '12' -> 12; anything else raises ValueError."""
    if value in ("", None):
        return None
    return int(value)


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
            coerce=int,
            invalid_value_message=CHOOSE_FROM_LIST,
            invalid_choice_message="Tick only the convictions listed here.",
            **kwargs,
        )


class DaysField(IntegerField):
    """A whole number of days, possibly negative, with a message that says what to type."""

    MESSAGE = "Type a whole number of days, for example 42, or -30 for a step before its anchor."

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(self.MESSAGE) from None
        else:
            self.data = None


# ---------------------------------------------------------------- applications

_forum = StringField(
    "Forum / decision maker",
    validators=[Optional(), Length(max=200, message="Keep this under 200 characters.")],
    description="For example: the Governor's Office, the Parole Board, the Superior Court.",
)
_notes = TextAreaField(
    "Notes", validators=[Optional(), Length(max=20000, message="Keep the notes under 20,000 characters.")]
)


class ApplicationCreateForm(BaseForm):
    """Open an application: what is sought, where, from which template, and who works on it."""

    kind = EnumSelectField(
        "Kind of relief",
        enum=ReliefKind,
        blank="— choose —",
        validators=[InputRequired("Choose the kind of relief.")],
    )
    jurisdiction = SelectField(
        "Jurisdiction",
        choices=options([("", "— choose —"), *JURISDICTIONS]),
        validators=[InputRequired("Choose the state whose authorities decide, or Federal.")],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    forum = _forum
    template = SelectField(
        "Steps from template",
        choices=[],
        invalid_choice_message=CHOOSE_FROM_LIST,
        description="The steps and their due dates are copied into the application; you can "
        "change them afterwards.",
    )
    opened_on = DayField(
        "Opened on",
        default=date.today,
        validators=[
            InputRequired("Type the date the work started, as YYYY-MM-DD."),
            NotInFuture("The opening date"),
        ],
        description="Due dates of the steps count from this day.",
    )
    convictions = CheckboxListField("Convictions it targets")
    lead_id = IdSelectField("Lead")
    attorney_contact_id = IdSelectField("Attorney", description="From the organization's contacts directory.")
    notes = _notes

    def application_data(self) -> dict:
        """The submitted values keyed by ReliefApplication attribute (convictions as ids)."""
        return {
            "kind": self.kind.data,
            "jurisdiction": self.jurisdiction.data,
            "forum": self.forum.data,
            "opened_on": self.opened_on.data,
            "lead_id": self.lead_id.data,
            "attorney_contact_id": self.attorney_contact_id.data,
            "notes": self.notes.data,
            "conviction_ids": list(self.convictions.data or []),
        }


class ApplicationEditForm(BaseForm):
    """Where the application stands, and who works on it."""

    status = EnumSelectField("Status", enum=ReliefStatus, validators=[InputRequired("Choose a status.")])
    # No Optional(): the status decides whether the dates are needed (validate_filed_on, validate_decided_on).
    filed_on = DayField(
        "Filed on",
        validators=[NotInFuture("The filing date")],
        description="Needed once the application is filed.",
    )
    decided_on = DayField(
        "Decided on",
        validators=[
            NotInFuture("The decision date"),
            NotBefore("filed_on", "The decision date cannot be before the filing date; check both dates."),
        ],
        description="Needed once the application is granted or denied.",
    )
    outcome = TextAreaField(
        "Outcome",
        validators=[Optional(), Length(max=4000, message="Keep the outcome under 4,000 characters.")],
        description="What was decided, and any conditions.",
    )
    forum = _forum
    lead_id = IdSelectField("Lead")
    attorney_contact_id = IdSelectField("Attorney", description="From the organization's contacts directory.")
    convictions = CheckboxListField("Convictions it targets")
    notes = _notes
    version = VersionField()

    FIELDS = (
        "status",
        "filed_on",
        "decided_on",
        "outcome",
        "forum",
        "lead_id",
        "attorney_contact_id",
        "notes",
    )

    def __init__(self, *args, opened_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.opened_on = opened_on

    def validate_filed_on(self, field):
        """A filed application has a filing date, on or after the day the work started."""
        status = self.status.data
        if status is not None and status.needs_filing and field.data is None and not field.errors:
            raise ValidationError(
                f"Type the date the application was filed, as YYYY-MM-DD: the status "
                f"“{status.label}” means it was filed."
            )
        if field.data and self.opened_on and field.data < self.opened_on:
            raise ValidationError(
                f"The filing date cannot be before the application was opened "
                f"({self.opened_on.isoformat()}); check the date."
            )
        if field.data and status == ReliefStatus.PREPARING:
            raise ValidationError(
                "An application still being prepared has no filing date: clear the date, or "
                "choose the status “Filed”."
            )

    def validate_decided_on(self, field):
        """Granted and denied applications have a decision date; open ones do not."""
        status = self.status.data
        if status in (ReliefStatus.GRANTED, ReliefStatus.DENIED) and field.data is None and not field.errors:
            raise ValidationError(
                f"Type the date of the decision, as YYYY-MM-DD: the application was {status.label.lower()}."
            )
        if field.data and status is not None and not status.is_closed:
            raise ValidationError(
                "Only a granted, denied or withdrawn application has a decision date: clear the "
                "date, or choose the status the decision gave."
            )
        if field.data and self.opened_on and field.data < self.opened_on:
            raise ValidationError(
                f"The decision date cannot be before the application was opened "
                f"({self.opened_on.isoformat()}); check the date."
            )

    def application_data(self) -> dict:
        """The submitted values keyed by ReliefApplication attribute (convictions as ids)."""
        data = {name: self[name].data for name in self.FIELDS}
        data["conviction_ids"] = sorted(self.convictions.data or [])
        return data


# ---------------------------------------------------------------- steps

_step_title = StringField(
    "Step",
    validators=[
        DataRequired("Type what has to be done, for example “Ask the District Attorney for a letter”."),
        Length(max=300, message="Keep the step under 300 characters."),
    ],
)


class StepForm(BaseForm):
    """A step added to an application."""

    title = _step_title
    due_on = DayField("Due on", validators=[Optional()], description="Leave empty if there is no deadline.")

    def step_data(self) -> dict:
        """The submitted values keyed by ReliefStep attribute."""
        return {"title": self.title.data, "due_on": self.due_on.data}


class StepEditForm(StepForm):
    """A step's title and due date changed."""

    version = VersionField()


class StepDoneForm(BaseForm):
    """Mark a step done, on a given day (today unless said otherwise)."""

    done_on = DayField(
        "Done on", default=date.today, validators=[Optional(), NotInFuture("The date it was done")]
    )
    version = VersionField()


class StepVersionForm(BaseForm):
    """An action on a step that takes no input (reopen): only the version it was based on."""

    version = VersionField()


class StepNoteForm(BaseForm):
    """A line for the step's log."""

    note = TextAreaField(
        "Note",
        validators=[
            DataRequired("Type the note to add, for example who you called and what they said."),
            Length(max=2000, message="Keep a note under 2,000 characters."),
        ],
    )


class StepAssignForm(BaseForm):
    """Who does the step."""

    assignee_id = IdSelectField("Assigned to")
    version = VersionField()


# ---------------------------------------------------------------- templates (admin)


class TemplateForm(BaseForm):
    """An organization's own relief template."""

    name = StringField(
        "Name",
        validators=[
            DataRequired("Type a name, for example “Oregon: pardon petition to the Governor”."),
            Length(max=200, message="Keep the name under 200 characters."),
        ],
    )
    jurisdiction = SelectField(
        "Jurisdiction",
        choices=options(TEMPLATE_JURISDICTIONS),
        validators=[InputRequired("Choose a jurisdiction, or “Any jurisdiction”.")],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    kind = EnumSelectField("Kind of relief", enum=ReliefKind, blank="Any kind", validators=[Optional()])
    forum = _forum
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=8000, message="Keep the description under 8,000 characters.")],
        description="The process in a few sentences: who decides, statutory clocks.",
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


class TemplateStepForm(BaseForm):
    """One step of a template and the clock of its due date."""

    title = _step_title
    anchor_position = IdSelectField(
        "Counted from", description="The day the application is opened, or the due date of another step."
    )
    offset_days = DaysField(
        "Days after",
        validators=[InputRequired(DaysField.MESSAGE)],
        default=0,
        description="Negative: that many days before the anchor (a notice before a hearing).",
    )
    schedule = SelectField(
        "Schedule",
        choices=options(SCHEDULES),
        default="offset",
        validators=[InputRequired("Choose a schedule.")],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    schedule_months = StringField(
        "Months of the sittings",
        validators=[Length(max=40)],
        description="Quarterly schedule only: month numbers, for example 3,6,9,12.",
    )
    notes = TextAreaField(
        "Notes", validators=[Optional(), Length(max=4000, message="Keep the notes under 4,000 characters.")]
    )

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
                "Type the months as numbers from 1 to 12 separated by commas, for example 3,6,9,12."
            )

    def step_data(self) -> dict:
        """The submitted values keyed by ReliefTemplateStep attribute (months normalized)."""
        quarterly = self.schedule.data == "quarterly"
        months = parse_months(self.schedule_months.data) if quarterly else None
        return {
            "title": self.title.data,
            "anchor_position": self.anchor_position.data,
            "offset_days": self.offset_days.data,
            "schedule": self.schedule.data,
            "schedule_months": ",".join(str(m) for m in months) if months else None,
            "notes": self.notes.data,
        }


def parse_months(text: str | None) -> list[int] | None:
    """'3, 6,9 ,12' -> [3, 6, 9, 12]; None when empty or not month numbers."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts or not all(p.isdigit() and 1 <= int(p) <= 12 for p in parts):
        return None
    return sorted({int(p) for p in parts})


class MoveForm(BaseForm):
    """Move a template step up or down."""

    direction = SelectField(
        "Direction",
        choices=options([("up", "Up"), ("down", "Down")]),
        validators=[InputRequired("Choose up or down.")],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )


class ConfirmForm(BaseForm):
    """An empty form: its CSRF token confirms a destructive action."""


class TemplateEditForm(TemplateForm):
    """Editing a template: the version it was opened at guards against overwriting another admin's save."""

    version = VersionField()


class TemplateStepEditForm(TemplateStepForm):
    """Editing a template step, with the same guard."""

    version = VersionField()
