"""Casework: case management for deportation-defense advocates."""

from __future__ import annotations

import logging
import os
import secrets
import stat
import time
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from casework.config import Defaults
from casework.unit_of_work import CaseworkFlask

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """templates/ or migrations/: inside the package when installed from a wheel, else at the top of the
    checkout (the repository keeps them there)."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else SOURCE_ROOT / name


def _default_instance_path() -> str | None:
    """instance/ of the checkout; for an installed wheel, Flask's own default (<prefix>/var/casework-instance)."""
    if (PACKAGE_DIR / "templates").is_dir():
        return None
    return str(SOURCE_ROOT / "instance")


def create_app(config: dict | None = None) -> Flask:
    """Application factory: defaults, then instance/config.py, then CASEWORK_* variables, then `config`."""
    # Every file the service writes is private (the database and its WAL and journal, documents, keys,
    # backups): readable by the service's own user only, whatever umask the service was started with.
    os.umask(0o077)
    app = CaseworkFlask(
        __name__,
        template_folder=str(resource_dir("templates")),
        instance_path=os.environ.get("CASEWORK_INSTANCE_PATH") or _default_instance_path(),
        instance_relative_config=True,
    )
    app.url_rule_class = BuiltOnFirstUse
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("CASEWORK")
    if config:
        app.config.update(config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "casework.sqlite"
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = _without_jit(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    # A failed statement's values (A-numbers, names, a whole imported record) never reach a log or an error.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        "hide_parameters": True,
    }
    _tighten_permissions(app)
    _check_hosts(app)
    _check_petition_settings(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))

    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from casework.accounts import passwords

    passwords.configure(app.config.get("ARGON2_TIME_COST"), app.config.get("ARGON2_MEMORY_COST"))
    from casework import sealing

    sealing.init_app(app)
    _init_extensions(app)
    app.url_map.converters["int"] = DatabaseInt
    from casework import cli, features, logs, pdf_ahead, urls, web

    features.init_app(app)
    pdf_ahead.init_app(app)

    logs.install()
    web.init_app(app)
    urls.init_app(app)
    cli.init_app(app)
    return app


def _without_jit(options: dict) -> dict:
    """PostgreSQL engine options whose sessions never compile a statement by JIT: every statement here is
    short, and a compilation costs more than it saves (the dashboard's counts by stage, a 2 ms statement whose
    estimate crosses jit_above_cost, took 130 ms more to compile)."""
    connect_args = dict(options.get("connect_args", {}))
    connect_args["options"] = f"{connect_args.get('options', '')} -c jit=off".strip()
    return {**options, "connect_args": connect_args}


def _check_hosts(app: Flask) -> None:
    """TRUSTED_HOSTS as a list (a comma-separated string is accepted); PUBLIC_BASE_URL set outside development."""
    from casework.urls import check_public_base_url

    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()] or None
    check_public_base_url(app)


def _check_petition_settings(app: Flask) -> None:
    """Refuse to start with PETITION_SIGNATURES_PER_EMAIL out of range (rather than fail each signature)."""
    from casework.petitions.signing import mailbox_places

    mailbox_places(app.config)


def _tighten_permissions(app: Flask) -> None:
    """Make private what an earlier start (under a looser umask) left readable by others: the instance
    folder and its files, the SQLite database with its WAL and journal, the documents folder and files.

    One lstat per file (a documents folder may hold a hundred thousand files, read at every start)."""
    instance = Path(app.instance_path)
    folders = [instance, Path(app.config.get("DOCUMENTS_DIR") or instance / "documents")]
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    databases = []
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        databases = [url.database + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    for folder in folders:
        _make_private(str(folder), 0o700)
    for folder in folders:
        try:
            entries = os.scandir(folder)
        except OSError:  # absent (a first start), or not a folder
            continue
        with entries:
            for entry in entries:
                _make_private(entry.path, 0o600, entry)
    for database in databases:
        _make_private(database, 0o600)


def _make_private(path: str, mode: int, entry: os.DirEntry | None = None) -> None:
    """Give `path` `mode` when it is a folder (0o700) or a regular file (0o600) with other bits; never
    through a symbolic link. A path that is not ours (a folder shared by the operator) is logged, not fatal."""
    try:
        info = entry.stat(follow_symlinks=False) if entry is not None else os.lstat(path)
        kind_matches = stat.S_ISDIR(info.st_mode) if mode == 0o700 else stat.S_ISREG(info.st_mode)
        if kind_matches and stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        return
    except OSError as exc:
        logging.getLogger(__name__).warning("%s could not be made private: %s", path, exc.strerror)


class DatabaseInt(IntegerConverter):
    """`<int:...>` in every route: ids beyond a database integer are 404, not an overflow error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class BuiltOnFirstUse(Rule):
    """A URL rule whose URL builders are compiled on its first `url_for`, not when the route is added.

    Werkzeug compiles two Python functions per route as it is added (about 1 ms each): a third of building the
    application, all of it before the server can answer. Deferred, each worker compiles only the routes it
    links to, once; matching requests is unchanged."""

    def _compile_builder(self, append_unknown: bool = True):
        def build(rule: Rule, *args, **kwargs):
            compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, "_build_unknown" if append_unknown else "_build", compiled)  # once per process
            return compiled(*args, **kwargs)

        return build


def _instance_secret_key(instance: Path) -> str:
    """Read instance/secret_key, creating it (mode 0600) on first start; never a known default.

    No stored data depends on this key (sessions live in the database under random tokens; it signs only
    forms in progress), so a lost one may be replaced; but never silently: when the instance folder shows
    an earlier start (a database, documents, a signature key), the replacement is logged with the way back.
    """
    path = instance / "secret_key"
    if not path.exists():
        earlier = [n for n in ("signature_key", "casework.sqlite", "documents") if (instance / n).exists()]
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker wrote it first
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            if earlier:
                logging.getLogger(__name__).warning(
                    "%s was missing and a new key was written (open forms must be submitted again); "
                    "to keep the old one, restore it: flask --app casework restore ARCHIVE",
                    path,
                )
    for _ in range(50):  # a worker that won the race may not have written yet
        if text := path.read_text().strip():
            return text
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it and start again")


def _init_extensions(app: Flask) -> None:
    from casework import (
        models,  # noqa: F401  (every table registered before Alembic looks)
        schema_migrations,
    )
    from casework.extensions import configure_rate_limit_storage, csrf, db, limiter, login_manager
    from casework.models import name_search
    from casework.outage import init_app as recognize_database_outages
    from casework.sessions import DatabaseSessionInterface

    db.init_app(app)
    schema_migrations.init_app(
        app,
        db=db,
        directory=str(resource_dir("migrations")),
        render_as_batch=True,
        include_object=name_search.include_object,
    )
    csrf.init_app(app)
    configure_rate_limit_storage(app)
    limiter.init_app(app)
    # No context processor of Flask-Login's: it loads the signed-in user for every template, even one that
    # never names them (the public pages); templates get the lazy `current_user` (casework.web) instead.
    login_manager.init_app(app, add_context_processor=False)
    app.session_interface = DatabaseSessionInterface()
    from casework import i18n, unit_of_work

    # A request that ends before its view (a hook's redirect, no such page) gives its connection back here.
    app.teardown_request(unit_of_work.end_request_connection)

    i18n.init_app(app)
    recognize_database_outages(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            synchronous = _SQLITE_SYNCHRONOUS[str(app.config["SQLITE_SYNCHRONOUS"]).upper()]
            cache_kib = _sqlite_cache_kib(app.config["SQLITE_CACHE_MB"])
            from sqlalchemy import event

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_connection, record):
                cur = dbapi_connection.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute(f"PRAGMA synchronous={synchronous}")
                # A page cache per connection, filled as pages are read: SQLite's default (2 MB) is
                # smaller than the people table's indexes at 100,000 people, so a search re-read them.
                cur.execute(f"PRAGMA cache_size=-{cache_kib}")
                cur.close()

        elif db.engine.dialect.name == "postgresql":
            from casework.unit_of_work import begin_before_writes

            begin_before_writes(db.engine)


def _sqlite_cache_kib(megabytes) -> int:
    """SQLITE_CACHE_MB in KiB, refused unless a whole number from 1 to 4096 (it is put into a PRAGMA)."""
    if isinstance(megabytes, bool) or not isinstance(megabytes, int) or not 1 <= megabytes <= 4096:
        raise ValueError(
            f"SQLITE_CACHE_MB must be a whole number of megabytes from 1 to 4096, not {megabytes!r}"
        )
    return megabytes * 1024


# SQLite's durability settings by name; anything else is refused rather than pasted into a PRAGMA.
_SQLITE_SYNCHRONOUS = {"OFF": "OFF", "NORMAL": "NORMAL", "FULL": "FULL", "EXTRA": "EXTRA"}
