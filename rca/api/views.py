"""The /api/v1 endpoints. Each view parses, calls a domain function and serialises."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from pydantic import BaseModel, ValidationError
from spectree import Response as Documented
from sqlalchemy.exc import IntegrityError

from rca import access
from rca.api import errors
from rca.api.auth import authenticate, token_user
from rca.api.errors import ApiError, from_validation_error
from rca.api.queries import review_window
from rca.api.schemas import (
    ErrorBody,
    ListQuery,
    NewReview,
    ReviewCreated,
    ReviewDetail,
    ReviewList,
    ReviewSummary,
)
from rca.api.spec import api_spec
from rca.db import db, today_london
from rca.reviews import lifecycle
from rca.validation import FieldErrors

bp = Blueprint("api", __name__, url_prefix="/api/v1")
errors.register(bp)

# The answers every authenticated endpoint can give besides its own.
_AUTH_ERRORS: dict[str, Any] = {"HTTP_401": (ErrorBody, "Missing, invalid or revoked token")}


@bp.before_request
def require_token() -> None:
    if request.endpoint == "api.openapi":
        return  # the document describes the contract and holds no care data
    authenticate()


@bp.after_request
def no_store(resp: Response) -> Response:
    # Care data must not linger in proxies' or clients' caches.
    resp.headers.setdefault("Cache-Control", "no-store")
    return resp


def _json(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    return jsonify(model.model_dump(mode="json")), status, headers or {}


@bp.post("/reviews")
@api_spec.validate(
    json=NewReview,
    resp=Documented(
        HTTP_201=ReviewCreated,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "The user's roles do not allow starting reviews"),
        HTTP_409=(ErrorBody, "Another review took the reference at the same moment; retry"),
        HTTP_422=(ErrorBody, "A field is missing, of the wrong type or not acceptable"),
        **_AUTH_ERRORS,
    ),
    tags=["reviews"],
    operation_id="createReview",
    # spectree's own validation would answer its own error list; the view validates with the
    # same model so failures keep the {"error", "field"} shape.
    skip_validation=True,
)
def create_review() -> Any:
    """Start a review

    Triage runs at once: the answer carries the recommended depth and the reasons for it. The
    Location header is the new review's address.
    """
    user = token_user()
    if not access.can_create_anywhere(user):
        # Decided before looking at the service, so it says nothing about which services exist.
        raise ApiError(403, "Your role does not allow starting reviews.")
    try:
        body = NewReview.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    try:
        review = lifecycle.create_review(db.session, user, body.model_dump(), today_london())
        db.session.commit()
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    except IntegrityError:
        # Two reviews created at once can compute the same next reference; nothing was saved.
        raise ApiError(409, "Another review was started at the same moment; try again.") from None
    location = url_for("api.get_review", review_id=review.id)
    return _json(ReviewCreated.of(review), 201, {"Location": location})


@bp.get("/reviews")
@api_spec.validate(
    query=ListQuery,
    resp=Documented(
        HTTP_200=ReviewList,
        HTTP_422=(ErrorBody, "A filter or the page window is not acceptable"),
        **_AUTH_ERRORS,
    ),
    tags=["reviews"],
    operation_id="listReviews",
    skip_validation=True,
)
def list_reviews() -> Any:
    """List the reviews you may see

    Newest event first. Filter by service code, stage and trigger; page with limit (at most
    200) and offset.
    """
    try:
        query = ListQuery.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise from_validation_error(exc, body=False) from None
    window = review_window(db.session, token_user(), **query.model_dump())
    return _json(
        ReviewList(
            reviews=[ReviewSummary.of(r) for r in window.reviews],
            total=window.total,
            limit=query.limit,
            offset=query.offset,
        )
    )


@bp.get("/reviews/<int:review_id>")
@api_spec.validate(
    resp=Documented(
        HTTP_200=ReviewDetail,
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        **_AUTH_ERRORS,
    ),
    tags=["reviews"],
    operation_id="getReview",
    validation_error_status=404,
    skip_validation=True,
)
def get_review(review_id: int) -> Any:
    """One review

    Its triage, chosen depth and terms of reference. People in scope appear by pseudonym only.
    A review at a service you hold no role for answers 404, exactly like a missing one.
    """
    return _json(ReviewDetail.of(access.review_for(token_user(), review_id)))


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI document, generated by spectree from the views and models above."""
    return jsonify(api_spec.spec)
