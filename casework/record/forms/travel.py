"""The travel document form: ICE's request to a consulate and what the consulate decided."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, NotInFuture, VersionField, options
from casework.i18n import _l, gettext
from casework.models import TravelDocumentOutcome
from casework.models.travel_documents import REPATRIATION_AGREEMENTS
from casework.record.forms.fields import ListSelectField, OptionalUnless, max_length

DECIDED = (TravelDocumentOutcome.ISSUED, TravelDocumentOutcome.REFUSED)


class TravelDocumentForm(BaseForm):
    """ICE's request to a consulate for a travel document, and what the consulate decided."""

    country = StringField(
        _l("Country asked"),
        validators=[
            DataRequired(_l("Type the country whose consulate was asked, for example Cambodia.")),
            max_length(100),
        ],
    )
    agreement = ListSelectField(
        _l("Repatriation agreement"),
        validators=[Optional()],
        choices=options([("", "— none or not known —")] + [(a, a) for a in REPATRIATION_AGREEMENTS]),
    )
    requested_on = DayField(_l("Requested on"), validators=[Optional(), NotInFuture("The request date")])
    interview_on = DayField(
        _l("Consular interview"),
        validators=[
            Optional(),
            NotBefore(
                "requested_on", "The consular interview cannot be before the request; check both dates."
            ),
        ],
        description=_l("May be in the future."),
    )
    outcome = EnumSelectField(
        _l("Outcome"),
        enum=TravelDocumentOutcome,
        default=TravelDocumentOutcome.PENDING,
        validators=[InputRequired(_l("Choose the outcome, or “Requested, no decision”."))],
    )
    decided_on = DayField(
        _l("Decided on"),
        validators=[
            OptionalUnless(
                lambda form: form.outcome.data in DECIDED,
                "Type the date the consulate decided as YYYY-MM-DD (needed when the document "
                "was issued or refused).",
            ),
            NotInFuture("The decision date"),
            NotBefore("requested_on", "The decision cannot be before the request; check both dates."),
        ],
    )
    expires_on = DayField(_l("Document expires on"), validators=[Optional()])
    refusal_reason = StringField(
        _l("Reason given for the refusal"),
        validators=[Optional(), max_length(300)],
        description=_l("For example “not a citizen of Cambodia”."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), max_length(4000)])
    version = VersionField()

    RECORD_FIELDS = (
        "country",
        "agreement",
        "requested_on",
        "interview_on",
        "outcome",
        "decided_on",
        "expires_on",
        "refusal_reason",
        "notes",
    )

    def validate_decided_on(self, field):
        """A pending request has no decision date."""
        if self.outcome.data == TravelDocumentOutcome.PENDING:
            raise ValidationError(
                gettext(
                    "A request still pending has no decision date: choose the outcome, or clear this date."
                )
            )

    def validate_expires_on(self, field):
        """Only an issued document expires, and after it was issued."""
        if not field.data:
            return
        if self.outcome.data != TravelDocumentOutcome.ISSUED:
            raise ValidationError(
                gettext(
                    "Only an issued document expires: choose “Issued” as the outcome, or clear this date."
                )
            )
        decided = self.decided_on.data
        if decided and field.data <= decided:
            raise ValidationError(
                gettext("The expiry date must be after the decision date; check both dates.")
            )

    def validate_refusal_reason(self, field):
        """Only a refused request has a refusal reason."""
        if field.data and self.outcome.data != TravelDocumentOutcome.REFUSED:
            raise ValidationError(
                gettext(
                    "Only a refused request has a refusal reason: choose “Refused” as the "
                    "outcome, or clear the reason."
                )
            )

    def record_data(self) -> dict:
        """The submitted values keyed by TravelDocument attribute."""
        data = {name: self[name].data for name in self.RECORD_FIELDS}
        data["agreement"] = data["agreement"] or None
        return data
