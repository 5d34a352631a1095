"""Default configuration. Secrets never live here: see instance/config.py and CASEWORK_* variables."""

from datetime import timedelta


class Defaults:
    """Settings every deployment starts from."""

    # None means "use instance/casework.sqlite"; the factory fills it in.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Server-side sessions: the cookie carries only a random token.
    SESSION_COOKIE_NAME = "casework_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # also set automatically for requests that arrive over HTTPS
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the server-side session
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    RATELIMIT_STORAGE_URI = "memory://"  # use redis://127.0.0.1:6379 in production
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute; 100 per hour"

    PASSWORD_MIN_LENGTH = 12
    PEOPLE_PAGE_SIZE = 50
    AUDIT_PAGE_SIZE = 100

    # Trust X-Forwarded-* headers from this many proxies (gunicorn behind nginx: 1).
    PROXY_FIX = 0
