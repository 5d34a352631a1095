"""Columns stored sealed (AES-GCM under the data key ring, casework/sealing.py) and read back as text.

The model only names the column; the application's sealing mechanism (registered on the app as
extensions["sealing"]) does the work, so the models import nothing above them. A sealed column can be
written and read, never compared in SQL: equal texts seal differently. The A-number is found by its blind
index instead (Person.a_number_index).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app


def sealer() -> Any:
    """The application's sealing mechanism."""
    return current_app.extensions["sealing"]


class Sealed(sa.types.TypeDecorator):
    """Text sealed for one column: `Sealed("person.a_number")`."""

    impl = sa.Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        return sealer().seal(str(value), self.context)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        return sealer().open_value(value, self.context)

    def process_literal_param(self, value: Any, dialect: sa.Dialect) -> str:
        raise TypeError("a sealed value is never written into SQL text")
