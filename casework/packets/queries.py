"""What the packet builder reads: the documents of a case the user may put into a packet."""

from __future__ import annotations

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import Document, Person, User


def printable_documents(user: User, person: Person) -> list[Document]:
    """The case's documents the user may see, oldest first (the candidate exhibits)."""
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(Document.person_id == person.id, access.documents_filter(user))
            .order_by(Document.created_at, Document.id)
        )
    )
