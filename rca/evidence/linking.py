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

from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import repeat
from typing import Any

from sqlalchemy import Table as SqlTable
from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.columns import ParsedBatch
from rca.evidence.kinds import STAFF_CREATING_KINDS
from rca.evidence.models import EvidenceImport, EvidenceRow, RejectedRow
from rca.evidence.rows import ParsedRow
from rca.evidence.staff_register import PeopleRegister, StaffRegister


class RowLinker:
    """Resolves a parsed row's staff name and person reference in the service's registers."""

    def __init__(self, session: Session, kind: str, service_id: int, *, write: bool):
        self.kind = kind
        self.staff = StaffRegister(session, service_id, write=write)
        self.people = PeopleRegister(session, service_id, write=write)

    def staff_id(self, row: ParsedRow) -> int | None:
        fields = row.fields
        return self._staff(
            row.staff_name, fields.get("role"), fields.get("employment"), fields.get("start_date")
        )

    def person_id(self, row: ParsedRow) -> int | None:
        return self.people.resolve(row.person_ref) if row.person_ref else None

    def staff_ids(self, batch: ParsedBatch, chosen: list[int]) -> list[int | None]:
        """The staff id of each chosen row of a batch (registering new names, in row order, for
        the kinds that bring staff in; the others look each distinct name up once)."""
        if self.kind in STAFF_CREATING_KINDS:
            roles, employment, starts = (
                batch.field_values(key) for key in ("role", "employment", "start_date")
            )
            return [self._staff(batch.staff[k], roles[k], employment[k], starts[k]) for k in chosen]
        names = [batch.staff[k] for k in chosen]
        found = {n: self._staff(n, None, None, None) for n in set(names) if n}
        return [found[n] if n else None for n in names]

    def _staff(
        self, name: str | None, role: str | None, employment: str | None, start: str | None
    ) -> int | None:
        """Kinds that bring staff in register the name with its details (a staff list's start
        date among them); the others only find it."""
        if not name:
            return None
        if self.kind not in STAFF_CREATING_KINDS:
            member = self.staff.find(name)
            return member.id if member else None
        return self.staff.resolve(
            name,
            role=role,
            employment=employment,
            start_date=date.fromisoformat(start) if self.kind == "staff" and start else None,
        )

    def person_ids(self, references: list[str | None]) -> list[int | None]:
        """The person id of each reference (registering new ones in the order they come)."""
        ids = {ref: self.people.resolve(ref) for ref in dict.fromkeys(references) if ref}
        return [ids[ref] if ref else None for ref in references]


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


def already_reported(
    session: Session, review_id: int, kind: str, sha256: str, sheet: str | None
) -> set[int]:
    """Row numbers of this file (its SHA-256 and sheet) already put under "needs attention" in
    this review by an earlier import, open or since corrected: a re-import reports them once."""
    earlier = select(EvidenceImport.id).where(
        EvidenceImport.review_id == review_id,
        EvidenceImport.kind == kind,
        EvidenceImport.file_sha256 == sha256,
        EvidenceImport.sheet.is_(None) if sheet is None else EvidenceImport.sheet == sheet,
    )
    return set(
        session.scalars(
            select(RejectedRow.row_number).where(
                RejectedRow.review_id == review_id, RejectedRow.import_id.in_(earlier)
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
    "row_number",
    "content_hash",
    "author",
    "created_by_id",
    "created_at",
)
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
#: SQLite page cache during a bulk insert (negative = KiB): 16 MB.
IMPORT_CACHE_KIB = -16384


class EvidenceWriter:
    """Turns parsed rows of one import into evidence_row tuples and inserts them in bulk."""

    def __init__(self, session: Session, record: EvidenceImport, linker: RowLinker):
        self.session = session
        self.record = record
        self.linker = linker
        self.review_id, self.kind = record.review_id, record.kind
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
        self._sqlite_cache: Any = None
        # The same for every row of the file: converted once.
        self.constant = {
            "import_id": record.id,
            "file_name": record.file_name,
            "author": None,
            "created_by_id": record.created_by_id,
            "created_at": processor("created_at")(record.created_at),
        }

    def rows(
        self, batch: ParsedBatch, chosen: list[int], cells: list[str]
    ) -> list[tuple[Any, ...]]:
        """The tuples (in EVIDENCE_COLUMNS order) of the ``chosen`` usable rows of a batch, with
        ``cells`` their original cells as JSON."""

        def pick(column: list[Any]) -> list[Any]:
            return column if len(chosen) == len(column) else [column[k] for k in chosen]

        stored = self._datetime
        days = {d: self._date(d) for d in set(pick(batch.occurred_on)) if d is not None}
        days[None] = None  # type: ignore[index]
        c = self.constant
        return list(
            zip(
                repeat(self.review_id),
                repeat(self.kind),
                self._occurred_at(batch, pick),
                map(days.__getitem__, pick(batch.occurred_on)),
                [None if e is None else stored(e) for e in pick(batch.ends_at)],
                self.linker.staff_ids(batch, chosen),
                self.linker.person_ids(pick(batch.person)),
                pick(batch.text),
                map(self._bool, pick(batch.concern)),
                pick(batch.fields_json),
                cells,
                repeat(c["import_id"]),
                repeat(c["file_name"]),
                pick(batch.numbers),
                pick(batch.hashes),
                repeat(None),
                repeat(c["created_by_id"]),
                repeat(c["created_at"]),
            )
        )

    def _occurred_at(self, batch: ParsedBatch, pick: Callable[[list[Any]], list[Any]]) -> list[Any]:
        if self._datetime is sqlite_datetime:
            # SQLite stores the text; the batch has each time's ISO text already.
            return [
                sqlite_datetime_of_iso(text) if text else None
                for text in pick(batch.occurred_at_iso)
            ]
        stored = self._datetime
        return [None if a is None else stored(a) for a in pick(batch.occurred_at)]

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
    return value.isoformat(" ", "microseconds")[:26]  # the text before "+00:00"


def sqlite_datetime_of_iso(text: str) -> str:
    """``sqlite_datetime`` of a UTC time from its ``isoformat()`` text
    ("2026-03-03T14:30:00+00:00" -> "2026-03-03 14:30:00.000000")."""
    if text[19] == ".":
        return f"{text[:10]} {text[11:26]}"
    return f"{text[:10]} {text[11:19]}.000000"
