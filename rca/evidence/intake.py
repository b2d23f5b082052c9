"""The web import's steps in plain functions: receive an upload, build the mapping step (fields,
date questions, a sample), dry-run it, queue it; and the words of a progress bar.

The reading, mapping and importing themselves are the pipeline's (reading.py, mapping.py,
importer.py); this module only carries the user's choices between the screens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from rca.evidence import uploads
from rca.evidence.dates import detect_column
from rca.evidence.import_job import STOPPED_MESSAGE
from rca.evidence.importer import ImportOutcome, ImportRequest, plan_import, run_import
from rca.evidence.kinds import KIND_FIELDS
from rca.evidence.mapping import find_profile, propose_mapping, save_profile
from rca.evidence.models import KINDS, EvidenceImport, MappingProfile
from rca.evidence.reading import FileRefused, Table, cell_text, read_table
from rca.evidence.target_fields import TargetField
from rca.jobs import Progress
from rca.reviews.models import Review
from rca.validation import FieldErrors

SAMPLE_ROWS = 5


@dataclass
class Received:
    """An upload stored on disk and read as a table."""

    kind: str
    sheet: str | None
    table: Table


def _read(app: Flask, data: bytes, file_name: str, sheet: str | None) -> Table:
    try:
        return read_table(
            data,
            file_name,
            sheet=sheet,
            max_bytes=uploads.max_upload_bytes(app),
            limits=uploads.sheet_limits(app),
        )
    except FileRefused as exc:
        raise FieldErrors({"sheet" if "sheet" in str(exc).lower() else "file": str(exc)}) from exc


def receive_upload(app: Flask, data: bytes, file_name: str, kind: str, sheet: str) -> Received:
    """Check the form, read the file (refusing it as a whole if unreadable) and store it."""
    if kind not in KINDS:
        raise FieldErrors({"kind": "Choose what kind of records the file holds."})
    if not file_name or not data:
        raise FieldErrors({"file": "Choose a file to upload (CSV, XLSX, XLS or ODS)."})
    limit = uploads.max_upload_bytes(app)
    if len(data) > limit:
        mb = limit // (1024 * 1024)
        raise FieldErrors({"file": f"The file is over the {mb} MB limit; nothing was saved."})
    table = _read(app, data, file_name, sheet.strip() or None)
    uploads.store_upload(uploads.upload_dir(app), data)
    return Received(kind, table.sheet, table)


def stored_upload(app: Flask, form: Mapping[str, Any]) -> Received:
    """The upload a mapping form refers to, read again from the store."""
    kind = str(form.get("kind") or "")
    if kind not in KINDS:
        raise FieldErrors({"kind": "Choose what kind of records the file holds."})
    try:
        data = uploads.read_upload(uploads.upload_dir(app), str(form.get("sha256") or ""))
    except uploads.UploadMissing as exc:
        raise FieldErrors({"file": str(exc)}) from exc
    name = str(form.get("file_name") or "upload")[:255]
    table = _read(app, data, name, str(form.get("sheet") or "") or None)
    return Received(kind, table.sheet, table)


@dataclass
class DateQuestion:
    index: int  # the column's position (form field ``order-<index>``)
    column: str
    description: str
    order: str  # "dmy", "mdy" or "" (not answered yet)


@dataclass
class MappingStep:
    received: Received
    fields: list[tuple[TargetField, str]]  # each target field with its chosen source column
    profile: MappingProfile | None
    questions: list[DateQuestion]
    sample: list[list[str]]
    profile_name: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    outcome: ImportOutcome | None = None

    @property
    def table(self) -> Table:
        return self.received.table

    @property
    def mapping(self) -> dict[str, str]:
        return {f.name: column for f, column in self.fields if column}

    @property
    def date_orders(self) -> dict[str, str]:
        return {q.column: q.order for q in self.questions if q.order}


def mapping_step(
    session: Session, received: Received, form: Mapping[str, Any] | None
) -> MappingStep:
    """The mapping screen: the form's choices, else a saved profile's, else the proposal."""
    table, kind = received.table, received.kind
    profile = find_profile(session, kind, table.headers)
    orders: dict[str, str] = dict(profile.options.get("date_orders", {})) if profile else {}
    if form is None:
        chosen = dict(profile.mapping) if profile else propose_mapping(kind, table)
        name = profile.name if profile else ""
    else:
        chosen = {f.name: str(form.get(f"map-{f.name}") or "") for f in KIND_FIELDS[kind]}
        name = str(form.get("profile_name") or "").strip()
    chosen = {k: v for k, v in chosen.items() if v in table.headers}
    questions = []
    for target in KIND_FIELDS[kind]:
        column = chosen.get(target.name)
        if target.type not in ("datetime", "date") or not column:
            continue
        i = table.headers.index(column)
        fmt = detect_column([r.cells[i] if i < len(r.cells) else None for r in table.rows])
        if fmt is not None and fmt.ambiguous:
            answer = str(form.get(f"order-{i}") or "") if form is not None else orders.get(column)
            order = answer if answer in ("dmy", "mdy") else ""
            questions.append(DateQuestion(i, column, fmt.description, order))
    sample = [[cell_text(c) for c in r.cells] for r in table.rows[:SAMPLE_ROWS]]
    fields = [(f, chosen.get(f.name, "")) for f in KIND_FIELDS[kind]]
    return MappingStep(received, fields, profile, questions, sample, name)


def _request(review: Review, step: MappingStep, user_id: int | None, dry: bool) -> ImportRequest:
    return ImportRequest(
        review=review,
        kind=step.received.kind,
        table=step.table,
        mapping=step.mapping,
        date_orders=step.date_orders,
        dry_run=dry,
        user_id=user_id,
    )


def _check_questions(step: MappingStep) -> None:
    unanswered = [q for q in step.questions if not q.order]
    if unanswered:
        raise FieldErrors(
            {f"order-{q.index}": f"Say how to read the dates in “{q.column}”." for q in unanswered}
        )


def dry_run(
    session: Session, review: Review, step: MappingStep, user_id: int | None
) -> ImportOutcome:
    """What the import would do, computed without writing anything."""
    _check_questions(step)
    return run_import(session, _request(review, step, user_id, dry=True))


def queue_import(
    session: Session,
    review: Review,
    step: MappingStep,
    form: Mapping[str, Any],
    user_id: int | None,
) -> EvidenceImport:
    """Check the whole-file conditions now (so refusals show on this screen), save the profile
    if one was named, and add the queued EvidenceImport (flushed) for the job to fill in."""
    _check_questions(step)
    plan = plan_import(session, _request(review, step, user_id, dry=False))
    profile = plan.profile
    if step.profile_name:
        try:
            profile = save_profile(
                session,
                step.profile_name,
                step.received.kind,
                step.table.headers,
                step.mapping,
                {"date_orders": step.date_orders},
                user_id,
            )
        except ValueError as exc:
            raise FieldErrors({"profile_name": str(exc)}) from exc
    table = step.table
    record = EvidenceImport(
        review_id=review.id,
        kind=step.received.kind,
        file_name=table.file_name[:255],
        file_sha256=table.sha256,
        file_size=table.size,
        sheet=table.sheet,
        status="queued",
        rows_total=len(table.rows),
        mapping=step.mapping,
        # The job's own copy is lost if its consumer dies; a second run reads them here.
        options={"date_orders": dict(step.date_orders)},
        profile_id=profile.id if profile else None,
        created_by_id=user_id,
    )
    session.add(record)
    session.flush()
    return record


def _seconds(left: float) -> str:
    if left < 60:
        return f"about {max(1, round(left))} s left"
    return f"about {round(left / 60)} min left"


def progress_view(record: EvidenceImport, progress: Progress | None, now: float) -> dict[str, Any]:
    """The progress bar's value, maximum and words, and whether polling can stop."""
    view: dict[str, Any] = {"finished": True, "value": None, "max": None, "label": ""}
    view["state"] = record.status
    if record.status == "done":
        attention = len(record.rejected or [])
        view["label"] = (
            f"{record.rows_read:,} rows read · {record.imported:,} imported · "
            f"{len(record.duplicates or []):,} already there · {attention:,} need attention"
        )
        view.update(value=1, max=1)
    elif record.status == "failed":
        view["label"] = "Failed: " + (record.error or "the import did not finish.")
    elif record.status == "stopped":
        view["label"] = record.error or STOPPED_MESSAGE
    elif progress is not None and progress.status == "importing" and progress.total:
        left = progress.seconds_left(now)
        label = f"{progress.done:,} of {progress.total:,} rows"
        view.update(finished=False, value=progress.done, max=progress.total, state="running")
        view["label"] = label + (f" · {_seconds(left)}" if left is not None else "")
    else:
        # Queued, or running with no progress written yet (just claimed, or reading the file).
        # A running import whose process died is "stopped" by the caller before it gets here.
        reading = progress is not None or record.status == "running"
        view.update(finished=False, state="reading" if reading else "queued")
        view["label"] = "Reading the file…" if reading else "Waiting for a worker…"
    return view
