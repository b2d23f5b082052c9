"""Helpers for the import pipeline's tests: real files written by real writers, a review to
import into, and counts of everything an import can write."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import func, select

from rca.audit.models import AuditEntry
from rca.db import db
from rca.evidence.models import (
    EvidenceImport,
    EvidenceRow,
    MappingProfile,
    RejectedRow,
    StaffMatchSuggestion,
)
from rca.provider.models import PersonSupported, StaffMember

#: The Contract object an import answers (CLI and API alike), its keys in order.
CONTRACT_KEYS = ["file", "sha256", "rows_read", "imported", "duplicates", "rejected", "mapping"]
#: A care-notes export as a care-planning system writes it (separate date and time, Y/N flag).
CARE_NOTES_A = ["Date", "Time", "Carer", "Client ID", "Note", "Concern?"]
#: How the care-notes export above maps to the kind's fields (proposed, and saved as a profile).
CARE_NOTES_A_MAPPING = {
    "occurred_at": "Date",
    "time": "Time",
    "staff": "Carer",
    "person": "Client ID",
    "text": "Note",
    "concern": "Concern?",
}
#: Another system's care notes: one date-and-time column, no flag.
CARE_NOTES_B = ["Entry Date/Time", "Staff Member", "Service User Ref", "Narrative"]


def care_notes_a(n: int, start: int = 0) -> list[list[str]]:
    """``n`` distinct care-note rows from 13 October 2026 (BST until the 25th); a day over 12
    makes the date column plainly DD/MM."""
    rows = []
    for i in range(start, start + n):
        day = 13 + i % 15
        rows.append(
            [
                f"{day:02d}/10/2026",
                f"{8 + i % 12:02d}:{i % 60:02d}",
                ["Zoe Smith", "Amir Khan", "Beth Jones"][i % 3],
                f"P-{100 + i % 5}",
                f"Visit {i}: supported with breakfast, meds given.",
                "Y" if i % 7 == 0 else "N",
            ]
        )
    return rows


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], sheet: str = "Notes"
) -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws.write_row(0, 0, list(header))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if hasattr(value, "year"):
                ws.write_datetime(r, c, value, date_fmt)
            else:
                ws.write(r, c, value)
    book.close()
    return path


def counts() -> dict[str, int]:
    """How many rows every table an import may touch holds."""
    models = {
        "evidence": EvidenceRow,
        "imports": EvidenceImport,
        "rejected": RejectedRow,
        "profiles": MappingProfile,
        "staff": StaffMember,
        "people": PersonSupported,
        "suggestions": StaffMatchSuggestion,
        "audit": AuditEntry,
    }
    return {
        name: db.session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in models.items()
    }


def new_review(make_service: Any, make_user: Any, make_review: Any, code: str = "OAK") -> int:
    """A review at a fresh service; returns its id."""
    service = make_service(code)
    user = make_user(f"lead-{code.lower()}@example.org", "investigator", [service])
    return make_review(user, service)


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_bytes(content: str) -> bytes:
    """An OpenDocument spreadsheet around ``content.xml`` text, zipped as LibreOffice does."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@contextmanager
def uploads_in(app: Any, folder: Path) -> Iterator[None]:
    """Stored uploads in ``folder`` while the block runs."""
    saved = app.config.get("EVIDENCE_UPLOAD_DIR")
    app.config["EVIDENCE_UPLOAD_DIR"] = str(folder / "uploads")
    try:
        yield
    finally:
        app.config["EVIDENCE_UPLOAD_DIR"] = saved
