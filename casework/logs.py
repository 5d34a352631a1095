"""Logging hygiene: no secret and no personal data reaches a log line.

Every log record of the process (the app's, werkzeug's and gunicorn's request lines, SQLAlchemy's, a
traceback's text) passes through `redact` when it is made:
- secrets that must live in a URL are masked: petition confirmation tokens, calendar feed tokens, password
  reset tokens;
- query-string values are masked (searches hold names; form values are never logged);
- client addresses are cut to their network: /24 for IPv4, /48 for IPv6;
- the values a database quotes back in its errors (PostgreSQL's DETAIL line: "Key (a_number)=(...)",
  "Failing row contains (...)") and anything shaped like an A-number are masked.
SQL parameters themselves are kept out by the engine (`hide_parameters`, set in the application factory).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import traceback

MASK = "[redacted]"

_SECRET_PATHS = (
    re.compile(r"(/confirm/)[^/\s\"'?#]+"),  # petition confirmation: /p/<slug>/confirm/<token>
    re.compile(r"(/calendar/)[^/\s\"'?#.]+"),  # calendar feed: /calendar/<token>.ics
    re.compile(r"(/account/reset/)[^/\s\"'?#]+"),  # password reset: /account/reset/<token>
)
_QUERY_VALUE = re.compile(r"([?&][^=&\s\"'#]+=)[^&\s\"'#]+")
# PostgreSQL's DETAIL quotes the row or key, whose values may hold line breaks: masked up to what follows it in
# an error's text (SQLAlchemy's [SQL: ...], a HINT, the next exception of a traceback) or the end.
_DATABASE_DETAIL = re.compile(
    r"(DETAIL:).*?(?=\n\[SQL: |\nHINT: |\nCONTEXT: |\n\(Background on this error|\n\nThe above exception"
    r"|\n\nDuring handling|\nTraceback \(most recent|\Z)",
    re.DOTALL,
)
_QUOTED_INPUT = re.compile(r"(invalid input (?:syntax|value)[^:\n]*:\s*)\"[^\"\n]*\"")
_A_NUMBER = re.compile(r"(?<![\w.])A?-?\d{3}-?\d{3}-?\d{2,3}(?![\w.])")
_IPV4 = re.compile(r"(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\w.])")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


def _cut_ipv4(match: re.Match) -> str:
    parts = match.groups()
    if any(int(p) > 255 for p in parts):
        return match.group(0)
    address = ipaddress.IPv4Address(match.group(0))
    if address.is_loopback or address.is_unspecified:  # this machine: the server's own address, no one's
        return match.group(0)
    return f"{parts[0]}.{parts[1]}.{parts[2]}.0/24"


def _cut_ipv6(match: re.Match) -> str:
    text = match.group(0)
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return text  # a time of day, or anything else with colons
    if address.is_loopback or address.is_unspecified:
        return text
    return str(ipaddress.IPv6Network((address, 48), strict=False))


def cut_address(address: str | None) -> str:
    """A client address cut to its network (/24, /48), for logs and pages that show where someone was."""
    if not address:
        return "-"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network((ip, prefix), strict=False))


def redact(text: str) -> str:
    """The text with secrets, query values, client addresses and database-quoted values masked."""
    for pattern in _SECRET_PATHS:
        text = pattern.sub(rf"\1{MASK}", text)
    text = _QUERY_VALUE.sub(rf"\1{MASK}", text)
    text = _DATABASE_DETAIL.sub(rf"\1 {MASK}", text)
    text = _QUOTED_INPUT.sub(rf"\1{MASK}", text)
    text = _A_NUMBER.sub(MASK, text)
    text = _IPV4.sub(_cut_ipv4, text)
    return _IPV6_CANDIDATE.sub(_cut_ipv6, text)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record in place: its message (formatted now) and the text of its traceback."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string is logging's own business to report
        return record
    redacted = redact(message)
    if redacted != message:
        record.msg, record.args = redacted, ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactSecrets(logging.Filter):
    """A filter that redacts (never drops) records, for handlers set up outside the application."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; keep it."""
        redact_record(record)
        return True


_installed = False


def install() -> None:
    """Redact every log record of the process when it is made (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args, **kwargs) -> logging.LogRecord:
        return redact_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(redacting_factory)
    _installed = True
