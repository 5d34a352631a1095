"""The legal record of a case, one module per part: convictions, the removal case, the custody timeline,
check-ins and travel documents. This module gathers their names for code that reads the record as a whole."""

from casework.models.checkins import CheckIn, CheckInOutcome
from casework.models.convictions import Conviction, ConvictionLevel, Plea, RemovalGround, TriState
from casework.models.custody import (
    CustodyClock,
    CustodyEvent,
    CustodyKind,
    CustodyState,
    CustodyStatus,
    custody_clock,
    derive_custody,
)
from casework.models.removal import APPEAL_WINDOW_DAYS, OrderType, RemovalCase, RemovalStage, StayStatus
from casework.models.travel_documents import REPATRIATION_AGREEMENTS, TravelDocument, TravelDocumentOutcome

__all__ = [
    "APPEAL_WINDOW_DAYS",
    "REPATRIATION_AGREEMENTS",
    "CheckIn",
    "CheckInOutcome",
    "Conviction",
    "ConvictionLevel",
    "CustodyClock",
    "CustodyEvent",
    "CustodyKind",
    "CustodyState",
    "CustodyStatus",
    "OrderType",
    "Plea",
    "RemovalCase",
    "RemovalGround",
    "RemovalStage",
    "StayStatus",
    "TravelDocument",
    "TravelDocumentOutcome",
    "TriState",
    "custody_clock",
    "derive_custody",
]
