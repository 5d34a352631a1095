"""The forms of an application's steps: add, change, mark done or reopen, note, assign."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework import clock
from casework.forms import BaseForm, DayField, NotInFuture, VersionField, options
from casework.i18n import _l
from casework.models import ReliefStatus
from casework.relief.forms.fields import STEP_TITLE, IdSelectField


class StepForm(BaseForm):
    """A step added to an application."""

    title = STEP_TITLE
    due_on = DayField(
        _l("Due on"), validators=[Optional()], description=_l("Leave empty if there is no deadline.")
    )

    def step_data(self) -> dict:
        """The submitted values keyed by ReliefStep attribute."""
        return {"title": self.title.data, "due_on": self.due_on.data}


class StepEditForm(StepForm):
    """A step's title changed, or its due date set by hand (the rule does not move it), or given back to
    the rule."""

    due_on = DayField(
        _l("Due on"),
        validators=[Optional()],
        description=_l("A date typed here is set by hand: the rule no longer moves it."),
    )
    follow_rule = BooleanField(_l("Let the rule set the date again (forget the date set by hand)"))
    version = VersionField()

    def step_data(self) -> dict:
        """The submitted values: title, the due date typed, and whether to follow the rule again."""
        return {
            "title": self.title.data,
            "due_on": self.due_on.data,
            "follow_rule": bool(self.follow_rule.data),
        }


class StepDoneForm(BaseForm):
    """Mark a step done, on a given day (today unless said otherwise)."""

    done_on = DayField(
        _l("Done on"), default=clock.today, validators=[Optional(), NotInFuture("The date it was done")]
    )
    # Only the decision step shows it: what was decided, which closes the application.
    outcome = SelectField(
        _l("Decision"),
        choices=options([("", "— choose —"), ("granted", "Granted"), ("denied", "Denied")]),
        default="",
        invalid_choice_message="Choose granted or denied.",
    )
    version = VersionField()

    @property
    def outcome_status(self) -> ReliefStatus | None:
        """The chosen outcome as a status, if any."""
        return ReliefStatus(self.outcome.data) if self.outcome.data else None


class StepVersionForm(BaseForm):
    """An action on a step that takes no input (reopen): only the version it was based on."""

    version = VersionField()


class StepNoteForm(BaseForm):
    """A line for the step's log."""

    note = TextAreaField(
        _l("Note"),
        validators=[
            DataRequired(_l("Type the note to add, for example who you called and what they said.")),
            Length(max=2000, message=_l("Keep a note under 2,000 characters.")),
        ],
    )


class StepAssignForm(BaseForm):
    """Who does the step."""

    assignee_id = IdSelectField(_l("Assigned to"))
    version = VersionField()
