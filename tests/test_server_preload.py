"""gunicorn.conf.py preloads the application: the start hook uses the application the master loaded (no second
one), and every new worker drops the database connections it inherited from the master."""

from __future__ import annotations

import runpy
import types
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def _server(app):
    loaded = types.SimpleNamespace(wsgi=lambda: app)
    return types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app=True), app=loaded)


def test_the_configuration_preloads():
    assert runpy.run_path(str(CONFIG))["preload_app"] is True


def test_the_start_hook_uses_the_preloaded_application(app, monkeypatch):
    import casework
    from casework.documents import storage

    def no_second_app():
        raise AssertionError("the master built a second application")

    calls = []
    monkeypatch.setattr(casework, "create_app", no_second_app)
    monkeypatch.setattr(storage, "recover_at_start", calls.append)
    runpy.run_path(str(CONFIG))["on_starting"](_server(app))
    assert calls == [app]


def test_a_new_worker_drops_the_masters_connections(app):
    from casework.extensions import db

    with app.app_context():
        engine = db.engine
        with engine.connect():
            pass  # the master's start hook leaves a connection in the pool
        inherited = engine.pool
        assert inherited.checkedin() >= 1
    runpy.run_path(str(CONFIG))["post_fork"](_server(app), None)
    assert engine.pool is not inherited and engine.pool.checkedin() == 0
    inherited.dispose()  # in a real worker the master keeps them; here the test closes them


def test_the_master_loads_without_collecting_and_freezes_what_it_built(app, monkeypatch):
    """Collection is off while the configuration (and with it the application) loads; the start hook, which
    runs before any worker is forked, freezes what the master built and turns collection back on."""
    import gc

    from casework.documents import storage

    monkeypatch.setattr(storage, "recover_at_start", lambda app: None)
    config = runpy.run_path(str(CONFIG))
    assert not gc.isenabled()
    frozen = gc.get_freeze_count()
    config["on_starting"](_server(app))
    assert gc.isenabled() and gc.get_freeze_count() > frozen
