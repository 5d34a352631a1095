"""The data model: plain typed classes, importing nothing of the application above them."""

from casework.models.accounts import Organization, Role, User, WebSession
from casework.models.audit import AuditEvent
from casework.models.base import Base
from casework.models.people import (
    ArrivalClass,
    CaseAssignment,
    CaseShare,
    CaseStatus,
    ImmigrationStatus,
    Person,
    ShareLevel,
)

__all__ = [
    "ArrivalClass",
    "AuditEvent",
    "Base",
    "CaseAssignment",
    "CaseShare",
    "CaseStatus",
    "ImmigrationStatus",
    "Organization",
    "Person",
    "Role",
    "ShareLevel",
    "User",
    "WebSession",
]
