"""Changes to relief applications, their steps and the organization's templates.

Operations change models, write the application's history (ReliefEvent) and the audit trail (field names,
never values), and flush; the request's unit of work commits once. Refusals raise casework.errors'
OperationError, edits from an outdated version EditConflict.
"""

from casework.relief.operations.applications import (
    create_application,
    delete_application,
    record_view,
    update_application,
)
from casework.relief.operations.facts import (
    add_counsel,
    add_support,
    delete_support,
    remove_counsel,
    update_prosecutor,
    update_support,
)
from casework.relief.operations.steps import (
    add_step,
    add_step_note,
    assign_step,
    mark_step_done,
    reopen_step,
    update_step,
)
from casework.relief.operations.steps_from_template import apply_revision, newer_revision, preview
from casework.relief.operations.templates import (
    add_template_step,
    copy_template,
    create_template,
    move_template_step,
    remove_template_step,
    set_template_active,
    update_template,
    update_template_step,
)

__all__ = [
    "add_counsel",
    "add_support",
    "delete_support",
    "remove_counsel",
    "update_prosecutor",
    "update_support",
    "apply_revision",
    "newer_revision",
    "preview",
    "add_step",
    "add_step_note",
    "add_template_step",
    "assign_step",
    "copy_template",
    "create_application",
    "create_template",
    "delete_application",
    "mark_step_done",
    "move_template_step",
    "record_view",
    "remove_template_step",
    "reopen_step",
    "set_template_active",
    "update_application",
    "update_step",
    "update_template",
    "update_template_step",
]
