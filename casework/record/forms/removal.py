"""The removal case form: stage, court, dates, order and stay."""

from __future__ import annotations

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from casework.forms import BaseForm, DayField, EnumSelectField, NotBefore, NotInFuture, VersionField
from casework.i18n import _l, gettext
from casework.models import OrderType, RemovalStage, StayStatus
from casework.record.forms.fields import OptionalUnless, max_length


class RemovalCaseForm(BaseForm):
    """The removal proceedings: stage, court, dates, order and stay."""

    stage = EnumSelectField(
        _l("Stage"),
        enum=RemovalStage,
        default=RemovalStage.NO_PROCEEDINGS,
        validators=[InputRequired(_l("Choose where the removal case stands."))],
    )
    court = StringField(
        _l("Immigration court"),
        validators=[Optional(), max_length(200)],
        description=_l("For example Boston Immigration Court."),
    )
    nta_date = DayField(
        _l("Notice to Appear issued on"), validators=[Optional(), NotInFuture("The Notice to Appear date")]
    )
    next_hearing_on = DayField(
        _l("Next hearing"), validators=[Optional()], description=_l("May be in the future.")
    )
    order_date = DayField(
        _l("Order of removal entered on"),
        validators=[
            OptionalUnless(
                lambda form: form.stage.data == RemovalStage.FINAL_ORDER,
                "A final order of removal needs its date: type the order date as YYYY-MM-DD, "
                "or choose another stage.",
            ),
            NotInFuture("The order date"),
            NotBefore(
                "nta_date", "The order date cannot be before the Notice to Appear date; check both dates."
            ),
        ],
    )
    order_type = EnumSelectField(
        _l("Kind of order"), enum=OrderType, blank="— no order —", validators=[Optional()]
    )
    appeal_waived = BooleanField(
        _l("Appeal to the BIA waived"),
        description=_l(
            "Tick when the person waived appeal at the hearing: the order is final when entered, and "
            "there is no appeal deadline."
        ),
    )
    stay_status = EnumSelectField(
        _l("Stay of removal"),
        enum=StayStatus,
        default=StayStatus.NONE,
        validators=[InputRequired(_l("Choose the stay status, or “No stay”."))],
    )
    # the post-order custody clock pauses from the day a stay is granted and resumes the day it ends:
    # without these dates the clock would be wrong
    stay_granted_on = DayField(
        _l("Stay granted on"),
        validators=[
            OptionalUnless(
                lambda form: form.stay_status.data in (StayStatus.GRANTED, StayStatus.ENDED),
                "Type the date the stay was granted as YYYY-MM-DD (the custody clock pauses from that day).",
            ),
            NotInFuture("The date the stay was granted"),
        ],
    )
    stay_ended_on = DayField(
        _l("Stay ended on"),
        validators=[
            OptionalUnless(
                lambda form: form.stay_status.data == StayStatus.ENDED,
                "Type the date the stay ended as YYYY-MM-DD (the custody clock resumes from that day).",
            ),
            NotInFuture("The date the stay ended"),
            NotBefore("stay_granted_on", "The stay cannot end before it was granted; check both dates."),
        ],
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), max_length(8000)])
    version = VersionField()

    RECORD_FIELDS = (
        "stage",
        "court",
        "nta_date",
        "next_hearing_on",
        "order_date",
        "order_type",
        "appeal_waived",
        "stay_status",
        "stay_granted_on",
        "stay_ended_on",
        "notes",
    )

    def validate_stay_ended_on(self, field):
        """Only a stay that has ended has an end date."""
        if self.stay_status.data != StayStatus.ENDED:
            raise ValidationError(
                gettext(
                    "Only a stay that has ended has an end date: choose “Stay ended” "
                    "as the stay status, or clear this date."
                )
            )

    def validate_appeal_waived(self, field):
        """Only an order that was entered can have its appeal waived."""
        if field.data and not self.order_date.data:
            raise ValidationError(
                gettext(
                    "Only an order can have its appeal waived: type the order date, or untick “Appeal to the BIA "
                    "waived”."
                )
            )

    def record_data(self) -> dict:
        """The submitted values keyed by RemovalCase attribute."""
        return {name: self[name].data for name in self.RECORD_FIELDS}
