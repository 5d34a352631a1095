"""Default configuration. Secrets never live here: see instance/config.py and CASEWORK_* variables."""

from datetime import timedelta


class Defaults:
    """Settings every deployment starts from."""

    # None means "use instance/casework.sqlite"; the factory fills it in.
    SQLALCHEMY_DATABASE_URI: str | None = None
    # No ping on every checkout: casework.outage pings only connections idle for 30 s; recycled hourly.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 3600}
    # SQLite: FULL syncs every commit to disk, so a power cut loses nothing acknowledged. Tests use OFF.
    SQLITE_SYNCHRONOUS = "FULL"
    # SQLite: each connection's page cache, in MB (held only as pages are read; SQLite's own default is 2).
    SQLITE_CACHE_MB = 64

    # Server-side sessions: the cookie carries only a random token.
    SESSION_COOKIE_NAME = "casework_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # also set automatically for requests that arrive over HTTPS
    # Absolute lifetime, counted from the sign-in; a session unused for SESSION_IDLE_TIMEOUT ends too.
    # Either may be given in seconds (CASEWORK_SESSION_IDLE_TIMEOUT=900).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    # Exports, packets, password and second-factor changes and changes to users ask for the password (and
    # code) again when the last proof is older than this (seconds also accepted).
    REAUTH_AFTER = timedelta(minutes=15)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the server-side session
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    RATELIMIT_STORAGE_URI = "memory://"  # use redis://127.0.0.1:6379 in production
    # Redis down: count in this process instead (said once in the log), so that sign-in and signing go on.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute; 100 per hour"
    # Per account, from any number of addresses (casework.accounts.throttling): failures in the window beyond
    # the free ones make each further attempt wait 2^n seconds (never a lockout); the alert e-mails the user.
    ACCOUNT_FAILURE_WINDOW = 15 * 60
    ACCOUNT_FREE_FAILURES = 5
    ACCOUNT_MAX_DELAY = 15 * 60
    ACCOUNT_ALERT_FAILURES = 10
    # The code step after a right password must be completed within this many seconds.
    MFA_PENDING_SECONDS = 5 * 60

    PASSWORD_MIN_LENGTH = 12
    # Password reset by e-mail: the link's lifetime; requests per client address (beyond: 429) and per e-mail
    # address (beyond: the same answer, but no further e-mail).
    PASSWORD_RESET_MINUTES = 30
    PASSWORD_RESET_RATE_LIMIT = "5 per 15 minutes; 20 per day"  # noqa: S105 (a rate, not a password)
    PASSWORD_RESET_EMAIL_LIMIT = "3 per hour; 10 per day"  # noqa: S105
    PEOPLE_PAGE_SIZE = 50
    # Pages of the people list each server process keeps for staff and admins, until a write changes them
    # (casework.people.choices.LIST_PAGES); 0 keeps none.
    PEOPLE_LIST_PAGES_KEPT = 256
    # What's due and dashboard pages each server process keeps for staff and admins, until a write changes
    # them (casework.deadlines.views.PAGES); 0 keeps none.
    DEADLINE_PAGES_KEPT = 128  # a What's due page is up to ~70 KB: 9 MB per process at most
    # Those pages also kept for the server's other worker processes, sealed (casework.shared_pages): in
    # KEPT_PAGES_SHARED_DIR (default: a private folder in /dev/shm, else instance/kept-pages), at most
    # KEPT_PAGES_SHARED_LIMIT of them and KEPT_PAGES_SHARED_MB in all (a container's /dev/shm is 64 MB), each
    # removed when unused for KEPT_PAGES_SHARED_SECONDS.
    KEPT_PAGES_SHARED = True
    KEPT_PAGES_SHARED_DIR: str | None = None
    KEPT_PAGES_SHARED_LIMIT = 1024
    KEPT_PAGES_SHARED_MB = 16
    KEPT_PAGES_SHARED_SECONDS = 900
    # Each new server worker makes the people list, its searches, What's due and the dashboard once for
    # nobody, in the background, so that no user waits for its templates and SQL to compile
    # (casework.warm_up, started by gunicorn.conf.py).
    WARM_UP = True
    AUDIT_PAGE_SIZE = 100

    # Trust X-Forwarded-* headers from this many proxies (gunicorn behind nginx: 1).
    PROXY_FIX = 0

    # Uploaded documents (None: instance/documents) and PDF rendering bounds.
    DOCUMENTS_DIR: str | None = None
    # At server start (gunicorn.conf.py), finish the uploads a crash interrupted; turn off when the documents
    # folder is shared by servers on several hosts (one may be uploading while another starts).
    DOCUMENTS_RECOVER_AT_START = True
    DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    PDF_TIMEOUT_SECONDS = 60
    PDF_MEMORY_MB = 1536
    # Each worker starts its PDF fork server (about 100 MB) and a first renderer on its first request from a
    # signed-in user, not when its first PDF is asked for (seconds); off: started on that first PDF.
    PDF_START_AHEAD = True

    # Petitions: signer data is encrypted with a key derived from SIGNATURE_KEY; None writes a random one to
    # instance/signature_key on first use (keep it with the database backups: without it names are lost).
    SIGNATURE_KEY: str | None = None
    # "production" unless CASEWORK_ENV=development (or test); debug and TESTING also count as development.
    ENV = "production"
    # The public address every absolute link is built from (e-mails, share links, canonical addresses,
    # calendar feeds), never the request's Host header. Required outside development and tests, where
    # http://localhost:5000 stands in for it.
    PUBLIC_BASE_URL: str | None = None
    # Host names requests may carry (e.g. ["casework.example.org"]); any other Host gets 400. None: any.
    # A comma-separated string is accepted too (CASEWORK_TRUSTED_HOSTS=casework.example.org,localhost).
    TRUSTED_HOSTS: list[str] | None = None
    # Per client address and petition; signatures over it are kept but never counted (and get no e-mail).
    PETITION_SIGN_RATE_LIMIT = "20 per hour; 100 per day"
    # Per client address across all petitions: beyond it the sign form answers 429 (a flood, not a person).
    PETITION_SIGN_FLOOD_LIMIT = "300 per minute"
    PETITION_SIGNATURES_PER_EMAIL = 5  # one mailbox signing under more names than this: over the limit
    PETITION_CONFIRM_HOURS = (
        72  # the e-mailed link expires after this; unconfirmed signatures are then deleted
    )
    PETITION_IP_RETENTION_DAYS = 30  # truncated client networks are dropped after this
    PETITION_ANONYMIZE_DAYS = 90  # after the latest delivery: names, e-mails, comments and ZIP codes erased

    # Outgoing e-mail (flask send-outbox). Without SMTP_HOST nothing is sent and mail waits in the outbox.
    SMTP_HOST: str | None = None
    # How the connection is protected: "starttls" (upgrade a plain connection, port 587), "ssl" (TLS from the
    # first byte, port 465) or "none" (a relay on this host or network only). None: SMTP_STARTTLS decides.
    SMTP_TLS: str | None = None
    SMTP_PORT: int | None = None  # None: 587 for starttls, 465 for ssl, 25 for none
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True  # older setting: False means SMTP_TLS="none"
    # The server's certificate is always verified (and its host name); a server with a certificate from a
    # private authority names that authority's certificate file here (PEM).
    SMTP_CA_FILE: str | None = None
    SMTP_TIMEOUT = 20
    MAIL_FROM = "petitions@localhost"
    OUTBOX_VISIBLE = False  # admins may read the outbox in the web UI (always in development and tests)
    OUTBOX_MAX_ATTEMPTS = 6  # failed sends are retried after 1, 2, 4, 8... minutes, then given up
    # A sender claims a message for this long before sending it; after a crash it is sent again once this
    # has passed (well above the time one message may take: SMTP_TIMEOUT for each step of the conversation).
    OUTBOX_LEASE_SECONDS = 600
    OUTBOX_PURGE_DAYS = 7  # sent and failed mail (it holds signers' addresses) is deleted after this
    # Languages of the staff pages (casework.i18n): English only until their catalogs are translated; with
    # more, each signed-in user's choice, else their browser's. The public pages speak en, km, vi and lo.
    STAFF_LANGUAGES: tuple[str, ...] = ("en",)
