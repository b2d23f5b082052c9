"""Fix and retry: a row needing attention, its cells corrected by a user, parsed again exactly as
its file was read (the import's saved headers, mapping and column formats)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.evidence.dates import ColumnFormat
from rca.evidence.linking import RowLinker, evidence_values
from rca.evidence.models import EvidenceRow, RejectedRow
from rca.evidence.rows import RowParser
from rca.reviews.models import Review


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
