"""The errors every feature shares. Operations raise them; views turn them into messages, never into a 500."""

from __future__ import annotations


class OperationError(ValueError):
    """A request that cannot be carried out; the message tells the user why and what to do instead.

    Features may subclass it to tell refusals apart (an upload, an import, a packet), but catching
    OperationError always catches them all. The request's unit of work is rolled back by the view helper
    that catches it, so nothing an operation did before refusing is kept.
    """


class EditConflict(Exception):
    """Someone saved the object after the user opened the form: `fields` are the ones that now differ."""

    def __init__(self, fields: list[str] | None = None) -> None:
        super().__init__("the record was saved by someone else in the meantime")
        self.fields: list[str] = list(fields or [])


class WriteInReadOnlyRequest(RuntimeError):
    """A GET (or HEAD) request tried to change something other than the audit trail."""
