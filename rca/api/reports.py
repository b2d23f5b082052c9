"""API v1 routes for reports (they add themselves to the one API blueprint):

- ``GET /reviews/{id}/report.pdf``: the latest issued version's stored bytes (or ``?version=N``);
  404 with a clear error while none is issued. ``?draft=true``: the current draft (pseudonymised
  as the provider chose), from the content-keyed cache when the review did not change;
  ``&internal=true`` the internal version with names (admin, investigator, facilitator only).
- ``POST /reviews/{id}/issues`` ``{"recipient"}``: issue the next version; 201.
- ``GET /reviews/{id}/issues``: the issued versions, newest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spectree import Response as Documented

from rca import access
from rca.api.auth import token_user
from rca.api.errors import ApiError, from_validation_error
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import _AUTH_ERRORS, bp
from rca.db import db, today_london
from rca.reports import drafts, issued
from rca.reports.models import IssuedReport
from rca.validation import FieldErrors

_TRUE = {"1", "true", "yes"}
_FALSE = {"", "0", "false", "no"}


class PdfResponse(Documented):
    """spectree's Response with the 200 answer documented as a PDF (binary), not JSON."""

    def generate_spec(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        spec = super().generate_spec(*args, **kwargs)
        spec["200"]["content"] = {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
        }
        spec["200"]["headers"] = {
            "X-Report-SHA256": {
                "description": "SHA-256 of the body, in hex.",
                "schema": {"type": "string"},
            },
            "X-Report-Version": {
                "description": "The issued version (absent for a draft).",
                "schema": {"type": "integer"},
            },
        }
        return spec


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    draft: str | None = Field(
        None,
        description="true: the current draft (watermarked). Default: the latest issued version.",
        examples=["true"],
    )
    version: str | None = Field(None, description="An issued version number.", examples=["2"])
    internal: str | None = Field(
        None,
        description="With draft=true: the internal version naming people supported and staff "
        "(admin, investigator and facilitator roles only; never issued).",
    )


class NewIssue(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    recipient: str = Field(
        description="Who the report is issued to (at most 200 characters).",
        examples=["Westshire County Council commissioning team"],
    )


class IssueCreated(BaseModel):
    version: int = Field(examples=[1])
    sha256: str = Field(description="SHA-256 of the issued PDF's bytes, in hex.")
    issued_at: datetime = Field(description="ISO 8601 UTC time of issue.")
    url: str = Field(description="Where the issued PDF is fetched (this API).")


class IssueSummary(IssueCreated):
    recipient: str
    issued_by: str | None = Field(description="The name of the user who issued it.")
    size: int = Field(description="Bytes.")
    staff_names: bool = Field(
        description="Staff named (the provider's choice) rather than by role."
    )


class IssueList(BaseModel):
    issues: list[IssueSummary] = Field(description="Newest first.")


def _flag(value: str | None, name: str) -> bool:
    text = (value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ApiError(422, f"{name} must be true or false.", name)


def _url(record: IssuedReport) -> str:
    return url_for("api.get_report_pdf", review_id=record.review_id, version=record.version)


def _pdf(data: bytes, name: str, version: int | None) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Report-SHA256"] = issued.sha256(data)
    if version is not None:
        response.headers["X-Report-Version"] = str(version)
    return response


@bp.get("/reviews/<int:review_id>/report.pdf")
@api_spec.validate(
    query=ReportQuery,
    resp=PdfResponse(
        HTTP_200=None,
        HTTP_403=(ErrorBody, "internal=true asked by a role that may not see names"),
        HTTP_404=(ErrorBody, "No such review or version, or no version issued yet"),
        HTTP_422=(ErrorBody, "A query parameter is not acceptable"),
        **_AUTH_ERRORS,
    ),
    tags=["reports"],
    operation_id="getReportPdf",
    skip_validation=True,
)
def get_report_pdf(review_id: int) -> Any:
    """A review's report as PDF

    Without draft=true: the latest issued version (or version=N) exactly as issued: the stored
    bytes, never regenerated, so its SHA-256 never changes. 404 while none is issued. With
    draft=true: the current draft, watermarked, pseudonymised as the provider chose (people
    supported by pseudonym; staff by role unless the provider chose names).
    """
    user = token_user()
    review = access.review_for(user, review_id)
    try:
        query = ReportQuery.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise from_validation_error(exc, body=False) from None
    if _flag(query.draft, "draft"):
        mode = drafts.chosen_mode(db.session, review)
        if _flag(query.internal, "internal"):
            if not access.can(user, "edit", review.service_id):
                raise ApiError(403, "Your role may not see the internal version with names.")
            mode = "full-names"
        data = drafts.draft_today(current_app, db.session, review, mode)
        return _pdf(data, f"{review.reference}-draft.pdf", None)
    number = None
    if query.version is not None:
        if not query.version.isdigit():
            raise ApiError(422, "version must be a whole number.", "version")
        number = int(query.version)
    record = issued.version(db.session, review, number)
    if record is None:
        if number is not None:
            raise ApiError(404, f"{review.reference} has no issued version {number}.", "version")
        raise ApiError(
            404,
            f"No version of the report of {review.reference} has been issued yet; ask for "
            "?draft=true for the current draft.",
        )
    return _pdf(record.pdf, f"{review.reference}-v{record.version}.pdf", record.version)


@bp.post("/reviews/<int:review_id>/issues")
@api_spec.validate(
    json=NewIssue,
    resp=Documented(
        HTTP_201=IssueCreated,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "The user's role does not allow issuing reports"),
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        HTTP_422=(ErrorBody, "The recipient is missing or not acceptable"),
        **_AUTH_ERRORS,
    ),
    tags=["reports"],
    operation_id="issueReport",
    skip_validation=True,
)
def issue_report(review_id: int) -> Any:
    """Issue the next version of a review's report

    Renders the report as it stands (pseudonymised as the provider chose), keeps the PDF's exact
    bytes with their SHA-256, who issued it, when and to whom. The Location header and url are
    where the PDF is fetched.
    """
    user = token_user()
    review = access.review_for(user, review_id, "edit")
    try:
        body = NewIssue.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    try:
        record = issued.issue(
            current_app,
            db.session,
            review,
            recipient=body.recipient,
            user_id=user.id,
            today=today_london(),
        )
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        raise ApiError.from_field_errors(exc) from None
    answer = IssueCreated(
        version=record.version, sha256=record.sha256, issued_at=record.issued_at, url=_url(record)
    )
    return jsonify(answer.model_dump(mode="json")), 201, {"Location": _url(record)}


@bp.get("/reviews/<int:review_id>/issues")
@api_spec.validate(
    resp=Documented(
        HTTP_200=IssueList,
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        **_AUTH_ERRORS,
    ),
    tags=["reports"],
    operation_id="listIssues",
    skip_validation=True,
)
def list_issues(review_id: int) -> Any:
    """The issued versions of a review's report

    Newest first, each with its SHA-256, time, recipient and who issued it.
    """
    review = access.review_for(token_user(), review_id)
    body = IssueList(
        issues=[
            IssueSummary(
                version=r.version,
                sha256=r.sha256,
                issued_at=r.issued_at,
                url=_url(r),
                recipient=r.recipient,
                issued_by=r.issued_by.name if r.issued_by else None,
                size=r.size,
                staff_names=r.staff_names,
            )
            for r in issued.versions(db.session, review)
        ]
    )
    return jsonify(body.model_dump(mode="json"))
