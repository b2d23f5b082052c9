"""API v1 routes for near-miss patterns (issue 16); they add themselves to the one API blueprint.

``GET /learning/near-miss-patterns`` lists the proposed and decided patterns at the services the
token's user may see (the learning scope, as the other learning routes); ``POST
/learning/near-miss-patterns/{run_key}`` accepts one (a review at triage) or declines it (a
reason required). The rule is in ``rca.governance.near_miss``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from flask import current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spectree import Response as Documented
from sqlalchemy.exc import IntegrityError

from rca.api.auth import token_user
from rca.api.errors import ApiError, from_validation_error
from rca.api.learning import _AUTH, _BAD_FILTER, LearningQuery, _scope
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import bp
from rca.db import db, today_london
from rca.governance import pattern_decisions as decisions
from rca.governance.near_miss import STATUSES, RunRule, patterns
from rca.graph.scope import everything_for
from rca.validation import FieldErrors

Status = Literal[STATUSES]  # type: ignore[valid-type]


class PatternsQuery(LearningQuery):
    status: Status | None = Field(None, description="Only patterns in this state.")


class PatternIncidentBody(BaseModel):
    id: int = Field(description="The evidence row (the earliest, if several reviews hold it).")
    review: str = Field(description="The reference of the review that row is in.")
    occurred_on: date
    type: str = Field(examples=["Near miss"])
    severity: str | None = Field(examples=["No harm"])
    text: str = Field(description="What happened, cut to 160 characters.")


class NearMissPatternBody(BaseModel):
    run_key: str = Field(description="SHA-256 of the service, type and incidents: the run's id.")
    service: str = Field(description="The service's code.", examples=["RIV"])
    type: str = Field(description="The incident type as the log wrote it.", examples=["Fall"])
    count: int
    first: date = Field(description="The first incident's date.")
    last: date = Field(description="The last incident's date.")
    incident_ids: list[int] = Field(description="The incidents' evidence rows, by date.")
    incidents: list[PatternIncidentBody]
    status: Status = Field(examples=["proposed"])
    reason: str | None = Field(description="Why it was declined.")
    decided_by: str | None
    decided_at: datetime | None
    review_id: int | None = Field(description="The review an acceptance started.")
    review: str | None = Field(description="That review's reference.", examples=["RCA-2026-0011"])


class PatternDecision(BaseModel):
    """Accept (start a review at triage) or decline (say why) a proposed pattern."""

    model_config = ConfigDict(strict=True, extra="forbid")

    decision: Literal["accept", "decline"]
    reason: str | None = Field(
        None, description="Required to decline; up to 2,000 characters.", max_length=2000
    )


def _rule() -> RunRule:
    return RunRule.from_config(current_app.config)


@bp.get("/learning/near-miss-patterns")
@api_spec.validate(
    query=PatternsQuery,
    resp=Documented(HTTP_200=list[NearMissPatternBody], HTTP_422=_BAD_FILTER, **_AUTH),
    tags=["learning"],
    operation_id="listNearMissPatterns",
    skip_validation=True,
)
def list_patterns() -> Any:
    """Near-miss patterns

    Runs of incidents of one type at one service (the incidents kind of evidence, the same
    incident in several reviews counted once): ``NEAR_MISS_RUN`` (3) within
    ``NEAR_MISS_WINDOW_DAYS`` (28) consecutive days, first to last. Proposed ones first (latest
    last incident first), then decided ones (latest decision first). ``since``/``until`` keep
    the runs that overlap the period.
    """
    query, scope = _scope(PatternsQuery)
    found = patterns(db.session, scope, _rule(), query.status)
    return jsonify([p.to_json() for p in found])


@bp.post("/learning/near-miss-patterns/<run_key>")
@api_spec.validate(
    json=PatternDecision,
    resp=Documented(
        HTTP_201=NearMissPatternBody,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "Your role may not start reviews at the pattern's service"),
        HTTP_404=(ErrorBody, "No such pattern proposed now, or not one you may see"),
        HTTP_409=(ErrorBody, "The pattern was already accepted or declined"),
        HTTP_422=(ErrorBody, "A decline without a reason, or a field not acceptable"),
        **_AUTH,
    ),
    tags=["learning"],
    operation_id="decideNearMissPattern",
    skip_validation=True,
)
def decide_pattern(run_key: str) -> Any:
    """Accept or decline a near-miss pattern

    ``accept`` starts a review at triage at the pattern's service (trigger "pattern", its
    incidents copied in as trigger evidence with their provenance); ``decline`` needs a
    ``reason``. Each run is decided once: a second decision answers 409 and changes nothing.
    Admins, investigators and facilitators at the service may decide.
    """
    user = token_user()
    try:
        body = PatternDecision.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    try:
        decisions.decide(db.session, user, run_key, body.model_dump(), _rule(), today_london())
        db.session.commit()
    except decisions.PatternNotFound:
        raise ApiError(
            404,
            "No such pattern proposed now, or not one you may see. A pattern changes when an "
            "incident joins it: list the patterns again.",
        ) from None
    except decisions.NotAllowed:
        raise ApiError(403, "Your role may not start reviews at this pattern's service.") from None
    except (decisions.AlreadyDecided, IntegrityError):
        raise ApiError(409, "This pattern was already decided; nothing was changed.") from None
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    found = next(
        p for p in patterns(db.session, everything_for(user), _rule()) if p.run_key == run_key
    )
    return jsonify(found.to_json()), 201, {"HX-Trigger": "rca:changed"}
