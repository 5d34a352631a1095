"""Configuration order and the generated secret key."""

import os
import stat

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.extensions import db


def test_config_order_instance_file_then_env_then_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text(
        "PEOPLE_PAGE_SIZE = 7\nAUDIT_PAGE_SIZE = 7\nSECRET_KEY = 'from-file'\n"
    )
    monkeypatch.setenv("CASEWORK_AUDIT_PAGE_SIZE", "9")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PEOPLE_PAGE_SIZE"] == 7
    assert app.config["AUDIT_PAGE_SIZE"] == 9
    assert app.config["SECRET_KEY"] == "from-file"
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "AUDIT_PAGE_SIZE": 11})
    assert app.config["AUDIT_PAGE_SIZE"] == 11


def test_database_uri_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_SQLALCHEMY_DATABASE_URI", "sqlite:///" + str(tmp_path / "x.sqlite"))
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CASEWORK_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(tmp_path / "casework.sqlite")


def test_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert len(first) == 64 and key_file.read_text() == first
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"] == first
    other = tmp_path / "other"
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(other))
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"] != first


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_SECRET_KEY", "k" * 40)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_sqlite_page_cache_is_set_on_every_connection(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_SQLITE_CACHE_MB", "8")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "c.sqlite")})
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA cache_size")).scalar() == -8 * 1024
        db.engine.dispose()


@pytest.mark.parametrize("value", ["0", "lots", "-5", "99999"])
def test_sqlite_page_cache_refuses_a_bad_size(tmp_path, monkeypatch, value):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_SQLITE_CACHE_MB", value)
    with pytest.raises(ValueError, match="SQLITE_CACHE_MB"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "c.sqlite")})
