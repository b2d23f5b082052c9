"""Progress on an action: notes, status changes and completion evidence.

Who may record progress is decided here, not in the views: anyone with ``contribute`` at the
review's service, and the action's owner (a user who may see the review), even with a read-only
role: the team leader who owns an action records its progress.
"""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import User
from rca.actions.models import ACTION_STATUSES, Action, CompletionEvidence, ProgressNote
from rca.evidence import uploads
from rca.evidence.models import EvidenceRow
from rca.validation import Collector, FieldErrors, parse_id, parse_text

#: Completion evidence files by extension, with the bytes each must start with (checked, so a
#: renamed executable is refused). Text types are checked for NUL bytes instead.
FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".csv": ("text/csv", ()),
    ".txt": ("text/plain", ()),
}


def may_record_progress(user: User, action: Action, service_id: int) -> bool:
    if access.can(user, "contribute", service_id):
        return True
    return bool(
        user.is_authenticated
        and action.owner_user_id == user.id
        and access.can(user, "view", service_id)
    )


def record_progress(
    session: Session,
    action: Action,
    text: Any,
    status: Any,
    user_id: int | None,
    today: date,
) -> ProgressNote | None:
    """A progress note, a status change, or both. Marking done sets the completion date."""
    c = Collector()
    note = c.check("note", parse_text, text, label="Progress note", max_len=4000, required=False)
    new_status = str(status or "").strip() or action.status
    if new_status not in ACTION_STATUSES:
        c.errors["status"] = f"Status must be one of: {', '.join(ACTION_STATUSES)}."
    if not c.errors and note is None and new_status == action.status:
        c.errors["note"] = "Write a progress note or change the status."
    c.raise_if_any()
    changed = new_status != action.status
    entry = ProgressNote(
        review_id=action.review_id,
        action_id=action.id,
        text=note or f"Status changed to {ACTION_STATUSES[new_status].lower()}.",
        status_from=action.status if changed else None,
        status_to=new_status if changed else None,
        user_id=user_id,
    )
    if changed:
        action.status = new_status
        action.completed_on = today if new_status == "done" else None
    session.add(entry)
    session.flush()
    return entry


def _file_type(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FILE_TYPES:
        kinds = ", ".join(s.lstrip(".").upper() for s in FILE_TYPES)
        raise ValueError(f"{name} is not a type accepted as completion evidence ({kinds}).")
    content_type, magics = FILE_TYPES[suffix]
    if magics and not data.startswith(magics):
        raise ValueError(f"{name} does not hold what its name says (not a real {suffix} file).")
    if not magics and b"\x00" in data[:65536]:
        raise ValueError(f"{name} holds binary data, not text.")
    return content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"


def add_completion_file(
    session: Session,
    upload_dir: Path,
    max_bytes: int,
    action: Action,
    file_name: str,
    data: bytes,
    note: Any,
    user_id: int | None,
) -> CompletionEvidence:
    """Store an uploaded file (by SHA-256, like evidence uploads) as completion evidence."""
    c = Collector()
    name = Path(file_name or "").name[:255]
    if not name or not data:
        raise FieldErrors({"file": "Choose a file to upload."})
    if len(data) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise FieldErrors({"file": f"The file is over the {mb} MB limit; nothing was saved."})
    content_type = c.check("file", _file_type, name, data)
    text = c.check("note", parse_text, note, label="Note", max_len=2000, required=False)
    c.raise_if_any()
    digest = uploads.store_upload(upload_dir, data)
    row = CompletionEvidence(
        review_id=action.review_id,
        action_id=action.id,
        file_name=name,
        file_sha256=digest,
        file_size=len(data),
        content_type=content_type,
        note=text,
        user_id=user_id,
    )
    session.add(row)
    session.flush()
    return row


def add_completion_link(
    session: Session, action: Action, evidence_id: Any, note: Any, user_id: int | None
) -> CompletionEvidence:
    """Link an evidence row of the same review as completion evidence."""
    c = Collector()
    text = c.check("note", parse_text, note, label="Note", max_len=2000, required=False)
    row_id = parse_id(evidence_id)
    row = session.get(EvidenceRow, row_id) if row_id is not None else None
    if row is None or row.review_id != action.review_id:
        c.errors["evidence_id"] = "Choose an evidence row of this review."
    c.raise_if_any()
    link = CompletionEvidence(
        review_id=action.review_id,
        action_id=action.id,
        evidence_id=row.id,  # type: ignore[union-attr]
        note=text,
        user_id=user_id,
    )
    session.add(link)
    session.flush()
    return link


def read_completion_file(upload_dir: Path, item: CompletionEvidence) -> bytes:
    if not item.file_sha256:
        raise uploads.UploadMissing("This completion evidence is a link, not a file.")
    return uploads.read_upload(upload_dir, item.file_sha256)
