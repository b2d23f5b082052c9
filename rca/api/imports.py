"""``POST /api/v1/reviews/{id}/imports``: the Contract import over HTTP (same JSON as the CLI)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, jsonify, request
from pydantic import BaseModel, Field
from spectree import Response as Documented
from spectree.model_adapter.pydantic_adapter import BaseFile

from rca import access
from rca.api.auth import token_user
from rca.api.errors import ApiError
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import _AUTH_ERRORS, bp
from rca.db import db
from rca.evidence.importer import ImportRefused, ImportRequest, run_import
from rca.evidence.models import KINDS
from rca.evidence.reading import FileRefused, read_table
from rca.evidence.uploads import max_upload_bytes, sheet_limits

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class ImportForm(BaseModel):
    """multipart/form-data fields of an import."""

    file: BaseFile = Field(description="The export: CSV, XLSX, XLS or ODS (at most 50 MB).")
    kind: str = Field(description="One of: " + ", ".join(KINDS), examples=["care-notes"])
    mapping: str | None = Field(
        None,
        description="'auto' (default: the profile saved for these headers, else the proposed "
        "mapping), a saved profile's name, or a JSON object {target_field: source_column}.",
    )
    sheet: str | None = Field(None, description="The workbook sheet (default: the first).")
    dry_run: bool = Field(False, description="Report what would be imported; write nothing.")
    date_orders: str | None = Field(
        None,
        description="JSON {column: 'dmy'|'mdy'} for date columns whose every day is 12 or less.",
    )


class ImportDuplicate(BaseModel):
    row: int
    same_as_row: int | None


class ImportRejected(BaseModel):
    row: int
    reason: str


class ImportResult(BaseModel):
    """The Contract object, as ``flask --app rca import-evidence`` prints it."""

    file: str
    sha256: str
    rows_read: int
    imported: int
    duplicates: list[ImportDuplicate]
    rejected: list[ImportRejected]
    mapping: dict[str, str]


def _json_field(name: str) -> Any:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(422, f"{name} is not valid JSON.", name) from None


@bp.post("/reviews/<int:review_id>/imports")
@api_spec.validate(
    form=ImportForm,
    resp=Documented(
        HTTP_200=(ImportResult, "Dry run: what would be imported"),
        HTTP_201=(ImportResult, "Rows were written (or the file was processed)"),
        HTTP_403=(ErrorBody, "Your role does not allow adding evidence to this review"),
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        HTTP_413=(ErrorBody, "The file is over the size limit"),
        HTTP_422=(ErrorBody, "The file, kind, mapping or a date column cannot be used"),
        **_AUTH_ERRORS,
    ),
    tags=["evidence"],
    operation_id="importEvidence",
    skip_validation=True,
)
def import_evidence(review_id: int) -> Any:
    """Import an export as evidence

    Same behaviour and answer as the import-evidence command: duplicates are skipped (same_as_row
    null when an earlier file brought the row in), bad rows are rejected with their row number and
    kept for attention. A file refused as a whole writes nothing.
    """
    user = token_user()
    review = access.review_for(user, review_id, "contribute")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, "file is required.", "file")
    limit = max_upload_bytes(current_app)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"The file is over the {limit // (1024 * 1024)} MB limit.", "file")
    kind = request.form.get("kind", "").strip()
    if kind not in KINDS:
        raise ApiError(422, f"kind must be one of: {', '.join(KINDS)}.", "kind")
    mapping: Any = request.form.get("mapping", "").strip() or "auto"
    if mapping.startswith("{"):
        mapping = _json_field("mapping")
        if not all(isinstance(v, str) for v in mapping.values()):
            raise ApiError(422, "mapping values must be column names.", "mapping")
    orders = _json_field("date_orders") or {}
    if not isinstance(orders, dict):
        raise ApiError(422, "date_orders must be a JSON object.", "date_orders")
    dry = request.form.get("dry_run", "").strip().lower()
    if dry not in _TRUE | _FALSE:
        raise ApiError(422, "dry_run must be true or false.", "dry_run")
    try:
        table = read_table(
            data,
            upload.filename or "upload",
            sheet=request.form.get("sheet") or None,
            max_bytes=limit,
            limits=sheet_limits(current_app),
        )
        outcome = run_import(
            db.session,
            ImportRequest(
                review=review,
                kind=kind,
                table=table,
                mapping=mapping,
                date_orders={str(k): str(v) for k, v in orders.items()},
                dry_run=dry in _TRUE,
                user_id=user.id,
            ),
        )
    except ImportRefused as exc:
        raise ApiError(422, str(exc), "mapping") from None
    except FileRefused as exc:
        raise ApiError(422, str(exc), "file") from None
    if dry in _TRUE:
        db.session.rollback()
        return jsonify(outcome.to_json()), 200
    db.session.commit()
    return jsonify(outcome.to_json()), 201
