"""Evidence rows with their provenance, the imports that brought them, rows needing attention,
mapping profiles per source system, and staff-match suggestions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.provider.models import PersonSupported, StaffMember

#: Source kinds, in the order the import form lists them.
KINDS = {
    "care-notes": "Care and visit notes",
    "mar": "Medication administration (MAR)",
    "care-plan-changes": "Care plan changes",
    "rota": "Rota (shifts)",
    "staff": "Staff list (HR)",
    "supervision": "Supervision records",
    "training": "Training and induction records",
    "incidents": "Incident and near-miss log",
    "handover": "Handover notes",
    "communication": "Communication log (calls, texts, emails)",
    "feedback": "Feedback (complaints, compliments, surveys)",
    "audit": "Audits",
    "governance": "Governance minutes and decisions",
}
#: Manual evidence a user adds by hand (not imported).
MANUAL_KINDS = {
    "interview": "Interview summary",
    "observation": "Observation",
    "document": "Document reference",
}
#: Every kind's label, imported or manual: the one place screens and the report read it from.
ALL_KINDS = {**KINDS, **MANUAL_KINDS}


def kind_label(kind: str) -> str:
    return ALL_KINDS.get(kind, kind)


#: "stopped": the process running it died, so the file was rolled back (``rca.jobs``).
IMPORT_STATES = ("queued", "running", "done", "failed", "stopped")


class EvidenceImport(Audited, db.Model):
    """One file brought into one review: what was read, added, skipped and refused."""

    __tablename__ = "evidence_import"
    __audit_label__ = "Evidence import"
    __audit_ignore__ = frozenset({"rows_done", "updated_at", "version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    #: One of KINDS.
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(default=0)
    sheet: Mapped[str | None] = mapped_column(String(120))
    #: One of IMPORT_STATES.
    status: Mapped[str] = mapped_column(String(16), default="queued")
    dry_run: Mapped[bool] = mapped_column(default=False)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_read: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    #: ``[{"row": int, "same_as_row": int|null}]`` as in the Contract.
    duplicates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: ``[{"row": int, "reason": str}]`` as in the Contract.
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: ``{target_field: source_column}`` actually used.
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("mapping_profile.id", ondelete="SET NULL")
    )
    #: How the file was read, so a corrected row is parsed exactly as its file was:
    #: ``{"headers": [...], "formats": {column: {"kind", "order", "description"}},
    #: "date_orders": {column: "dmy"|"mdy"}}``.
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Why the whole file was refused, when it was.
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def audit_describe(self) -> str:
        return f"Import of {self.file_name} ({KINDS.get(self.kind, self.kind)})"


class EvidenceRow(Audited, db.Model):
    """One piece of evidence: an imported row (with provenance) or manual evidence."""

    __tablename__ = "evidence_row"
    __audit_label__ = "Evidence"
    __table_args__ = (
        # Re-importing the same rows adds nothing: a row's content hash is unique per review+kind.
        UniqueConstraint("review_id", "kind", "content_hash"),
        Index("ix_evidence_row_review_kind_on", "review_id", "kind", "occurred_on"),
        # The pane's order, whole: deep pages seek it by key (migration 0009).
        Index("ix_evidence_row_review_order", "review_id", "occurred_on", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    #: One of KINDS or MANUAL_KINDS.
    kind: Mapped[str] = mapped_column(String(32))
    #: When it happened (aware UTC; converted from Europe/London at import). Null for undated.
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The Europe/London calendar date of ``occurred_at``, or the date alone when no time is known.
    occurred_on: Mapped[date | None]
    #: The end of a shift (rota) or other period.
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person_supported.id", ondelete="SET NULL"), index=True
    )
    #: What happened, in the source's words (shortened only for display).
    text: Mapped[str] = mapped_column(Text, default="")
    #: A concern indicator (a flag in the source, or marked by the investigator).
    concern: Mapped[bool] = mapped_column(default=False)
    #: The kind's target fields after parsing (role, employment, course, expires, ...).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The original cells, header -> text, exactly as read.
    cells: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # --- Provenance ---------------------------------------------------------------------------
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_import.id", ondelete="SET NULL"), index=True
    )
    #: The file's name (shown beside the row number wherever a row is cited). The file's
    #: SHA-256 and sheet are its import's: kept once there, not on each of its rows (migration
    #: 0010).
    file_name: Mapped[str | None] = mapped_column(String(255))
    #: The row number a spreadsheet user sees (header = row 1).
    row_number: Mapped[int | None]
    #: SHA-256 of the row's normalised cells (manual evidence: of its text, date and author).
    content_hash: Mapped[str] = mapped_column(String(64))
    #: Manual evidence: who wrote it (interviewer, observer).
    author: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffMember | None] = relationship(lazy="joined")
    person: Mapped[PersonSupported | None] = relationship(lazy="joined")
    #: The import that brought the row in (rows of one import share one loaded object).
    evidence_import: Mapped[EvidenceImport | None] = relationship()

    @property
    def file_sha256(self) -> str | None:
        return self.evidence_import.file_sha256 if self.evidence_import else None

    @property
    def sheet(self) -> str | None:
        return self.evidence_import.sheet if self.evidence_import else None

    def audit_describe(self) -> str:
        where = f" row {self.row_number} of {self.file_name}" if self.row_number else ""
        return f"Evidence ({self.kind}){where}"


class RejectedRow(Audited, db.Model):
    """A row that could not be read, kept so a user can correct its cells and retry."""

    __tablename__ = "rejected_row"
    __audit_label__ = "Row needing attention"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_import.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    row_number: Mapped[int]
    #: The original cells, header -> text.
    cells: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    #: ``open`` until corrected (then ``resolved`` with the evidence row it became).
    status: Mapped[str] = mapped_column(String(16), default="open")
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_row.id", ondelete="SET NULL")
    )

    evidence_import: Mapped[EvidenceImport] = relationship()

    def audit_describe(self) -> str:
        return f"Row {self.row_number} needing attention"


class MappingProfile(Audited, db.Model):
    """A saved column mapping for one source system's export of one kind."""

    __tablename__ = "mapping_profile"
    __audit_label__ = "Mapping profile"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The source system, as users name it ("Nourish care notes", "RotaCloud shifts").
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    #: SHA-256 of the normalised header row: a later file with the same headers matches.
    header_key: Mapped[str] = mapped_column(String(64), index=True)
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``{target_field: source_column}``.
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: Per-column choices the user made, e.g. ``{"date_orders": {"Date": "dmy"}}``.
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def audit_review_id(self) -> int | None:
        return None


class StaffMatchSuggestion(db.Model):
    """A possible duplicate in the staff register ("Zoe" / "Zoë"), for a person to decide."""

    __tablename__ = "staff_match_suggestion"
    __table_args__ = (UniqueConstraint("staff_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    #: The newly seen name.
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    #: The existing register entry it resembles.
    candidate_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    score: Mapped[float]
    #: ``open``, ``merged`` or ``dismissed``.
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffMember] = relationship(foreign_keys=[staff_id])
    candidate: Mapped[StaffMember] = relationship(foreign_keys=[candidate_id])
