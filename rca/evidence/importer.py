"""The import pipeline: one read table -> evidence rows with provenance, duplicates skipped, bad
rows kept for attention.

Everything happens in the CALLER's transaction (flush, never commit), so a file's import is all of
its good rows and its needs-attention entries, or nothing. Evidence rows are written with bulk
Core inserts in batches: they bypass the per-object audit hook on purpose; the EvidenceImport row
(audited) records the import as a whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.evidence.dates import ColumnFormat, detect_column
from rca.evidence.kinds import KIND_FIELDS, STAFF_CREATING_KINDS
from rca.evidence.mapping import find_profile, profile_named, profile_names, propose_mapping
from rca.evidence.models import KINDS, EvidenceImport, EvidenceRow, MappingProfile, RejectedRow
from rca.evidence.reading import FileRefused, Table, cell_text
from rca.evidence.rows import ParsedRow, RowParser, RowRejected
from rca.evidence.staff_register import PeopleRegister, StaffRegister
from rca.reviews.models import Review

#: Rows parsed, deduplicated and inserted together.
BATCH_SIZE = 2000
DATE_ORDERS = ("dmy", "mdy")


class ImportRefused(FileRefused):
    """The file cannot be imported as asked (unknown kind or profile, incomplete mapping, a date
    column that could be read two ways with no order given). str(exc) is one line."""


@dataclass
class ImportRequest:
    review: Review
    kind: str
    table: Table
    #: "auto", a profile NAME, an explicit {target: column} dict, or None (= "auto").
    mapping: str | dict[str, str] | None = None
    #: source column -> "dmy"|"mdy", for columns whose dates could be read either way.
    date_orders: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    user_id: int | None = None
    #: A queued EvidenceImport to fill in (background jobs create it first); else one is added.
    evidence_import: EvidenceImport | None = None


@dataclass
class ImportOutcome:
    file: str
    sha256: str
    rows_read: int
    imported: int
    duplicates: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
    mapping: dict[str, str]
    import_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Exactly the Contract object."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "mapping": self.mapping,
        }


@dataclass
class ImportPlan:
    """What the file will be read with, settled before anything is written."""

    mapping: dict[str, str]
    formats: dict[str, ColumnFormat]
    date_orders: dict[str, str]
    profile: MappingProfile | None

    def options(self, headers: Sequence[str]) -> dict[str, Any]:
        return {
            "headers": list(headers),
            "formats": {
                column: {"kind": f.kind, "order": f.order, "description": f.description}
                for column, f in self.formats.items()
            },
            "date_orders": dict(self.date_orders),
        }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def resolve_mapping(
    session: Session, kind: str, table: Table, requested: str | dict[str, str] | None
) -> tuple[dict[str, str], MappingProfile | None]:
    """The mapping to use and the profile it came from (ImportRefused for an unknown name)."""
    if isinstance(requested, dict):
        return {k: v for k, v in requested.items() if v}, None
    if requested in (None, "", "auto"):
        profile = find_profile(session, kind, table.headers)
        if profile is not None:
            return dict(profile.mapping), profile
        return propose_mapping(kind, table), None
    profile = profile_named(session, kind, requested)
    if profile is None:
        names = ", ".join(repr(n) for n in profile_names(session, kind)) or "none saved"
        raise ImportRefused(
            _one_line(f"No {kind} mapping profile named {requested!r} (profiles: {names}).")
        )
    return dict(profile.mapping), profile


def check_mapping(kind: str, headers: Sequence[str], mapping: dict[str, str]) -> None:
    fields = {f.name: f for f in KIND_FIELDS[kind]}
    for target, column in mapping.items():
        if target not in fields:
            raise ImportRefused(
                _one_line(f"{kind} has no field {target!r} (fields: {', '.join(fields)}).")
            )
        if column not in headers:
            raise ImportRefused(
                _one_line(
                    f"The mapping sends {target} to column {column!r}, which the file does not "
                    f"have (columns: {', '.join(repr(h) for h in headers)})."
                )
            )
    missing = [f for f in fields.values() if f.required and f.name not in mapping]
    if missing:
        wanted = ", ".join(f"{f.name} ({f.label})" for f in missing)
        raise ImportRefused(
            _one_line(
                f"The mapping has no column for required field(s) {wanted}; columns in the file: "
                f"{', '.join(repr(h) for h in headers)}."
            )
        )


def column_formats(
    kind: str, table: Table, mapping: dict[str, str], date_orders: dict[str, str]
) -> dict[str, ColumnFormat]:
    """Each mapped date column's format, detected once over the WHOLE column."""
    index = {h: i for i, h in enumerate(table.headers)}
    formats: dict[str, ColumnFormat] = {}
    for target in KIND_FIELDS[kind]:
        if target.type not in ("datetime", "date") or target.name not in mapping:
            continue
        column = mapping[target.name]
        i = index[column]
        values = [row.cells[i] if i < len(row.cells) else None for row in table.rows]
        present = [v for v in values if cell_text(v).strip()]
        if not present:
            continue  # every cell blank: each row says so (required) or goes without a date
        fmt = detect_column(values)
        if fmt is None:
            raise ImportRefused(
                _one_line(
                    f"Column {column!r} (mapped to {target.label}) does not hold dates "
                    f"(first value: {cell_text(present[0])[:40]!r})."
                )
            )
        if fmt.ambiguous:
            order = date_orders.get(column)
            if order not in DATE_ORDERS:
                raise ImportRefused(
                    _one_line(
                        f"Column {column!r} could be read as DD/MM or MM/DD (no day is over 12): "
                        f"say which, e.g. --date-order '{column}=dmy'."
                    )
                )
            fmt = dataclasses.replace(fmt, order=order, ambiguous=False)
        formats[column] = fmt
    return formats


def plan_import(session: Session, req: ImportRequest) -> ImportPlan:
    """Everything that can refuse the whole file, checked before anything is written."""
    if req.kind not in KINDS:
        raise ImportRefused(_one_line(f"Unknown kind {req.kind!r} (kinds: {', '.join(KINDS)})."))
    mapping, profile = resolve_mapping(session, req.kind, req.table, req.mapping)
    check_mapping(req.kind, req.table.headers, mapping)
    orders = dict(profile.options.get("date_orders", {})) if profile else {}
    orders.update(req.date_orders)
    for column, order in orders.items():
        if order not in DATE_ORDERS:
            raise ImportRefused(f"Date order for {column!r} must be dmy or mdy, not {order!r}.")
    formats = column_formats(req.kind, req.table, mapping, orders)
    used = {c: o for c, o in orders.items() if c in formats}
    return ImportPlan(mapping, formats, used, profile)


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


def _already_imported(session: Session, review_id: int, kind: str) -> set[str]:
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


def run_import(
    session: Session,
    req: ImportRequest,
    progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Import ``req.table`` into the review, in the caller's transaction (flushed, not committed).

    Raises ImportRefused (before writing anything) when the file as a whole cannot be used.
    A dry run computes the same outcome and writes nothing at all.
    """
    table, review, kind = req.table, req.review, req.kind
    plan = plan_import(session, req)
    write = not req.dry_run
    total = len(table.rows)
    record = req.evidence_import or EvidenceImport(review_id=review.id, kind=kind)
    record.review_id, record.kind = review.id, kind
    record.file_name, record.file_sha256 = table.file_name[:255], table.sha256
    record.file_size, record.sheet = table.size, table.sheet
    record.dry_run, record.status = req.dry_run, "running"
    record.rows_total, record.mapping = total, plan.mapping
    record.options = plan.options(table.headers)
    record.profile_id = plan.profile.id if plan.profile else None
    record.created_by_id = record.created_by_id or req.user_id
    record.created_at = record.created_at or utcnow()
    if write:
        if record.id is None:
            session.add(record)
        session.flush()

    parser = RowParser(kind, table.headers, plan.mapping, plan.formats)
    linker = RowLinker(session, kind, review.service_id, write=write)
    first_seen: dict[str, int] = {}  # content hash -> the row of this file that brings it in
    duplicates: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    attention: list[dict[str, Any]] = []
    imported = 0
    earlier = _already_imported(session, review.id, kind)
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH_SIZE):
        batch = table.rows[start : start + BATCH_SIZE]
        parsed: list[ParsedRow] = []
        for source in batch:
            try:
                parsed.append(parser.parse(source.number, source.cells))
            except RowRejected as exc:
                reason = str(exc)
                rejected.append({"row": source.number, "reason": reason})
                attention.append(
                    {
                        "review_id": review.id,
                        "import_id": record.id,
                        "kind": kind,
                        "row_number": source.number,
                        "cells": parser.cells_of(source.cells),
                        "reason": reason,
                        "status": "open",
                    }
                )
        inserts = []
        for row in parsed:
            if row.content_hash in earlier:
                duplicates.append({"row": row.number, "same_as_row": None})
            elif row.content_hash in first_seen:
                duplicates.append({"row": row.number, "same_as_row": first_seen[row.content_hash]})
            else:
                first_seen[row.content_hash] = row.number
                inserts.append(evidence_values(row, review.id, kind, record, linker))
        if inserts and write:
            # Core bulk insert: fast, and deliberately outside the per-object audit hook.
            session.execute(insert(EvidenceRow.__table__), inserts)
        imported += len(inserts)
        if progress:
            progress(min(start + len(batch), total), total)

    if attention and write:
        session.execute(insert(RejectedRow.__table__), attention)
    outcome = ImportOutcome(
        file=table.file_name,
        sha256=table.sha256,
        rows_read=total,
        imported=imported,
        duplicates=duplicates,
        rejected=rejected,
        mapping=plan.mapping,
        import_id=record.id if write else None,
    )
    if write:
        record.rows_done, record.rows_read, record.imported = total, total, imported
        record.duplicates, record.rejected = duplicates, rejected
        record.status, record.finished_at = "done", utcnow()
        session.flush()
    return outcome


def retry_rejected(
    session: Session,
    rejected_row: RejectedRow,
    corrected_cells: dict[str, str],
    user_id: int | None,
) -> EvidenceRow:
    """Parse a needing-attention row again with corrected cells, exactly as its file was read.

    On success the evidence row is created (or, when the corrected row is already evidence, that
    row is used) and the RejectedRow is resolved; RowRejected says why not otherwise. Flushed,
    not committed.
    """
    record = rejected_row.evidence_import
    options = record.options or {}
    headers = list(options.get("headers") or rejected_row.cells)
    merged = {**rejected_row.cells, **corrected_cells}
    values: list[Any] = [merged.get(h, "") for h in headers]
    values += [v for k, v in merged.items() if k not in headers and str(v).strip()]
    formats = {
        column: ColumnFormat(f["kind"], f["order"], False, f.get("description", ""))
        for column, f in options.get("formats", {}).items()
    }
    parser = RowParser(rejected_row.kind, headers, record.mapping, formats)
    row = parser.parse(rejected_row.row_number, values)
    existing = session.scalars(
        select(EvidenceRow).where(
            EvidenceRow.review_id == rejected_row.review_id,
            EvidenceRow.kind == rejected_row.kind,
            EvidenceRow.content_hash == row.content_hash,
        )
    ).first()
    if existing is None:
        review = session.get(Review, rejected_row.review_id)
        assert review is not None
        linker = RowLinker(session, rejected_row.kind, review.service_id, write=True)
        values_ = evidence_values(row, review.id, rejected_row.kind, record, linker)
        values_.update(created_by_id=user_id, created_at=utcnow())
        existing = EvidenceRow(**values_)
        session.add(existing)
        session.flush()
    rejected_row.cells = merged
    rejected_row.status = "resolved"
    rejected_row.evidence_id = existing.id
    session.flush()
    return existing
