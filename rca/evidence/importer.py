"""The import pipeline: one read table -> evidence rows with provenance, duplicates skipped, bad
rows kept for attention.

Everything happens in the CALLER's transaction (flush, never commit), so a file's import is all of
its good rows and its needs-attention entries, or nothing. The steps live beside this module:
``planning`` settles the mapping and column formats (refusing the whole file before anything is
written), ``rows`` parses one row, ``linking`` resolves staff and people and bulk-inserts, and
``retry`` parses a corrected row again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.evidence.linking import EvidenceWriter, RowLinker, already_imported, already_reported
from rca.evidence.models import EvidenceImport, RejectedRow
from rca.evidence.out_of_place import OutOfPlace, OutOfPlaceCheck
from rca.evidence.planning import (
    ImportPlan,
    ImportRefused,
    ImportRequest,
    check_mapping,
    column_formats,
    plan_import,
    resolve_mapping,
)
from rca.evidence.retry import retry_rejected
from rca.evidence.rows import RowParser
from rca.evidence.table import gc_paused

__all__ = [
    "ImportOutcome",
    "ImportPlan",
    "ImportRefused",
    "ImportRequest",
    "check_mapping",
    "column_formats",
    "plan_import",
    "resolve_mapping",
    "retry_rejected",
    "run_import",
]

#: Rows parsed, deduplicated and inserted together (a progress step).
BATCH_SIZE = 5000


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
    #: Dry runs: rows that look out of place (another service's staff, outside the period).
    #: Shown on the web's dry run; not part of the Contract object.
    out_of_place: OutOfPlace | None = None

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


@gc_paused()
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
    writer = EvidenceWriter(session, record, linker) if write else None
    check = OutOfPlaceCheck(session, review, linker.staff) if req.dry_run else None
    first_seen: dict[str, int] = {}  # content hash -> the row of this file that brings it in
    duplicates: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    attention: list[dict[str, Any]] = []
    imported = 0
    earlier = already_imported(session, review.id, kind)
    # Rows of this same file already under "needs attention": still rejected (the Contract
    # answer lists them), not listed for attention a second time.
    reported = already_reported(session, review.id, kind, table.sha256, table.sheet)
    review_id = review.id
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH_SIZE):
        rows = table.rows[start : start + BATCH_SIZE]
        batch = parser.parse_batch(rows)
        if check is not None:
            check.add(batch)
        for position, number, reason in batch.rejected:
            rejected.append({"row": number, "reason": reason})
            if number in reported:
                continue
            attention.append(
                {
                    "review_id": review_id,
                    "import_id": record.id,
                    "kind": kind,
                    "row_number": number,
                    "cells": parser.cells_of(rows[position][1]),
                    "reason": reason,
                    "status": "open",
                }
            )
        new: list[int] = []  # indexes into the batch's usable rows of those to insert
        for k, (number, digest) in enumerate(zip(batch.numbers, batch.hashes, strict=True)):
            if digest in earlier:
                duplicates.append({"row": number, "same_as_row": None})
            elif digest in first_seen:
                duplicates.append({"row": number, "same_as_row": first_seen[digest]})
            else:
                first_seen[digest] = number
                new.append(k)
        imported += len(new)
        if writer is not None and new:
            cells = parser.cells_json([rows[batch.positions[k]][1] for k in new])
            writer.insert(writer.rows(batch, new, cells))
        if progress:
            progress(min(start + len(rows), total), total)
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
        out_of_place=check.found if check is not None else None,
    )
    if write:
        record.rows_done, record.rows_read, record.imported = total, total, imported
        record.duplicates, record.rejected = duplicates, rejected
        record.status, record.finished_at = "done", utcnow()
        session.flush()
    return outcome
