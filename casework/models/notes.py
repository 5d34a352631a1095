"""Notes on a case; privileged ones are for admins, staff and attorneys only."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.accounts import User
from casework.models.base import Base, TimestampMixin
from casework.models.sealed import Sealed


class Note(TimestampMixin, Base):
    """A note on a case. Privileged notes are for staff, admins and attorneys only."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Sealed("note.body"))
    privileged: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    author: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
