"""Read a review bundle into this instance: check it whole, match its registers, give every row a
new id, and put the History back with its references followed.

Nothing is used before every file has matched the manifest. The rows are written in the
caller's transaction, so a bundle is imported whole or not at all (the caller commits).
Importing the same review twice imports it once: a review here with the same creation time (to
the microsecond) and the same reference or title is that review, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, bindparam, insert, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from rca.db import db, utcnow
from rca.evidence.uploads import store_upload
from rca.graph import freshness
from rca.portability import registers, tables, values
from rca.portability.bundle_export import REGISTERS, UPLOAD_COLUMNS, data_name, file_name
from rca.portability.bundle_reading import Bundle, BundleRefused
from rca.reviews.lifecycle import next_reference

__all__ = ["Bundle", "BundleRefused", "ImportReport", "import_bundle"]


@dataclass
class ImportReport:
    review_id: int
    reference: str
    already_here: bool = False
    #: The bundle's reference when it was taken here and the review got the next free one.
    reference_was: str | None = None
    service: str = ""
    rows: dict[str, int] = field(default_factory=dict)
    uploads: int = 0
    users_not_here: list[str] = field(default_factory=list)
    staff_added: list[str] = field(default_factory=list)
    people_added: list[str] = field(default_factory=list)
    #: Rows, tables and columns of the bundle this instance could not take, and why.
    left_behind: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "review": {"id": self.review_id, "reference": self.reference},
            "already_imported": self.already_here,
            "reference_was": self.reference_was,
            "service": self.service,
            "rows": self.rows,
            "uploads": self.uploads,
            "not_matched": {
                "users": self.users_not_here,
                "staff_added": self.staff_added,
                "people_added": self.people_added,
            },
            "left_behind": self.left_behind,
        }


def import_bundle(
    session: Session,
    bundle: Bundle,
    upload_dir: Path,
    *,
    service_code: str | None = None,
    metadata: MetaData | None = None,
) -> ImportReport:
    """Import the bundle in the session's transaction (the caller commits or rolls back)."""

    plan = tables.plan(metadata or db.metadata)
    data = {c.name: bundle.json(data_name(c.name)) for c in plan.tables}
    review = _one_review(bundle, data.get("review"))
    review_table = plan.metadata.tables["review"]
    created = values.load(review_table.c.created_at, review.get("created_at"), bundle.file)
    existing = session.execute(
        select(review_table.c.id, review_table.c.reference).where(
            review_table.c.created_at == created,
            or_(
                review_table.c.reference == review.get("reference"),
                review_table.c.title == review.get("title"),
            ),
        )
    ).first()
    if existing is not None:
        return ImportReport(existing.id, existing.reference, already_here=True)
    try:
        matched = registers.match(
            session,
            plan.metadata,
            bundle.json(REGISTERS) or {},
            review.get("service_id"),  # type: ignore[arg-type]
            service_code,
        )
    except registers.NoSuchService as exc:
        raise BundleRefused(str(exc)) from None
    writer = _RowWriter(session, plan, matched, bundle)
    report = ImportReport(0, "", service=matched.service_code)
    for name in sorted(set(_bundle_tables(bundle)) - plan.names):
        report.left_behind.append(f"table {name}: not on this instance")
    for carried in plan.tables:
        if data[carried.name] is not None:
            writer.write(carried, data[carried.name], report)
    new_review = writer.ids["review"][review["id"]]
    report.review_id = new_review
    report.reference = writer.reference
    report.reference_was = writer.reference_was
    report.users_not_here = matched.users_not_here
    report.staff_added = matched.staff_added
    report.people_added = matched.people_added
    report.uploads = writer.store_uploads(upload_dir)
    _seal_history(session, plan.metadata, new_review, writer.history_ids)

    freshness.bump(session)  # causes, a review and actions arrived through Core
    return report


def _one_review(bundle: Bundle, data: Any) -> dict[str, Any]:
    rows = (data or {}).get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list) or len(rows) != 1:
        raise BundleRefused(f"{bundle.label}: {data_name('review')} must hold exactly one review.")
    return dict(zip(data["columns"], rows[0], strict=False))


def _bundle_tables(bundle: Bundle) -> list[str]:
    return [n[len("data/") : -len(".json")] for n in bundle.zip.namelist() if n.startswith("data/")]


class _RowWriter:
    """Writes one table's rows at a time, remembering each source id's new id."""

    def __init__(
        self, session: Session, plan: tables.Plan, matched: registers.Matched, bundle: Bundle
    ):
        self.session = session
        self.plan = plan
        self.matched = matched
        self.bundle = bundle
        self.ids: dict[str, dict[int, int]] = {}
        self.uploads: set[str] = set()
        self.history_ids: list[int] = []
        self.reference = ""
        self.reference_was: str | None = None

    def target(self, ref: tables.Reference, value: Any) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        if ref.kind == "register":
            return self.matched.ids[ref.target].get(value)
        if ref.kind == "carried":
            return self.ids.get(ref.target, {}).get(value)
        return None

    def write(self, carried: tables.Carried, data: Any, report: ImportReport) -> None:
        name = carried.name
        where = f"{self.bundle.label}: {data_name(name)}"
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            raise BundleRefused(f"{where} is not a table of rows.")
        columns = data.get("columns") or []
        if "id" not in columns:
            raise BundleRefused(f"{where} has no id column.")
        here = set(carried.table.c.keys())
        for col in columns:
            if col not in here:
                report.left_behind.append(f"{name}.{col}: no such column on this instance")
        source_ids, rows, later = [], [], []
        for number, raw in enumerate(data["rows"], start=1):
            try:
                row, why = self._row(carried, dict(zip(columns, raw, strict=True)), later)
            except (values.ValueRefused, ValueError, TypeError) as exc:
                raise BundleRefused(f"{where}, row {number}: {exc}.") from None
            if why:
                report.left_behind.append(f"{name} row {number}: {why}")
                continue
            source_ids.append(raw[columns.index("id")])
            rows.append(row)
        table = carried.table
        try:
            new_ids = (
                self.session.execute(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
                )
                .scalars()
                .all()
                if rows
                else []
            )
            self.ids[name] = dict(zip(source_ids, new_ids, strict=True))
            self._self_references(carried, later)
        except (IntegrityError, DBAPIError) as exc:
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise BundleRefused(f"{where} does not fit this instance's data: {first}") from None
        report.rows[name] = len(rows)
        if name == tables.HISTORY:
            self.history_ids = new_ids

    def _row(
        self, carried: tables.Carried, values_in: dict[str, Any], later: list
    ) -> tuple[dict[str, Any], str | None]:
        table = carried.table
        row: dict[str, Any] = {}
        source_id = values_in.pop("id")
        for col, raw in values_in.items():
            if col not in table.c:
                continue
            value = values.load(table.c[col], raw, self.bundle.file)
            ref = carried.reference(col)
            if ref is not None and value is not None:
                if ref.target == carried.name:
                    later.append((source_id, col, value))
                    value = None
                else:
                    mapped = self.target(ref, value)
                    if mapped is None and not ref.nullable:
                        return {}, self._missing(ref, col, value)
                    value = mapped
            if col in UPLOAD_COLUMNS and value:
                self.uploads.add(value)
            row[col] = value
        if carried.name == "review":
            row["reference"] = self._free_reference(row)
        if carried.name == tables.HISTORY:
            self._history(row)
        return row, None

    def _missing(self, ref: tables.Reference, column: str, value: int) -> str:
        if ref.kind == "register":
            what = {"user_account": "user", "staff_member": "member of staff"}.get(
                ref.target, ref.target.replace("_", " ")
            )
            label = self.matched.labels[ref.target].get(value, f"#{value}")
            return f"its {what} {label} is not on this instance"
        return f"its {column} points at a {ref.target} row that was left behind"

    def _free_reference(self, row: dict[str, Any]) -> str:

        table = self.plan.metadata.tables["review"]
        wanted = row["reference"]
        taken = self.session.scalar(select(table.c.id).where(table.c.reference == wanted))
        self.reference = wanted
        if taken is not None:
            self.reference = next_reference(self.session, row["occurred_on"].year)
            self.reference_was = wanted
        return self.reference

    def _history(self, row: dict[str, Any]) -> None:
        entity = row.get("entity")
        ids = self.ids.get(entity, {})
        row["entity_id"] = ids.get(row.get("entity_id"))  # type: ignore[arg-type]
        if entity not in self.plan.names or not isinstance(row.get("changes"), dict):
            return
        carried = self.plan.table(entity)
        changes = {}
        for name, pair in row["changes"].items():
            ref = carried.reference(name)
            if ref is not None and isinstance(pair, list):
                pair = [self.target(ref, v) for v in pair]
            changes[name] = pair
        row["changes"] = changes

    def _self_references(self, carried: tables.Carried, later: list) -> None:
        """Parent links inside one table, set once every row of it has its new id."""
        ids = self.ids[carried.name]
        by_column: dict[str, list[dict[str, int | None]]] = {}
        for source_id, col, value in later:
            if source_id in ids:
                by_column.setdefault(col, []).append({"_id": ids[source_id], "_to": ids.get(value)})
        table = carried.table
        # A column with an onupdate default (updated_at) keeps its carried value: it is set to
        # itself, which stops SQLAlchemy filling in the time of this update.
        kept = {c.name: c for c in table.columns if c.onupdate is not None}
        for col, params in by_column.items():
            stmt = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({**kept, col: bindparam("_to")})
            )
            self.session.connection().execute(stmt, params)

    def store_uploads(self, upload_dir: Path) -> int:

        stored = 0
        for digest in sorted(self.uploads):
            if file_name(digest) in self.bundle.zip.namelist():
                store_upload(upload_dir, self.bundle.file(digest))
                stored += 1
        return stored


def _seal_history(
    session: Session, metadata: MetaData, review_id: int, history_ids: list[int]
) -> None:
    """Undo reads a user's last change back from History. Changes made on another instance are
    not this instance's to undo, so the imported entries are marked as already undone for every
    user who made one (``rca.fishbone.undo`` skips entries inside a ``cause_undo`` range)."""
    if not history_ids or "cause_undo" not in metadata.tables:
        return
    audit = metadata.tables[tables.HISTORY]
    users = session.scalars(
        select(audit.c.user_id)
        .where(audit.c.id.in_(history_ids), audit.c.user_id.is_not(None))
        .distinct()
    ).all()
    if not users:
        return

    undo = metadata.tables["cause_undo"]
    session.execute(
        insert(undo),
        [
            {
                "review_id": review_id,
                "user_id": user_id,
                "first_entry_id": min(history_ids),
                "last_entry_id": max(history_ids),
                "label": "Imported from a review bundle",
                "at": utcnow(),
            }
            for user_id in users
        ],
    )
