"""Logging hygiene: secrets that must live in a URL (calendar feed tokens) never reach a log line."""

from __future__ import annotations

import logging
import re

_SECRET_PATHS = re.compile(r"(/calendar/)[A-Za-z0-9_\-]+(\.ics)")


class RedactSecrets(logging.Filter):
    """Replace secret path segments in a log record with [redacted]."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drop it."""
        message = record.getMessage()
        redacted = _SECRET_PATHS.sub(r"\1[redacted]\2", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install() -> None:
    """Attach the filter to the loggers that print request lines (idempotent)."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "casework"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
