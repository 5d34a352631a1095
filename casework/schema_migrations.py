"""Flask-Migrate, loaded only when a migration command or function first needs it.

Flask-Migrate imports Alembic, and Alembic every SQL dialect it knows: about a tenth of the application's
start-up, which no web server needs. `init_app` puts in its place an `app.extensions["migrate"]` that sets up
Flask-Migrate on its first use (`flask_migrate.upgrade()`, the restore command's script directory), and has
`flask db ...` set it up before the command is looked up.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask

COMMAND = "db"


class _MigrateOnFirstUse:
    """Stands in `app.extensions["migrate"]` until it is used: then Flask-Migrate is set up (which replaces this
    object with its own configuration and adds its `db` commands) and the attribute is read from that."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self._app = app
        self._options = options

    def load(self) -> Any:
        """Set up Flask-Migrate on the application; its configuration."""
        from flask_migrate import Migrate

        Migrate(self._app, command=COMMAND, **self._options)
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.load(), name)


def init_app(app: Flask, **options: Any) -> None:
    """Register the migrations (`flask db`, `flask_migrate.upgrade()`) with `options` for Flask-Migrate."""
    app.extensions["migrate"] = _MigrateOnFirstUse(app, options)
    get_command, list_commands = app.cli.get_command, app.cli.list_commands

    def get_command_loading_migrations(ctx: click.Context, name: str) -> click.Command | None:
        stand_in = app.extensions.get("migrate")
        if name == COMMAND and isinstance(stand_in, _MigrateOnFirstUse):
            stand_in.load()
        return get_command(ctx, name)

    def list_commands_with_migrations(ctx: click.Context) -> list[str]:
        return sorted({*list_commands(ctx), COMMAND})

    app.cli.get_command = get_command_loading_migrations  # type: ignore[method-assign, assignment]
    app.cli.list_commands = list_commands_with_migrations  # type: ignore[method-assign]
