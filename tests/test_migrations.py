"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from casework.extensions import db
from casework.models import Base


def test_models_and_migrations_agree(app):
    """The test database was built by `flask db upgrade`; autogenerate must find nothing to add."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_flask_db_upgrade_from_the_command_line(tmp_path):
    env = {"CASEWORK_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin", "CASEWORK_SECRET_KEY": "x" * 32}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "casework.sqlite").exists()
    check = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "db", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
