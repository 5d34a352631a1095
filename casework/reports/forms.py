"""The filters of a report page (GET: a community, a case status and two days; nothing personal)."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import Length, Optional

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, options
from casework.i18n import _l
from casework.models import CaseStatus
from casework.reports.filters import ReportFilters

ORDER_MESSAGE = (
    "This day is before the first one: type the earlier day first, for example 2019-01-01 and then "
    "2019-12-31."
)


class ReportFilterForm(BaseForm):
    """Community, case status and the report's two days; validated, with messages that say what to type."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    community = SelectField(
        _l("Community"),
        choices=[],
        validators=[Optional(), Length(max=100, message=_l("Choose a community from the list."))],
        validate_choice=False,
    )
    case_status = EnumSelectField(
        _l("Case status"), enum=CaseStatus, blank="Any status", validators=[Optional()]
    )
    start = DayField(_l("From"), validators=[Optional()])
    end = DayField(_l("To"), validators=[Optional(), NotBefore("start", ORDER_MESSAGE)])

    def fit(self, dates: tuple[str, str] | None, communities: list[str]) -> None:
        """Offer the communities the user sees; name the two days as the report means them (or drop them)."""
        self.community.choices = options([("", "Any community")] + [(c, c) for c in communities])
        if dates is None:
            del self.start
            del self.end
            return
        self.start.label.text, self.end.label.text = dates

    def filters(self) -> ReportFilters:
        """The filters as typed (after a successful validation)."""
        return ReportFilters(
            community=self.community.data or None,
            case_status=self.case_status.data or None,
            start=self.start.data if "start" in self else None,
            end=self.end.data if "end" in self else None,
        )
