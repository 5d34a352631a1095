"""Flask extensions, created unbound and initialised by the application factory."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from typing import Any

from flask import Blueprint, Flask, g, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from flask_wtf.csrf import CSRFProtect
from limits.storage import RedisClusterStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from casework.models.base import Base

logger = logging.getLogger("casework.ratelimit")


class FallbackLimiter(Limiter):
    """A Limiter that outlives its storage (Redis): when the storage fails, every count (the routes'
    decorators and direct `limiter.limiter.hit(...)` calls alike) goes to in-process limits instead of
    failing the request; the switch is logged once, and Flask-Limiter goes back to the storage when it
    answers again."""

    _switching = threading.Lock()  # two requests failing at once log the switch once

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.self_counting_blueprints: set[str] = set()

    def counts_its_own_limits(self, blueprint: Blueprint) -> Blueprint:
        """Exempt every route of `blueprint` from the limits Flask-Limiter checks by itself (default,
        application and meta limits), and skip that check on its requests: its views count what limits them
        themselves, in one round trip (the public petition pages: casework.petitions.sign_limits)."""
        self.exempt(blueprint)
        self.self_counting_blueprints.add(blueprint.name)
        return blueprint

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        """Flask-Limiter's check of the request's limits, but for the blueprints that count their own, and but
        the check before every request when it could find no limit to count."""
        if request.blueprint in self.self_counting_blueprints:
            return
        if in_middleware and callable_name is None and self._no_limit_before_views():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _no_limit_before_views(self) -> bool:
        """Whether Flask-Limiter's check before the request's view would count nothing: no application, default,
        meta or blueprint limit is set and no limited callable has run under this endpoint (a route's own
        limits are checked by its decorator, not here). About a twentieth of a kept page's processor time went
        to finding that out on every request. While the storage is down the library's check runs as before (it
        is also where it notices the storage answering again)."""
        manager = self.limit_manager
        try:
            return not (
                self._storage_dead
                or manager._application_limits
                or manager._default_limits
                or manager._blueprint_limits
                or self._meta_limits
                or self._in_memory_fallback
                or manager.has_hints(request.endpoint or "")
            )
        except AttributeError:  # a Flask-Limiter of other internals: let it check as it does
            return False

    @property
    def limiter(self) -> RateLimiter:
        """The strategy to count with: the storage's, guarded, or the in-memory one while the storage is down."""
        strategy = super().limiter
        if strategy is self._fallback_limiter or not self._in_memory_fallback_enabled:
            return strategy
        return _Guarded(self, strategy)  # type: ignore[return-value]

    def hit_all(self, hits: list[tuple[Any, tuple[str, ...]]]) -> list[bool]:
        """Count one hit on each (limit, identifiers): True for each limit still respected. With a Redis storage
        and fixed windows, all of them in one round trip (one script); otherwise (memory, another strategy, or the
        storage down: the in-process fallback) one `hit` each, as `limiter.hit` counts them."""
        strategy = super().limiter
        storage = getattr(strategy, "storage", None)
        if isinstance(strategy, FixedWindowRateLimiter) and isinstance(storage, RedisStorage):
            try:
                counts = _count_hits(storage, hits)
                return [int(count) <= item.amount for count, (item, _) in zip(counts, hits, strict=True)]
            except Exception as exc:  # noqa: BLE001 - any storage client error means "storage down"
                fallback = self.storage_failed(exc)
                if fallback is None:
                    raise
                return [fallback.hit(item, *ids) for item, ids in hits]
        return [self.limiter.hit(item, *ids) for item, ids in hits]

    def storage_failed(self, error: Exception) -> RateLimiter | None:
        """Switch to the in-memory limits after a storage error; None when no fallback is configured."""
        if not self._in_memory_fallback_enabled or self._fallback_limiter is None:
            return None
        with self._switching:
            if self._storage_dead:
                return self._fallback_limiter
            logger.warning(
                "rate limit storage unreachable (%s: %s): using in-process limits until it answers again",
                error.__class__.__name__,
                str(error).splitlines()[0][:200] if str(error) else "",
            )
            self._storage_dead = True
        return self._fallback_limiter


# Every hit of a request in one script: each key counted (INCRBY) and given its expiry when new, as the
# storage's own script does for one key. One command, where a pipeline of one script per hit cost the Python
# client as much again per hit.
_INCR_EXPIRE_ALL = """
local counts = {}
for i, key in ipairs(KEYS) do
    local amount = tonumber(ARGV[2 * i])
    local current = redis.call("incrby", key, amount)
    if tonumber(current) == amount then
        redis.call("expire", key, ARGV[2 * i - 1])
    end
    counts[i] = current
end
return counts
"""


def _count_hits(storage: RedisStorage, hits: list[tuple[Any, tuple[str, ...]]]) -> list[Any]:
    """Count every hit in one call: INCRBY, and EXPIRE on a new key, for each, by one script (redis-py's
    registered script: EVALSHA, and when Redis does not know the script yet, after a restart or a SCRIPT FLUSH,
    nothing was counted: it loads the script and sends it once more). A Redis Cluster, whose keys may live on
    several nodes, gets one pipelined script per hit instead."""
    client: Any = storage.get_connection()  # a redis.Redis (typed as a protocol without pipelines)
    keys = [storage.prefixed_key(item.key_for(*ids)) for item, ids in hits]
    if not isinstance(storage, RedisClusterStorage):
        arguments = [value for item, _ in hits for value in (item.get_expiry(), 1)]
        return count_all_script(storage)(keys=keys, args=arguments, client=client)
    from redis.exceptions import (
        NoScriptError,  # redis is an optional dependency: only a Redis storage gets here
    )

    script = storage.lua_incr_expire
    for attempt in (1, 2):
        # By its SHA: a registered script in a pipeline would first cost a SCRIPT EXISTS round trip.
        pipe = client.pipeline(transaction=False)
        for key, (item, _) in zip(keys, hits, strict=True):
            pipe.evalsha(script.sha, 1, key, item.get_expiry(), 1)
        try:
            return pipe.execute()
        except NoScriptError:
            if attempt == 2:
                raise
            script.sha = client.script_load(script.script)
    raise AssertionError("unreachable")


def count_all_script(storage: RedisStorage) -> Any:
    """_INCR_EXPIRE_ALL registered with the storage's client, once per storage (as the storage keeps its own)."""
    script = getattr(storage, "casework_count_all", None)
    if script is None:
        client: Any = storage.get_connection()  # a redis.Redis (typed as a protocol)
        script = client.register_script(_INCR_EXPIRE_ALL)
        storage.casework_count_all = script  # type: ignore[attr-defined]
    return script


class _Guarded:
    """A rate limiting strategy whose storage errors turn into a switch to the in-memory fallback."""

    def __init__(self, extension: FallbackLimiter, strategy: RateLimiter):
        self._extension = extension
        self._strategy = strategy

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._strategy, name)
        if not callable(attribute):
            return attribute

        def guarded(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - any storage client error means "storage down"
                fallback = self._extension.storage_failed(exc)
                if fallback is None:
                    raise
                return getattr(fallback, name)(*args, **kwargs)

        return guarded


def client_network_key() -> str:
    """The per-address limits' key: the client's IPv4 address, or its /64 for IPv6 (one household or server
    holds a whole /64, so keying on the full address would hand an attacker endless keys)."""
    address = get_remote_address() or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def worker_processes() -> int:
    """How many worker processes the server says it runs (gunicorn.conf.py sets CASEWORK_WORKERS)."""
    for name in ("CASEWORK_WORKERS", "WEB_CONCURRENCY"):
        value = os.environ.get(name, "").strip()
        if value.isdigit():
            return int(value)
    return 1


def warn_about_process_local_limits(app: Flask) -> bool:
    """Log a warning when limits are counted in memory while several workers run (each would count on its
    own: three workers, three times the tries). True when the warning was given."""
    workers = worker_processes()
    if workers <= 1 or not str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        return False
    logger.warning(
        "RATELIMIT_STORAGE_URI is memory:// but %d worker processes run: each counts sign-in attempts on its "
        "own, so the limits are %d times weaker. With more than one worker Redis is required: set "
        "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 (CASEWORK_RATELIMIT_STORAGE_URI).",
        workers,
        workers,
    )
    return True


def configure_rate_limit_storage(app: Flask) -> None:
    """Short timeouts for a Redis limit storage, so that a dead Redis costs a request a second, not a minute;
    a warning when the limits would be counted per worker."""
    warn_about_process_local_limits(app)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        app.config["RATELIMIT_STORAGE_OPTIONS"] = options


# `g` keys set by casework.unit_of_work: the connection a request opened before its ORM session, for that
# session to run on, and the instances read on it that the ORM session, once made, holds from the start.
ORM_SESSION_CONNECTION = "_orm_session_connection"
HELD_FOR_ORM_SESSION = "_held_for_orm_session"


class RequestSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session; in a request that opened a connection before it (a signed-in GET on
    PostgreSQL reads its session's row on one: `casework.unit_of_work.request_read_connection`), it runs on
    that connection and begins by holding what was read there (the signed-in user), so that a page kept
    whole, which needs no ORM session, makes none."""

    def __init__(self, db: SQLAlchemy, **options: Any) -> None:
        super().__init__(db, **options)
        if has_request_context():
            for instance in g.get(HELD_FOR_ORM_SESSION, ()):
                self.add(instance)

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """The request's connection when it opened one for this session; otherwise Flask-SQLAlchemy's engine."""
        if bind is None and has_request_context():
            connection = g.get(ORM_SESSION_CONNECTION)
            if connection is not None:
                return connection
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


# The models subclass our own typed DeclarativeBase (casework.models.base.Base) so that they import
# nothing of the application; Flask-SQLAlchemy only needs to share its metadata. On a connection the request
# opened (RequestSession), the session's commit and rollback are the connection's, as on one of its own.
db = SQLAlchemy(
    metadata=Base.metadata,
    session_options={"class_": RequestSession, "join_transaction_mode": "control_fully"},
)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = FallbackLimiter(key_func=client_network_key)
