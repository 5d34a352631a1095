"""The limits a post to the public signing form counts against, all in one call to the limit storage.

PETITION_SIGN_FLOOD_LIMIT is per client network across all petitions (beyond it the form answers 429);
PETITION_SIGN_RATE_LIMIT is per (client address, petition): a signature over it is kept, marked over_limit.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import current_app, has_request_context
from limits import parse_many

from casework.extensions import client_network_key, limiter


def count_limits(petition_id: int | None, client_address: str | None) -> tuple[bool, bool]:
    """Count this request against the flood limit (PETITION_SIGN_FLOOD_LIMIT, per client network across all
    petitions) and, for a signature (`petition_id`), against PETITION_SIGN_RATE_LIMIT for (client address,
    petition): one call to the limit storage (one Redis round trip). Returns (flooding, over the rate limit)."""
    config = current_app.config
    hits: list[tuple[Any, tuple[str, ...]]] = []
    if has_request_context():  # a post to the public form (the demo data signs from the command line)
        network = client_network_key()
        hits = [
            (limit, ("petition-flood", network))
            for limit in _parsed_limits(config["PETITION_SIGN_FLOOD_LIMIT"])
        ]
    flood = len(hits)
    if petition_id is not None:
        who = client_address or "unknown"
        for limit in _parsed_limits(config["PETITION_SIGN_RATE_LIMIT"]):
            hits.append((limit, ("petition-sign", str(petition_id), who)))
    allowed = limiter.hit_all(hits)
    return not all(allowed[:flood]), not all(allowed[flood:])


@functools.lru_cache(maxsize=8)
def _parsed_limits(text: str) -> tuple:
    return tuple(parse_many(text))
