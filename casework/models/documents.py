"""Documents uploaded to a case, and the person's consent to make some facts public."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.accounts import User
from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column
from casework.models.sealed import Sealed


class DocumentKind(LabelledEnum):
    """What an uploaded document is."""

    SUPPORT_LETTER = "support_letter"
    COURT_RECORD = "court_record"
    DECISION = "decision"
    IMMIGRATION_RECORD = "immigration_record"
    CERTIFICATE = "certificate"
    PHOTO = "photo"
    OTHER = "other"


class Document(TimestampMixin, Base):
    """A file attached to a case (PDF, JPEG or PNG), stored outside the web root under a random name."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), default=DocumentKind.OTHER)
    filename: Mapped[str] = mapped_column(sa.String(255))  # as uploaded; shown, never used as a path
    content_type: Mapped[str] = mapped_column(sa.String(50))  # detected from the content
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    privileged: Mapped[bool] = mapped_column(default=False)
    # The key the file is sealed with (casework.sealed_files.seal_file), itself sealed by the data key ring.
    file_key: Mapped[str | None] = mapped_column(Sealed("document.file_key"), deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
