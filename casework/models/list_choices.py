"""The stamp that says an organization's people-list filter choices may have changed (migration 0020).

Database triggers on `person` and `user_account` give it a new random value on every write that can change
a choice, so a cached copy of the choices is good exactly while the stamp it was read with stands. There is
no foreign key: triggers may write a stamp while an organization's rows are being deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base


class ListChoicesStamp(Base):
    """One organization's stamp (no row: nothing has changed since the table was created)."""

    __tablename__ = "list_choices_stamp"

    org_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(sa.BigInteger)
