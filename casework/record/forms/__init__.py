"""Forms of the legal record, one module per part: convictions, the removal case, custody, check-ins, travel
documents."""

from casework.record.forms.checkins import CheckInForm
from casework.record.forms.convictions import ConvictionForm
from casework.record.forms.custody import CustodyEventForm, CustodyPeriodForm, VoidForm
from casework.record.forms.removal import RemovalCaseForm
from casework.record.forms.travel import TravelDocumentForm

__all__ = [
    "CheckInForm",
    "ConvictionForm",
    "CustodyEventForm",
    "CustodyPeriodForm",
    "RemovalCaseForm",
    "TravelDocumentForm",
    "VoidForm",
]
