"""API v1 routes for learning across reviews; they add themselves to the one API blueprint.

Contract (issue 15): ``PATCH /actions/{id}`` (status, note, version; 409 stale; the closing date
recorded), ``GET /reviews/{id}/similar``, ``GET /learning/factors``, ``/learning/pairs``,
``/learning/themes`` and ``/learning/recurrence``. Every figure counts only the reviews the
token's user may open (``rca.graph.scope``); a service they cannot see is refused with the same
words as one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spectree import Response as Documented

from rca import access
from rca.actions import planning, progress
from rca.actions.models import ACTION_STATUSES, Action
from rca.api.actions import ActionBody
from rca.api.actions import _body as action_body
from rca.api.auth import token_user
from rca.api.errors import ApiError, from_validation_error
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import bp
from rca.db import db, today_london
from rca.graph import scope as learning_scope
from rca.graph.pairs import MIN_REVIEWS, factor_pairs
from rca.graph.recurrence import MAX_WINDOW_DAYS, WINDOW_DAYS, recurrence_after_closure
from rca.graph.recurring import factor_labels, recurring_factors
from rca.graph.similar import similar_reviews
from rca.graph.themes import themes
from rca.provider.models import SERVICE_KINDS
from rca.validation import FieldErrors

_AUTH = {"HTTP_401": (ErrorBody, "Missing, invalid or revoked token")}
_BAD_FILTER = (ErrorBody, "A filter is not acceptable (field names it): a bad date, a service "
               "you cannot see, an unknown factor, a number out of range")  # fmt: skip
Kind = Literal[tuple(SERVICE_KINDS)]  # type: ignore[valid-type]


# --- closing actions -----------------------------------------------------------------------------


class ActionStatusChange(BaseModel):
    """Change an action's status (and say why), with the version you read."""

    model_config = ConfigDict(strict=True, extra="forbid")

    status: Literal[tuple(ACTION_STATUSES)] = Field(examples=["done"])  # type: ignore[valid-type]
    note: str | None = Field(
        None, description="A progress note, up to 4,000 characters.", examples=["Re-audit done."]
    )
    version: int = Field(description="The version you read; a stale one answers 409.")


class ActionChanged(ActionBody):
    completed_on: date | None = Field(
        description="The day it was marked done (London time); null unless it is done."
    )


@bp.patch("/actions/<int:action_id>")
@api_spec.validate(
    json=ActionStatusChange,
    resp=Documented(
        HTTP_200=ActionChanged,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "Your role does not allow recording progress on this action"),
        HTTP_404=(ErrorBody, "No such action, or not one you may see"),
        HTTP_409=(ErrorBody, "The version is stale: someone changed the action since you read it"),
        HTTP_422=(ErrorBody, "A field is missing or not acceptable"),
        **_AUTH,
    ),
    tags=["actions"],
    operation_id="changeActionStatus",
    skip_validation=True,
)
def change_action_status(action_id: int) -> Any:
    """Change an action's status

    ``planned``, ``in-progress``, ``done`` or ``cancelled``, with an optional ``note`` and the
    ``version`` read. Marking it done records today as the day it was done (``completed_on``),
    which the recurrence figures count from. A stale version answers 409 and nothing is saved.
    Contributors and the action's owner may do this, as on the Actions pane.
    """
    user = token_user()
    action = db.session.get(Action, action_id)
    if action is None:
        raise ApiError(404, "No such action, or not one you may see.")
    review = access.review_for(user, action.review_id)
    if not progress.may_record_progress(user, action, review.service_id):
        raise ApiError(403, "Your role does not allow recording progress on this action.")
    try:
        body = ActionStatusChange.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    try:
        planning.check_version(action, body.version)
        progress.record_progress(
            db.session, action, body.note, body.status, user.id, today_london()
        )
        db.session.commit()
    except planning.StaleAction:
        raise ApiError(
            409,
            "Someone else changed this action since you read it; nothing was saved. Read it "
            "again and resend your change.",
            "version",
        ) from None
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    out = ActionChanged(
        **action_body(action, review.reference, review.service.code).model_dump(),
        completed_on=action.completed_on,
    )
    return jsonify(out.model_dump(mode="json")), 200, {"HX-Trigger": "rca:changed"}


# --- similar reviews ----------------------------------------------------------------------------


class SimilarReviewBody(BaseModel):
    review_id: int
    reference: str = Field(examples=["RCA-2025-0014"])
    service: str = Field(description="The service's code.", examples=["WIL"])
    score: float = Field(
        description="Sum over the shared factors of ln(1 + N / reviews citing it), N the "
        "reviews you may open: rare shared factors weigh most.",
        examples=[3.4012],
    )
    shared_factors: list[str] = Field(
        description="Shared factor codes, rarest first.", examples=[["environment.poor-lighting"]]
    )
    why: str = Field(
        examples=[
            "Shares 2 coded factors; the rarest, “Poor lighting”, is cited in 3 of 40 reviews."
        ]  # fmt: skip
    )


@bp.get("/reviews/<int:review_id>/similar")
@api_spec.validate(
    resp=Documented(
        HTTP_200=list[SimilarReviewBody],
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        **_AUTH,
    ),
    tags=["learning"],
    operation_id="listSimilarReviews",
    skip_validation=True,
)
def list_similar(review_id: int) -> Any:
    """Similar reviews

    At most 5 other reviews you may open that share this review's coded factors (a factor
    counts when its cause is supported or concluded a root cause or contributory factor), best
    first. Rare shared factors weigh most. An empty list when the review cites no factor yet.
    """
    user = token_user()
    review = access.review_for(user, review_id)
    found = similar_reviews(db.session, review, learning_scope.everything_for(user))
    return jsonify([SimilarReviewBody(**s.to_json()).model_dump(mode="json") for s in found])


# --- figures across reviews ---------------------------------------------------------------------


class LearningQuery(BaseModel):
    """The reviews a figure reads: only those you may open, narrowed by these."""

    model_config = ConfigDict(extra="forbid")

    service: str | None = Field(None, max_length=32, description="A service code.")
    kind: Kind | None = Field(None, description="A kind of service.")
    since: date | None = Field(None, description="Incidents on or after this date.")
    until: date | None = Field(None, description="Incidents on or before this date.")


class PairsQuery(LearningQuery):
    min_reviews: int = Field(
        MIN_REVIEWS, ge=1, le=100_000, description="Minimum support: reviews citing both."
    )
    factor: str | None = Field(None, max_length=64, description="Only pairs with this factor.")
    limit: int = Field(50, ge=1, le=500)


class ThemesQuery(LearningQuery):
    min_reviews: int = Field(
        MIN_REVIEWS,
        ge=1,
        le=100_000,
        description="Minimum support of the graph's factors and pairs.",  # fmt: skip
    )


class RecurrenceQuery(LearningQuery):
    window_days: int = Field(
        WINDOW_DAYS,
        ge=1,
        le=MAX_WINDOW_DAYS,
        description="Days after an action was done within which a recurrence counts.",
    )


class RecurringFactorBody(BaseModel):
    code: str = Field(examples=["environment.poor-lighting"])
    label: str = Field(examples=["Poor lighting"])
    reviews: int = Field(description="Reviews citing it.")
    services: int = Field(description="Services those reviews are at.")
    first_seen: date = Field(description="The earliest incident date among them.")
    last_seen: date
    by_quarter: dict[str, int] = Field(
        description="Reviews citing it per quarter, every quarter of the range (zeros too).",
        examples=[{"2026-Q1": 2, "2026-Q2": 0, "2026-Q3": 1}],
    )


class FactorPairBody(BaseModel):
    code_a: str
    code_b: str
    label_a: str
    label_b: str
    reviews: int = Field(description="Reviews citing both.")
    lift: float = Field(
        description="reviews citing both x N / (reviews citing a x reviews citing b); N the "
        "reviews in scope citing any factor. 1 is chance.",
        examples=[2.75],
    )
    pmi: float = Field(description="log2(lift).")


class ThemeMethod(BaseModel):
    algorithm: str = Field(examples=["louvain"])
    seed: int = Field(examples=[2026])
    parameters: dict[str, Any]
    data_hash: str = Field(description="SHA-256 of the counts the themes were found on.")


class ThemeBody(BaseModel):
    name: str = Field(description="Its two most-cited factors' labels.")
    factors: list[str]
    reviews: int = Field(description="Reviews citing at least two of its factors together.")
    services: int


class ThemesBody(BaseModel):
    method: ThemeMethod
    stability: float | None = Field(
        description="Mean adjusted Rand index of reseeded runs against this answer (1: the same "
        "themes whatever the seed); null with fewer than two factors.",
        examples=[0.97],
    )
    themes: list[ThemeBody]


class Tally(BaseModel):
    actions: int
    followed_by_recurrence: int
    watching: int = Field(description="Not followed yet, but still within the window.")


class RecurrenceBody(BaseModel):
    review_id: int
    factor_code: str
    occurred_on: date


class ActionOutcomeBody(BaseModel):
    action_id: int
    review_id: int
    action_type: str
    strength: Literal["system", "individual"]
    done_on: date
    factor_codes: list[str]
    watching: bool
    recurrences: list[RecurrenceBody]


class RecurrenceAnswerBody(BaseModel):
    window_days: int
    by_strength: dict[str, Tally]
    by_type: dict[str, Tally]
    actions: list[ActionOutcomeBody]


def _scope(model: type[BaseModel]) -> tuple[Any, learning_scope.LearningScope]:
    try:
        query = model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise from_validation_error(exc, body=False) from None
    try:
        raw = {"service": query.service, "kind": query.kind}  # type: ignore[attr-defined]
        raw.update(since=query.since, until=query.until)  # type: ignore[attr-defined]
        scope = learning_scope.scope_for(db.session, token_user(), raw)
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    return query, scope


def _documented(body: Any, query: type[BaseModel], operation: str) -> Any:
    return api_spec.validate(
        query=query,
        resp=Documented(HTTP_200=body, HTTP_422=_BAD_FILTER, **_AUTH),
        tags=["learning"],
        operation_id=operation,
        skip_validation=True,
    )


@bp.get("/learning/factors")
@_documented(list[RecurringFactorBody], LearningQuery, "listRecurringFactors")
def learning_factors() -> Any:
    """Recurring factors

    Per factor cited in scope: its reviews and services, first and last seen, and reviews per
    quarter. Most reviews first. A period with no reviews answers an empty list.
    """
    _query, scope = _scope(LearningQuery)
    return jsonify([f.to_json() for f in recurring_factors(db.session, scope)])


@bp.get("/learning/pairs")
@_documented(list[FactorPairBody], PairsQuery, "listFactorPairs")
def learning_pairs() -> Any:
    """Factors that travel together

    Pairs cited together in at least ``min_reviews`` reviews and more often than chance
    (lift above 1), highest lift first. ``factor`` keeps the pairs with that factor.
    """
    query, scope = _scope(PairsQuery)
    factor = None
    if query.factor:
        try:
            factor = learning_scope.check_factor(factor_labels(db.session), query.factor)
        except FieldErrors as exc:
            raise ApiError.from_field_errors(exc) from None
    pairs = factor_pairs(
        db.session, scope, min_reviews=query.min_reviews, factor=factor, limit=query.limit
    )
    return jsonify([p.to_json() for p in pairs])


@bp.get("/learning/themes")
@_documented(ThemesBody, ThemesQuery, "listThemes")
def learning_themes() -> Any:
    """Themes

    Communities of factors on the lift-weighted factor graph (Louvain, fixed seed). The answer
    carries the algorithm, seed, parameters and a hash of the data, and a stability figure:
    same data and parameters, same themes.
    """
    query, scope = _scope(ThemesQuery)
    return jsonify(themes(db.session, scope, min_reviews=query.min_reviews).to_json())


@bp.get("/learning/recurrence")
@_documented(RecurrenceAnswerBody, RecurrenceQuery, "getRecurrenceAfterClosure")
def learning_recurrence() -> Any:
    """Recurrence after closure

    For each action marked done (``since``/``until`` apply to the day it was done): the later
    reviews at the same service, within ``window_days`` of that day, citing a factor the
    action's causes were coded to. Rolled up by strength (system, individual) and by type.
    """
    query, scope = _scope(RecurrenceQuery)
    answer = recurrence_after_closure(db.session, scope, today_london(), query.window_days)
    return jsonify(answer.to_json())
