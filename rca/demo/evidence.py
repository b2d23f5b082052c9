"""The demo's evidence: every demo review's generated exports, imported through the same path
as ``flask --app rca import-evidence``, so a newcomer's timelines and reports have data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.audit.recorder import acting_as
from rca.demo.exports import demo_exports
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.reading import read_table
from rca.reviews.models import Review


def import_demo_evidence(session: Session, seed: int = 2026) -> dict[str, int]:
    """Import each demo review's export files; returns rows imported per review reference.

    Each file is its own import (one transaction per file, as everywhere); the files' bad and
    repeated rows land in "needs attention" and the duplicates list exactly as a user's would.
    """
    imported: dict[str, int] = {}
    for reference, files in demo_exports(seed).items():
        review = session.scalars(select(Review).where(Review.reference == reference)).first()
        if review is None:
            continue
        for export in files:
            table = read_table(export.data, export.file_name, sheet=export.sheet)
            with acting_as(None, "cli"):
                outcome = run_import(
                    session,
                    ImportRequest(
                        review=review,
                        kind=export.kind,
                        table=table,
                        date_orders=dict(export.date_orders),
                    ),
                )
            session.commit()
            imported[reference] = imported.get(reference, 0) + outcome.imported
    return imported
