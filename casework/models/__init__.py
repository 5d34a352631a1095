"""The data model: plain typed classes, importing nothing of the application above them."""

from casework.models.accounts import Organization, Role, User, WebSession
from casework.models.advocacy import (
    AdvocacyEvent,
    AdvocacyFigure,
    AdvocacyKind,
    advocacy_event_contact,
    advocacy_event_person,
)
from casework.models.audit import AuditEvent
from casework.models.background import (
    Incarceration,
    PlaceKind,
    Rehabilitation,
    RehabilitationKind,
    Relation,
    RelationKind,
    Residence,
)
from casework.models.base import Base
from casework.models.checkins import CheckIn, CheckInOutcome
from casework.models.consents import PUBLIC_FIELDS, PublicConsent
from casework.models.contacts import CaseContact, Contact, ContactKind
from casework.models.convictions import Conviction, ConvictionLevel, Plea, RemovalGround, TriState
from casework.models.custody import CustodyEvent, CustodyKind, CustodyStatus
from casework.models.deadlines import CalendarFeed
from casework.models.documents import Document, DocumentKind
from casework.models.list_choices import ListChoicesStamp, PeopleListStamp
from casework.models.notes import Note
from casework.models.outbox import OutboxEmail, OutboxStatus
from casework.models.password_reset import PasswordResetToken
from casework.models.people import (
    ArrivalClass,
    CaseAssignment,
    CaseOutcome,
    CaseShare,
    CaseStatus,
    ImmigrationStatus,
    Person,
    ShareLevel,
)
from casework.models.petitions import (
    DeliveryOutcome,
    Petition,
    PetitionCount,
    PetitionDelivery,
    PetitionKind,
    PetitionStatus,
    PetitionTranslation,
    Signature,
    SignatureState,
)
from casework.models.relief import (
    CounselRole,
    ProsecutorPosition,
    ReliefApplication,
    ReliefCounsel,
    ReliefEvent,
    ReliefKind,
    ReliefStatus,
    ReliefStep,
    ReliefTemplate,
    ReliefTemplateStep,
    SupportKind,
    SupportRecord,
    relief_conviction,
)
from casework.models.removal import OrderType, RemovalCase, RemovalStage, StayStatus
from casework.models.security import MfaRequirement, RecoveryCode, SeenNetwork, SignInFailure, TotpFactor
from casework.models.tasks import Task
from casework.models.travel_documents import TravelDocument, TravelDocumentOutcome

__all__ = [
    "ListChoicesStamp",
    "PeopleListStamp",
    "AdvocacyEvent",
    "AdvocacyFigure",
    "AdvocacyKind",
    "advocacy_event_contact",
    "advocacy_event_person",
    "Incarceration",
    "PlaceKind",
    "Rehabilitation",
    "RehabilitationKind",
    "Relation",
    "RelationKind",
    "Residence",
    "CaseOutcome",
    "CounselRole",
    "ProsecutorPosition",
    "ReliefCounsel",
    "SupportKind",
    "SupportRecord",
    "DeliveryOutcome",
    "OutboxEmail",
    "OutboxStatus",
    "MfaRequirement",
    "RecoveryCode",
    "SeenNetwork",
    "SignInFailure",
    "TotpFactor",
    "PasswordResetToken",
    "Petition",
    "PetitionCount",
    "PetitionDelivery",
    "PetitionKind",
    "PetitionStatus",
    "PetitionTranslation",
    "Signature",
    "SignatureState",
    "PUBLIC_FIELDS",
    "Document",
    "DocumentKind",
    "PublicConsent",
    "ArrivalClass",
    "AuditEvent",
    "Base",
    "CalendarFeed",
    "CaseAssignment",
    "CaseContact",
    "CaseShare",
    "CaseStatus",
    "CheckIn",
    "CheckInOutcome",
    "Contact",
    "ContactKind",
    "Conviction",
    "ConvictionLevel",
    "CustodyEvent",
    "CustodyKind",
    "CustodyStatus",
    "ImmigrationStatus",
    "Note",
    "OrderType",
    "Organization",
    "Person",
    "Plea",
    "ReliefApplication",
    "ReliefEvent",
    "ReliefKind",
    "ReliefStatus",
    "ReliefStep",
    "ReliefTemplate",
    "ReliefTemplateStep",
    "RemovalCase",
    "RemovalGround",
    "RemovalStage",
    "Role",
    "ShareLevel",
    "StayStatus",
    "Task",
    "TravelDocument",
    "TravelDocumentOutcome",
    "TriState",
    "User",
    "WebSession",
    "relief_conviction",
]
