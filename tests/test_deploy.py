"""deploy/ holds together: every command compose.yaml, the systemd units and the deploy scripts run is a real
command of the application; every CASEWORK_* name in .env.example is a setting the application reads (the
others are read by compose.yaml, the Caddyfile or the scripts); deploy/new-env writes a usable .env; the
shipped gunicorn configuration loads."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask import Flask

from casework import create_app
from casework.config import Defaults

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SCRIPTS = ("casework-daily", "casework-backup", "casework-scheduler")
APP_SERVICES = {"migrate", "web", "outbox", "scheduler"}


@pytest.fixture(scope="module")
def cli_app(tmp_path_factory) -> Flask:
    """An application only for its command line (no database is touched)."""
    os.environ.setdefault("CASEWORK_INSTANCE_PATH", str(tmp_path_factory.mktemp("deploy-instance")))
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32})


def is_app_command(app: Flask, words: list[str]) -> bool:
    """`flask --app casework WORDS...`: the words name a command (or a group's command) of the application."""
    assert words[:2] == ["--app", "casework"], words
    context = click.Context(app.cli, obj=None)
    command: click.Command | None = app.cli
    with app.app_context():
        for word in words[2:]:
            if word.startswith("-"):
                break
            if not isinstance(command, click.Group):
                return False
            command = command.get_command(context, word)
            if command is None:
                return False
    return command is not app.cli


def flask_lines(text: str) -> list[list[str]]:
    """The arguments of each line of a script that runs `flask` (shell variables left out)."""
    found = []
    for line in text.splitlines():
        words = shlex.split(line.split(" #", 1)[0].strip()) if line.strip().startswith("flask ") else []
        if words:
            found.append([w for w in words[1:] if not w.startswith("$")])
    return found


def check_command_line(app: Flask, argv: list[str]) -> None:
    """One command line of a service: a real app command, the shipped gunicorn config, or a deploy script."""
    program = Path(argv[0]).name
    if program == "flask":
        assert is_app_command(app, argv[1:]), argv
    elif program == "gunicorn":
        assert argv[1] == "-c" and Path(argv[2]).name == "gunicorn.conf.py", argv
        assert (ROOT / "gunicorn.conf.py").is_file() and argv[3] == "casework:create_app()", argv
    else:
        assert program in SCRIPTS and (DEPLOY / program).is_file(), argv
        assert os.access(DEPLOY / program, os.X_OK), program


def test_compose_runs_every_part_with_real_commands(cli_app):
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "web", "outbox", "scheduler", "caddy"} <= set(services)
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile" and service["env_file"] == ".env"
        assert "instance:/var/lib/casework" in service["volumes"]
        check_command_line(cli_app, service["command"])
    assert services["web"]["command"][0] == "gunicorn"
    assert services["outbox"]["command"] == ["flask", "--app", "casework", "send-outbox", "--loop"]
    assert services["migrate"]["command"][3:] == ["db", "upgrade"]
    assert services["scheduler"]["command"] == ["casework-scheduler"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]
    assert services["caddy"]["environment"]["UPSTREAM"] == "web:8000"
    database = services["web"]["environment"]["CASEWORK_SQLALCHEMY_DATABASE_URI"]
    assert database.startswith("postgresql+psycopg://casework:") and database.endswith("@db:5432/casework")
    assert services["web"]["environment"]["CASEWORK_RATELIMIT_STORAGE_URI"].startswith("redis://redis:")


def test_the_scripts_run_only_real_commands(cli_app):
    run_lines = [
        ["--app", "casework", *shlex.split(m)]
        for m in re.findall(r"^run (.+)$", (DEPLOY / "casework-daily").read_text(), re.M)
    ]
    assert [words[2] for words in run_lines] == ["analyze", "purge", "petitions", "prune-sessions", "check"]
    backup = flask_lines((DEPLOY / "casework-backup").read_text())
    assert [words[2] for words in backup] == ["backup", "verify-backup"]
    for words in run_lines + backup:  # casework-daily's run() is `flask --app casework "$@"`
        assert is_app_command(cli_app, words), words
    scheduler = (DEPLOY / "casework-scheduler").read_text()
    assert "casework-backup" in scheduler and "casework-daily" in scheduler


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


@pytest.mark.parametrize(
    "name",
    ["casework.service", "casework-outbox.service", "casework-daily.service", "casework-backup.service"],
)
def test_each_unit_runs_a_real_command_hardened(cli_app, name):
    service = unit(name)["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[0].startswith("/srv/casework/"), argv
    check_command_line(cli_app, argv)
    if "ExecStartPre" in service:
        check_command_line(cli_app, shlex.split(service["ExecStartPre"]))
    for setting, value in {
        "User": "casework",
        "UMask": "0077",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "EnvironmentFile": "/etc/casework/env",
    }.items():
        assert service[setting] == value, (name, setting)


@pytest.mark.parametrize("name", ["casework-daily", "casework-backup"])
def test_each_job_has_its_timer(name):
    timer = unit(f"{name}.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"


def env_example() -> dict[str, str]:
    """NAME=value lines of .env.example, the commented-out ones too."""
    pairs = re.findall(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", (DEPLOY / ".env.example").read_text(), re.M)
    return dict(pairs)


def test_every_casework_name_in_env_example_is_a_setting_the_app_reads():
    code = (
        "\n".join(p.read_text() for p in (ROOT / "casework").rglob("*.py"))
        + (ROOT / "gunicorn.conf.py").read_text()
    )
    known = set(dir(Defaults)) | set(Flask.default_config)
    names = [n for n in env_example() if n.startswith("CASEWORK_")]
    assert len(names) > 15
    unread = [
        n
        for n in names
        if n.removeprefix("CASEWORK_") not in known
        and f'"{n.removeprefix("CASEWORK_")}"' not in code  # app.config["X"], config.get("X")
        and f'"{n}"' not in code  # os.environ["CASEWORK_X"] (gunicorn.conf.py, the backup passphrase)
    ]
    assert unread == []
    for needed in (
        "CASEWORK_SECRET_KEY",
        "CASEWORK_SQLALCHEMY_DATABASE_URI",
        "CASEWORK_RATELIMIT_STORAGE_URI",
        "CASEWORK_PUBLIC_BASE_URL",
        "CASEWORK_TRUSTED_HOSTS",
        "CASEWORK_SMTP_HOST",
        "CASEWORK_SMTP_PORT",
        "CASEWORK_SMTP_TLS",
        "CASEWORK_SMTP_USERNAME",
        "CASEWORK_SMTP_PASSWORD",
        "CASEWORK_MAIL_FROM",
        "CASEWORK_INSTANCE_PATH",
        "CASEWORK_BACKUP_PASSPHRASE",
    ):
        assert needed in names


def test_every_other_name_in_env_example_is_read_by_the_deployment():
    deployment = "\n".join(
        p.read_text()
        for p in [*DEPLOY.iterdir(), *(DEPLOY / "systemd").iterdir()]
        if p.is_file() and p.name != ".env.example"
    )
    others = [n for n in env_example() if not n.startswith("CASEWORK_")]
    compose_itself = {"COMPOSE_PROJECT_NAME", "WEB_CONCURRENCY"}  # read by Compose / gunicorn.conf.py
    unread = [n for n in others if n not in compose_itself and not re.search(rf"\b{n}\b", deployment)]
    assert unread == []
    assert "WEB_CONCURRENCY" in (ROOT / "gunicorn.conf.py").read_text()


def test_env_example_values_start_the_application(tmp_path, monkeypatch):
    """deploy/new-env's file, loaded as compose and systemd load it, gives a production app its settings."""
    target = tmp_path / "env"
    result = subprocess.run(
        ["sh", str(DEPLOY / "new-env"), "casework.riverbend.example", "ops@riverbend.example", str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "CASEWORK_BACKUP_PASSPHRASE" in result.stdout and (target.stat().st_mode & 0o777) == 0o600
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", target.read_text(), re.M))
    assert "change-me" not in values["CASEWORK_SQLALCHEMY_DATABASE_URI"]
    assert values["POSTGRES_PASSWORD"] in values["CASEWORK_SQLALCHEMY_DATABASE_URI"]
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv(
        "CASEWORK_SQLALCHEMY_DATABASE_URI", "sqlite://"
    )  # no server here; the URL is checked above
    monkeypatch.setenv("CASEWORK_RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("CASEWORK_ENV", "production")
    app = create_app()
    assert app.config["PUBLIC_BASE_URL"] == "https://casework.riverbend.example"
    assert app.config["TRUSTED_HOSTS"] == ["casework.riverbend.example"]
    assert app.config["SMTP_TLS"] == "starttls" and app.config["SMTP_PORT"] == 587
    assert (
        app.config["SECRET_KEY"] == values["CASEWORK_SECRET_KEY"] and len(values["CASEWORK_SECRET_KEY"]) == 64
    )
    again = subprocess.run(
        ["sh", str(DEPLOY / "new-env"), "x.example", "a@b.example", str(target)], capture_output=True
    )
    assert again.returncode == 1  # an existing file is never overwritten


def test_gunicorn_loads_the_shipped_configuration(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(
        CASEWORK_ENV="production",
        CASEWORK_PUBLIC_BASE_URL="https://casework.example.org",
        CASEWORK_INSTANCE_PATH=str(tmp_path),
        CASEWORK_SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "c.sqlite"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "casework:create_app()",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_scripts_parse():
    for script in SCRIPTS + ("new-env",):
        assert subprocess.run(["sh", "-n", str(DEPLOY / script)]).returncode == 0, script


def test_the_nightly_backup_and_the_daily_jobs_run_on_a_fresh_installation(tmp_path):
    """casework-backup writes a verified archive and deletes old ones; casework-daily runs every job, exit 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        CASEWORK_ENV="production",
        CASEWORK_PUBLIC_BASE_URL="https://casework.example.org",
        CASEWORK_INSTANCE_PATH=str(tmp_path / "instance"),
        CASEWORK_SQLALCHEMY_DATABASE_URI="sqlite:///" + str(tmp_path / "casework.sqlite"),
        CASEWORK_BACKUP_PASSPHRASE="a passphrase for tests only",
        BACKUP_DIR=str(tmp_path / "backups"),
        BACKUP_KEEP_DAYS="30",
    )

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    assert run("flask", "--app", "casework", "db", "upgrade").returncode == 0
    (tmp_path / "backups").mkdir()
    old = tmp_path / "backups" / "casework-2020-01-01T000000Z.backup"
    old.write_text("an archive from long ago")
    os.utime(old, (0, 0))
    backup = run("sh", str(DEPLOY / "casework-backup"))
    assert backup.returncode == 0, backup.stdout + backup.stderr
    archives = sorted((tmp_path / "backups").glob("casework-*.backup"))
    assert len(archives) == 1 and archives[0] != old  # the new one, verified; the old one deleted
    assert f"Backup written and verified: {archives[0]}" in backup.stdout
    assert (archives[0].stat().st_mode & 0o077) == 0  # private to the service's user
    daily = run("sh", str(DEPLOY / "casework-daily"))
    assert daily.returncode == 0, daily.stdout + daily.stderr
    for step in ("analyze", "purge", "petitions prune", "prune-sessions", "check"):
        assert f"== flask --app casework {step}" in daily.stdout
