"""Alembic migrations: empty -> head -> base -> head on a fresh database, and no drift from the
models; plus ``flask --app rca db upgrade`` from a shell against a new SQLite file.

The fresh database is a new SQLite file, or on PostgreSQL (RCA_TEST_DATABASE_URL) a database
created for the test and dropped afterwards, so the session app's tables are never touched.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from rca import create_app
from rca.db import db

MIGRATIONS = str(Path(__file__).resolve().parents[1] / "rca" / "migrations")
REPO = Path(__file__).resolve().parents[1]


def _head() -> str:
    from alembic.config import Config

    config = Config(str(Path(MIGRATIONS) / "alembic.ini"))
    config.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(config).get_current_head()  # type: ignore[return-value]


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    configured = os.environ.get("RCA_TEST_DATABASE_URL", "")
    if not configured.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    url = make_url(configured.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"rca_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_app(fresh_database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": fresh_database_url,
            "SECRET_KEY": "migrations-test",
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _drift() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_leaves_no_drift(fresh_app):
    model_tables = {t.name for t in db.metadata.sorted_tables}
    assert _tables() == set(), "the fresh database is not empty"

    upgrade(directory=MIGRATIONS)
    assert model_tables <= _tables()
    assert _drift() == []

    downgrade(directory=MIGRATIONS, revision="base")
    assert _tables() - {"alembic_version"} == set(), "downgrade to base left tables behind"

    upgrade(directory=MIGRATIONS)
    assert model_tables <= _tables()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
    diff = _drift()
    assert diff == [], f"models and migrations differ (write a migration): {diff}"


def test_drift_check_can_fail(fresh_app):
    """The comparison sees a missing column, so its empty answer above means something."""
    upgrade(directory=MIGRATIONS)
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            conn.execute(text("ALTER TABLE review DROP COLUMN depth_override_reason"))
        else:
            conn.execute(text("ALTER TABLE review DROP COLUMN depth_override_reason CASCADE"))
    diff = _drift()
    assert any(d[0] == "add_column" and d[3].name == "depth_override_reason" for d in diff), diff


def test_flask_db_upgrade_from_a_shell_creates_a_new_sqlite_database(tmp_path):
    path = tmp_path / "cli.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "FLASK_APP"}
    env.update(DATABASE_URL=f"sqlite:///{path}", SECRET_KEY="cli-migrations-test")
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [str(flask), "--app", "rca", "db", "upgrade"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.exists()
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert {"review", "user_account", "audit_entry", "service"} <= tables
    assert version == _head()
