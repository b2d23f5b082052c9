"""Writing parsed rows as evidence: staff and people resolved in the service's registers, and the
rows inserted in bulk.

The bulk insert goes through the DBAPI cursor of the session's own connection (same transaction),
with each row a plain tuple: SQLAlchemy's per-row parameter handling for 20 columns was a third
of an import's time. Column values are converted with the dialect's own bind processors (so a
datetime is stored exactly as the ORM would store it) and JSON columns are written as JSON text.
Evidence rows bypass the per-object audit hook on purpose; the EvidenceImport row (audited)
records the import as a whole.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy import Table as SqlTable
from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.kinds import STAFF_CREATING_KINDS
from rca.evidence.models import EvidenceImport, EvidenceRow
from rca.evidence.rows import ParsedRow
from rca.evidence.staff_register import PeopleRegister, StaffRegister


class RowLinker:
    """Resolves a parsed row's staff name and person reference in the service's registers."""

    def __init__(self, session: Session, kind: str, service_id: int, *, write: bool):
        self.kind = kind
        self.staff = StaffRegister(session, service_id, write=write)
        self.people = PeopleRegister(session, service_id, write=write)

    def staff_id(self, row: ParsedRow) -> int | None:
        if not row.staff_name:
            return None
        if self.kind in STAFF_CREATING_KINDS:
            start = row.fields.get("start_date") if self.kind == "staff" else None
            return self.staff.resolve(
                row.staff_name,
                role=row.fields.get("role"),
                employment=row.fields.get("employment"),
                start_date=date.fromisoformat(start) if start else None,
            )
        member = self.staff.find(row.staff_name)
        return member.id if member else None

    def person_id(self, row: ParsedRow) -> int | None:
        return self.people.resolve(row.person_ref) if row.person_ref else None


def evidence_values(
    row: ParsedRow, review_id: int, kind: str, record: EvidenceImport, linker: RowLinker
) -> dict[str, Any]:
    """One evidence_row insert, with its provenance."""
    return {
        "review_id": review_id,
        "kind": kind,
        "occurred_at": row.occurred_at,
        "occurred_on": row.occurred_on,
        "ends_at": row.ends_at,
        "staff_id": linker.staff_id(row),
        "person_id": linker.person_id(row),
        "text": row.text,
        "concern": row.concern,
        "fields": row.fields,
        "cells": row.cells,
        "import_id": record.id,
        "file_name": record.file_name,
        "file_sha256": record.file_sha256,
        "sheet": record.sheet,
        "row_number": row.number,
        "content_hash": row.content_hash,
        "author": None,
        "created_by_id": record.created_by_id,
        "created_at": record.created_at,
    }


def already_imported(session: Session, review_id: int, kind: str) -> set[str]:
    """Every content hash of this review and kind, read once before anything is inserted.

    One read up front rather than an IN (...) per batch: rows inserted by this transaction have
    no planner statistics yet, and PostgreSQL then scans the table for every batch (quadratic).
    """
    return set(
        session.scalars(
            select(EvidenceRow.content_hash).where(
                EvidenceRow.review_id == review_id, EvidenceRow.kind == kind
            )
        )
    )


#: The evidence_row columns a bulk insert writes, in tuple order.
EVIDENCE_COLUMNS = (
    "review_id",
    "kind",
    "occurred_at",
    "occurred_on",
    "ends_at",
    "staff_id",
    "person_id",
    "text",
    "concern",
    "fields",
    "cells",
    "import_id",
    "file_name",
    "file_sha256",
    "sheet",
    "row_number",
    "content_hash",
    "author",
    "created_by_id",
    "created_at",
)
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
# json.dumps's own C encoder built once (dumps builds one per call): the same text as
# json.dumps(value) for the plain dicts of parsed fields, in half the time.
_FIELDS_JSON = (
    c_make_encoder(None, None, encode_basestring_ascii, None, ": ", ", ", False, False, True)
    if c_make_encoder is not None  # CPython's _json; a build without it uses json.dumps
    else lambda value, _level: (json.dumps(value),)
)
#: SQLite page cache during a bulk insert (negative = KiB): 16 MB.
IMPORT_CACHE_KIB = -16384


class EvidenceWriter:
    """Turns parsed rows of one import into evidence_row tuples and inserts them in bulk."""

    def __init__(self, session: Session, record: EvidenceImport, linker: RowLinker):
        self.session = session
        self.record = record
        self.linker = linker
        table: SqlTable = EvidenceRow.__table__  # type: ignore[assignment]
        self.table = table
        dialect = session.get_bind().dialect
        # SQLite (qmark) and psycopg (pyformat, positional %s) are the backends we run on.
        mark = _PLACEHOLDERS[dialect.paramstyle]
        # Built from this module's fixed column names only: no user text reaches the SQL.
        columns, marks = ", ".join(EVIDENCE_COLUMNS), ", ".join([mark] * len(EVIDENCE_COLUMNS))
        self.sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"  # noqa: S608

        def processor(name: str) -> Any:
            type_ = table.c[name].type
            found = type_.dialect_impl(dialect).bind_processor(dialect)
            return found or (lambda value: value)

        self._datetime = processor("occurred_at")
        if dialect.name == "sqlite":
            self._datetime = sqlite_datetime
        self._date = processor("occurred_on")
        self._bool = processor("concern")
        self._days: dict[date, Any] = {}
        self._sqlite_cache: Any = None
        # The same for every row of the file: converted once.
        self.constant = {
            "import_id": record.id,
            "file_name": record.file_name,
            "file_sha256": record.file_sha256,
            "sheet": record.sheet,
            "author": None,
            "created_by_id": record.created_by_id,
            "created_at": processor("created_at")(record.created_at),
        }

    def values(self, row: ParsedRow, review_id: int, kind: str, cells_json: str) -> tuple[Any, ...]:
        """One row's tuple, in EVIDENCE_COLUMNS order."""
        day = row.occurred_on
        if day is not None:
            stored_day = self._days.get(day)
            if stored_day is None:
                stored_day = self._days[day] = self._date(day)
        else:
            stored_day = None
        c = self.constant
        return (
            review_id,
            kind,
            None if row.occurred_at is None else self._datetime(row.occurred_at),
            stored_day,
            None if row.ends_at is None else self._datetime(row.ends_at),
            self.linker.staff_id(row),
            self.linker.person_id(row),
            row.text,
            self._bool(row.concern),
            "".join(_FIELDS_JSON(row.fields, 0)),
            cells_json,
            c["import_id"],
            c["file_name"],
            c["file_sha256"],
            c["sheet"],
            row.number,
            row.content_hash,
            None,
            c["created_by_id"],
            c["created_at"],
        )

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        """executemany on the session's connection, in the session's transaction."""
        if not rows:
            return
        connection = self.session.connection()
        if self._sqlite_cache is None and connection.dialect.name == "sqlite":
            # A bigger page cache while the file goes in: the content-hash index takes its keys
            # in random order, and the default 2 MB cache re-reads pages (about 15% faster).
            self._sqlite_cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
            connection.exec_driver_sql(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
        connection.exec_driver_sql(self.sql, rows)

    def close(self) -> None:
        """Give the connection its own page cache size back."""
        if self._sqlite_cache is not None:
            cache = int(self._sqlite_cache)
            self.session.connection().exec_driver_sql(f"PRAGMA cache_size = {cache}")
            self._sqlite_cache = None


def sqlite_datetime(value: datetime) -> str:
    """An aware datetime as SQLAlchemy's SQLite dialect stores it (UTC, naive, with
    microseconds: "2026-03-03 14:30:00.000000"), without its per-value dict formatting."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    text = value.replace(tzinfo=None).isoformat(" ")
    return text if value.microsecond else text + ".000000"
