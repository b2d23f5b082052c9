"""Every API failure as ``{"error": message, "field": name | null}`` with a fitting status."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from rca.db import db
from rca.validation import FieldErrors


class ApiError(Exception):
    """An answer the view decided on: status, message and the field at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field
        self.headers = headers or {}

    @classmethod
    def from_field_errors(cls, exc: FieldErrors) -> ApiError:
        # The contract names one field; the domain lists fields in form order, so the first
        # is the one a person would fix first.
        field, message = exc.first
        return cls(422, message, field)


# Messages for the pydantic error types a client can trigger; anything else falls back to
# pydantic's own wording, prefixed with the field.
_TYPE_MESSAGES = {
    "missing": "is required.",
    "extra_forbidden": "is not a field of this request.",
    "string_type": "must be a string.",
    "int_type": "must be a whole number.",
    "int_parsing": "must be a whole number.",
    "bool_type": "must be true or false.",
}


def from_validation_error(exc: ValidationError, *, body: bool) -> ApiError:
    """The first pydantic error as an ApiError (400 when the body is not a JSON object)."""
    err = exc.errors(include_url=False)[0]
    if body and err["type"] == "json_invalid":
        return ApiError(400, "The request body is not valid JSON.")
    if not err["loc"]:
        # A JSON array, string or number where an object belongs.
        return ApiError(400, "The request body must be a JSON object.")
    field = str(err["loc"][0])
    known = _TYPE_MESSAGES.get(err["type"])
    message = f"{field} {known}" if known else f"{field}: {err['msg']}."
    return ApiError(422, message, field)


def error_response(
    status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> tuple[Response, int, dict[str, str]]:
    return jsonify({"error": message, "field": field}), status, headers or {}


def register(bp: Blueprint) -> None:
    """JSON answers for failures inside the API blueprint.

    404, 403, 405 and 413 already answer JSON for /api/ paths from rca.security's app-wide
    handlers (Flask prefers a handler registered for the exact code), so a missing review and a
    review the user may not see share one body there.
    """

    @bp.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Any:
        db.session.rollback()
        return error_response(exc.status, exc.message, exc.field, exc.headers)

    @bp.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        db.session.rollback()
        code = exc.code or 500
        if code >= 500:
            # Unhandled exceptions arrive as InternalServerError, already logged by Flask; the
            # details stay in the log, never in the answer.
            return error_response(500, "Something went wrong on the server; nothing was saved.")
        return error_response(code, exc.description or exc.name)
