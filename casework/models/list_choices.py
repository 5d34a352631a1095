"""The stamps that say an organization's people list may have changed: its filter choices (migration 0023)
and its pages (migration 0026), which also covers What's due and the dashboard (migration 0027).

Database triggers give a stamp a new random value on every write that can change what it covers, so a cached
copy is good exactly while the stamp it was read with stands. There is no foreign key: triggers may write a
stamp while an organization's rows are being deleted.
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


class PeopleListStamp(Base):
    """One organization's stamp over every page of its people list, What's due and dashboard (no row: nothing
    has changed since the table was created). Triggers on `person`, `case_assignment`, `custody_event` and
    `user_account` move it (migration 0026), and on `check_in`, `removal_case`, `relief_application`,
    `relief_step`, `task` and `travel_document` (0027)."""

    __tablename__ = "people_list_stamp"

    org_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(sa.BigInteger)
