"""Forms of relief applications, their steps, and the organization's relief templates."""

from casework.relief.forms.applications import (
    TEMPLATE_BEST_MATCH,
    TEMPLATE_NONE,
    ApplicationCreateForm,
    ApplicationEditForm,
)
from casework.relief.forms.facts import CounselForm, ProsecutorForm, SupportForm
from casework.relief.forms.fields import JURISDICTION_NAMES, JURISDICTIONS, TEMPLATE_JURISDICTIONS
from casework.relief.forms.steps import (
    StepAssignForm,
    StepDoneForm,
    StepEditForm,
    StepForm,
    StepNoteForm,
    StepVersionForm,
)
from casework.relief.forms.templates import (
    MoveForm,
    TemplateEditForm,
    TemplateForm,
    TemplateStepEditForm,
    TemplateStepForm,
    parse_months,
)

__all__ = [
    "JURISDICTIONS",
    "JURISDICTION_NAMES",
    "TEMPLATE_BEST_MATCH",
    "TEMPLATE_JURISDICTIONS",
    "TEMPLATE_NONE",
    "ApplicationCreateForm",
    "ApplicationEditForm",
    "CounselForm",
    "ProsecutorForm",
    "SupportForm",
    "MoveForm",
    "StepAssignForm",
    "StepDoneForm",
    "StepEditForm",
    "StepForm",
    "StepNoteForm",
    "StepVersionForm",
    "TemplateEditForm",
    "TemplateForm",
    "TemplateStepEditForm",
    "TemplateStepForm",
    "parse_months",
]
