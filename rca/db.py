"""Database glue: the SQLAlchemy base, the Flask-SQLAlchemy object and Alembic (Flask-Migrate).

Models are SQLAlchemy 2 typed declarative classes (``Mapped[...]``); every area keeps its own
``models.py`` and imports ``db`` from here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, ForeignKey, MetaData, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedColumn,
    Session,
    declared_attr,
    mapped_column,
)
from sqlalchemy.orm.exc import StaleDataError

#: The providers' time zone (CQC-regulated, England): local times in exports, screens and the
#: report, and the calendar date of "today". Defined here once.
LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_london() -> date:
    return datetime.now(LONDON).date()


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every backend.

    SQLite stores no zone, so values come back naive; this hands them back aware so that naive and
    aware times are never compared (see STYLE.md: dates).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Constraint names must be deterministic so Alembic migrations are reversible on both backends.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)


class EditedRecord:
    """Mixin: who made the record and when, when it last changed, and its optimistic lock, so
    two people saving the same record never silently overwrite each other (``version``;
    ``conflict_if_stale`` turns the clash into the area's conflict). The columns follow the
    model's own, as they did when each model declared them."""

    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


def part_of(table: str) -> MappedColumn[Any]:
    """A reference to the row this one is part of (a review, an action, a cause): deleted with
    it, and indexed, because the parent reads its parts by it. ``Mapped[int | None]`` makes it
    optional (a cause's parent)."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


@contextmanager
def conflict_if_stale(session: Session, conflict: Callable[[], Exception]) -> Iterator[None]:
    """Raise the area's own conflict when a versioned row (``version_id_col``) was saved by
    another transaction between our read and our write.

    SQLAlchemy then raises ``StaleDataError`` from the flush and leaves the session needing a
    rollback, with every instance expired: touching one (even its id) raises
    ``PendingRollbackError``, which is how racing saves used to answer 500. So the session is
    rolled back first, and ``conflict`` builds the exception from plain values or a fresh read.
    """
    try:
        yield
    except StaleDataError:
        session.rollback()
        raise conflict() from None


@event.listens_for(Engine, "connect")
def _sqlite_wal(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: write-ahead logging, so pages (and the evidence pane's progress polling) keep
    reading while a long import holds the one write transaction."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
