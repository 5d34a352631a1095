"""Signing counts its limits in one call: with Redis, the flood limit and the rate limits of a signature go in
one round trip, one script (no other Redis call), and the answers stay as they were: 303 until the flood limit,
then 429; over the rate limit the signature is kept as over_limit."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from casework.models import Signature
from tests.conftest import require_service
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import sign

REDIS = "redis://127.0.0.1:6379"


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_app(another_app):
    """The test database, with the limits in Redis under a key prefix of this test's own."""
    require_service(_redis_answers(), f"Redis is not reachable at {REDIS}")
    return another_app(
        {
            "RATELIMIT_STORAGE_URI": REDIS,
            "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": f"test-{uuid.uuid4().hex}"},
            "PETITION_SIGN_FLOOD_LIMIT": "4 per minute",
            "PETITION_SIGN_RATE_LIMIT": "2 per hour; 100 per day",
        }
    )


def test_a_signature_counts_its_limits_in_one_redis_round_trip(
    redis_app, login_as, make_person, db, monkeypatch
):
    import redis.client
    from limits.storage import RedisStorage

    make_published(login_as, make_person, db)
    round_trips = []
    execute_command = redis.client.Redis.execute_command

    def counted(client, *args, **options):
        if args and str(args[0]).upper() == "EVALSHA":
            round_trips.append(int(args[2]))  # the keys counted in this one call
        return execute_command(client, *args, **options)

    def not_one_by_one(*args, **kwargs):
        raise AssertionError("a limit counted on its own round trip")

    monkeypatch.setattr(redis.client.Redis, "execute_command", counted)
    monkeypatch.setattr(redis.client.Pipeline, "execute", not_one_by_one)
    monkeypatch.setattr(RedisStorage, "incr", not_one_by_one)
    client = redis_app.test_client()
    codes = [sign(client, name=f"Signer {i}", email=f"s{i}@example.org").status_code for i in range(5)]
    assert codes == [303, 303, 303, 303, 429]  # the flood limit: 4 per minute from one address
    assert round_trips == [3] * 5  # each post: one call with the flood limit and the two rate limits
    states = sorted(db.scalars(sa.select(Signature.state)))
    assert states == ["over_limit", "over_limit", "pending", "pending"]  # the rate limit: 2 per hour
