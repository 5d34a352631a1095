"""Tasks on a case: a title, a due date, an assignee, done or not."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.accounts import User
from casework.models.base import Base, TimestampMixin


class Task(TimestampMixin, Base):
    """A to-do on a case, with an optional due date and assignee."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date | None] = mapped_column(index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    done_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")

    # What's due counts open tasks by day from this index alone.
    __table_args__ = (sa.Index("ix_task_open_due", "done_on", "due_on", "person_id"),)
    __mapper_args__ = {"version_id_col": version}
