"""Production server configuration: gunicorn -c gunicorn.conf.py "casework:create_app()".

Every value can be changed from the environment without editing this file:

    CASEWORK_BIND                address to listen on (127.0.0.1:8000; behind nginx or another TLS proxy)
    WEB_CONCURRENCY              worker processes (3)
    CASEWORK_THREADS             threads per worker (4)
    CASEWORK_PDF_TIMEOUT_SECONDS the PDF time limit the application applies (60); the worker timeout is above it

Why these choices:
- gthread workers: a thread waiting for a PDF (made in a child process, casework.pdf) leaves the worker's
  other threads free, so /healthz and ordinary pages are answered while PDFs are made.
- `timeout` is above the PDF limit, so that the application's own limit fires first and the user gets a page
  saying so, never a worker killed mid-request.
- `max_requests` with jitter recycles workers one at a time (slow leaks never pile up), every 20,000
  requests or so: a new worker starts cold (no pages kept; its templates and SQL not compiled until its
  warm-up has run, a second or two, casework/warm_up.py), and recycling every 2,000 made a worker serving 600
  pages a second pay that every few seconds; `graceful_timeout` lets requests in progress finish on a restart
  or a recycle.
- `on_starting` runs in the master before any worker exists, so no upload can be in flight: it finishes the
  uploads a crash interrupted (casework.documents.storage.recover_interrupted_uploads). This assumes the
  documents folder belongs to this server alone; with a folder shared by servers on several hosts set
  CASEWORK_DOCUMENTS_RECOVER_AT_START=false and run `flask --app casework sweep-uploads` instead.
- `preload_app`: the master builds the application once (all imports done there) and every worker is a fork
  of it, so the server answers its first request about as soon as the master has loaded (and a recycled
  worker starts in milliseconds). `post_fork` drops, in each new worker, the database connections inherited
  from the master (each worker opens its own). A code change therefore needs a restart, not a HUP. The master
  also starts the one PDF fork server the workers share (`on_starting`).
- `post_worker_init`: a new worker makes its busiest pages once, in the background, for nobody
  (casework/warm_up.py): its first users find its templates and SQL compiled.
- The access log carries no query strings (searches hold names), no referrers and no user agents, and the
  secret parts of links (petition confirmations, calendar feeds) are masked.
"""

from __future__ import annotations

import gc
import os
import re
import traceback

# No garbage collection while the master imports and builds the application: a quarter of the start-up went
# to collections that find nothing to free (start-up objects live as long as the server). `on_starting`
# freezes what was built and turns collection back on, before any worker is forked (Python's gc.freeze
# pattern: the workers' collections never touch, and so never copy, the pages they share with the master).
gc.disable()

from gunicorn.glogging import Logger  # noqa: E402

from casework.logs import cut_address  # noqa: E402

_pdf_limit = int(float(os.environ.get("CASEWORK_PDF_TIMEOUT_SECONDS", "60")))

bind = os.environ.get("CASEWORK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# The application reads this to warn at start when its rate limits would be counted per worker (memory://).
os.environ["CASEWORK_WORKERS"] = str(workers)
worker_class = "gthread"
threads = int(os.environ.get("CASEWORK_THREADS", "4"))

timeout = _pdf_limit + 30  # above the PDF limit: the application answers first
graceful_timeout = _pdf_limit + 10  # a PDF in progress may finish on a restart
keepalive = 5

max_requests = 20_000
max_requests_jitter = 2_000

# Heartbeat files in memory, so that a busy disk never looks like a stuck worker (gunicorn makes them with
# mkstemp, private to its user).
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

# gunicorn 27's control socket has one default path per user: two instances on a host would fight over it.
# Reloads and stops go through signals (HUP, TERM) from the service manager instead.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = "info"
# %(U)s is the path without the query string; no %(r)s (it holds the query), %(f)s (referrer), %(a)s (agent).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# A path segment that looks like a token (long, random): confirmation links, calendar feeds.
_TOKEN = re.compile(r"[A-Za-z0-9_\-.~%]{20,}")


preload_app = True


def _preloaded(server):
    """The Casework application the master loaded (preload_app), or None."""
    if server is None or not server.cfg.preload_app:
        return None
    from casework import CaseworkFlask

    app = server.app.wsgi()  # gunicorn keeps the loaded application: this loads nothing again
    return app if isinstance(app, CaseworkFlask) else None


def on_starting(server) -> None:
    """In the master, before any worker starts: rename the committed uploads a crash left as `.part` and
    delete the others; start the PDF fork server every worker will fork its renderers from (it loads
    WeasyPrint once for all of them, in the background and below them: casework/pdf_server.py); then keep
    what the master built out of every later collection, and collect again."""
    from casework import create_app, pdf_server
    from casework.documents.storage import recover_at_start

    try:
        app = _preloaded(server)
        recover_at_start(app or create_app())
        if app is not None and app.config.get("PDF_START_AHEAD", True):
            pdf_server.start_now(app.config.get("PDF_NICENESS", 10))
    finally:
        gc.freeze()
        gc.enable()


def post_fork(server, worker) -> None:
    """In each new worker, before it serves: forget the master's database connections (never shared between
    processes; each worker's pool opens its own). (Its PDF renderers, forked from the master's fork server,
    start on its first staff request: casework/pdf_ahead.py.)"""
    app = _preloaded(server)
    if app is None:
        return
    from casework.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def post_worker_init(worker) -> None:
    """In each new worker, its application loaded: make its busiest pages once on a thread of its own, for
    nobody, so that its first users do not wait for its templates and SQL to compile (casework/warm_up.py;
    CASEWORK_WARM_UP=false turns it off)."""
    from casework import CaseworkFlask, warm_up

    app = getattr(worker, "wsgi", None)
    if isinstance(app, CaseworkFlask):
        warm_up.start(app)


# What gunicorn's atoms read of the environ besides headers and environ atoms ("u" reads the Authorization).
_ENVIRON_ATOMS = (
    "REMOTE_ADDR",
    "REQUEST_METHOD",
    "RAW_URI",
    "SERVER_PROTOCOL",
    "PATH_INFO",
    "QUERY_STRING",
    "HTTP_REFERER",
    "HTTP_USER_AGENT",
    "HTTP_AUTHORIZATION",
)


class _WithoutHeaders:
    """A response as gunicorn's atoms read it, without its headers."""

    headers = ()

    def __init__(self, response):
        self.status = response.status
        self.sent = getattr(response, "sent", None)


# The access line as shipped. gunicorn makes it from some twenty atoms, each escaped, for the five it shows: about
# a tenth of the processor time gunicorn itself spends on a request; `RedactingLogger.access` makes this one
# directly, the same line.
SHIPPED_ACCESS_FORMAT = access_log_format


def _escaped(text: str) -> str:
    """A value as gunicorn's atoms hold it in a line: its double quotes escaped."""
    return text.replace('"', '\\"')


class RedactingLogger(Logger):
    """The access log without secrets: token-like path segments are replaced by "…"."""

    def access(self, resp, req, environ, request_time):
        """The access line: the shipped format made directly (any other format: gunicorn's own way)."""
        if self.cfg.access_log_format != SHIPPED_ACCESS_FORMAT:
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        path = _TOKEN.sub("…", environ.get("PATH_INFO") or "")
        line = '%s "%s %s" %s %s %sms' % (  # noqa: UP031 - the format gunicorn's line has
            self.now(),
            _escaped(environ.get("REQUEST_METHOD") or "-"),
            _escaped(path),
            status,
            sent,  # None when nothing was sent: gunicorn's line says "None" too
            request_time.seconds * 1000 + int(request_time.microseconds / 1000),
        )
        try:
            self.access_log.info(line)
        except Exception:  # noqa: BLE001 - as gunicorn's own access(): a line that fails is reported, never raised
            self.error(traceback.format_exc())
        return None

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's log atoms, with the path masked and the query string, request line and headers empty."""
        if "}" not in self.cfg.access_log_format:
            # The format names no header or environ atom ({name}i, {name}o, {name}e): gunicorn would still make
            # one for every request header, response header and environ key (some sixty), on every request.
            resp, req = _WithoutHeaders(resp), ()
            environ = {key: environ[key] for key in _ENVIRON_ATOMS if key in environ}
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _TOKEN.sub("…", atoms.get("U", ""))
        atoms["q"] = ""
        atoms["r"] = f"{atoms.get('m', '')} {atoms['U']} {atoms.get('H', '')}"
        atoms["f"] = atoms["a"] = "-"
        atoms["h"] = cut_address(atoms.get("h"))  # a client's network (/24, /48), never the whole address
        return atoms


logger_class = RedactingLogger
