"""API v1 routes for "look here too" suggestions (issue 16); they add themselves to the one API
blueprint.

``GET /learning/suggestions`` lists the open and decided suggestions among the services the
token's user may see (the learning scope, as the other learning routes: a service filter they
cannot see is refused like one that does not exist); ``POST /learning/suggestions/{id}`` accepts
one (a check planned in the source review, with an owner and due date) or dismisses it (a reason
required). The rules are in ``rca.governance.suggestions`` and ``suggestion_decisions``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import jsonify, request
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
from rca.governance import suggestion_decisions as decisions
from rca.governance.suggestions import STATUSES, suggestions
from rca.validation import FieldErrors

Status = Literal[STATUSES]  # type: ignore[valid-type]


class SuggestionsQuery(LearningQuery):
    """``service``/``kind`` narrow the services told to look; ``since``/``until`` the findings."""

    status: Status | None = Field(None, description="Only suggestions in this state.")


class SuggestionSource(BaseModel):
    review_id: int | None = Field(description="The review with the finding (null once deleted).")
    reference: str = Field(examples=["RCA-2026-0005"])
    service: str | None = Field(description="That review's service.", examples=["Oakfield House"])
    cause_id: int | None = Field(description="The finding: a cause concluded root or contributory.")


class SuggestionTarget(BaseModel):
    id: int
    code: str = Field(examples=["ELM"])
    name: str = Field(examples=["Elm Court"])
    kind: str = Field(examples=["care-home"])


class SuggestionBody(BaseModel):
    id: str = Field(description="The target service's id and the factor code: the suggestion's "
                    "id.", examples=["4:environment.poor-lighting"])  # fmt: skip
    factor_code: str = Field(examples=["environment.poor-lighting"])
    factor_label: str = Field(examples=["Poor lighting"])
    source: SuggestionSource
    target_service: SuggestionTarget
    reason: str = Field(description="Why it is suggested (as it read when decided).")
    status: Status = Field(examples=["open"])
    decided_by: str | None
    decided_at: datetime | None
    dismissed_because: str | None = Field(description="The reason given for a dismissal.")
    action_id: int | None = Field(description="The check an acceptance planned.")


class SuggestionDecisionBody(BaseModel):
    """Accept (plan a check: owner and due date) or dismiss (say why) an open suggestion."""

    model_config = ConfigDict(strict=True, extra="forbid")

    decision: Literal["accept", "dismiss"]
    owner: str | None = Field(
        None, description="Required to accept: the email or name of a user who works at both "
        "the source review's service and the target service.", max_length=200,
    )  # fmt: skip
    due: str | None = Field(
        None,
        description="Required to accept: YYYY-MM-DD, not before today.",
        examples=["2027-01-15"],
    )
    reason: str | None = Field(
        None, description="Required to dismiss; up to 2,000 characters.", max_length=2000
    )


@bp.get("/learning/suggestions")
@api_spec.validate(
    query=SuggestionsQuery,
    resp=Documented(HTTP_200=list[SuggestionBody], HTTP_422=_BAD_FILTER, **_AUTH),
    tags=["learning"],
    operation_id="listSuggestions",
    skip_validation=True,
)
def list_suggestions() -> Any:
    """Look here too: suggestions

    A finding (a cause concluded root or contributory) coded to a factor about the premises,
    equipment and recording systems, policy and thresholds, or agency induction, suggested to
    each other service of the same kind where no review has examined that factor. Open ones
    first (latest finding first), then decided ones (latest decision first). A suggestion
    decided once is never suggested again.
    """
    query, scope = _scope(SuggestionsQuery)
    found = suggestions(db.session, token_user(), scope, query.status)
    return jsonify([s.to_json() for s in found])


@bp.post("/learning/suggestions/<key>")
@api_spec.validate(
    json=SuggestionDecisionBody,
    resp=Documented(
        HTTP_200=(SuggestionBody, "Dismissed"),
        HTTP_201=(SuggestionBody, "Accepted: the check is planned (action_id)"),
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "Your role may not plan actions at both services"),
        HTTP_404=(ErrorBody, "No such open suggestion, or not one you may see"),
        HTTP_409=(ErrorBody, "The suggestion was already accepted or dismissed"),
        HTTP_422=(
            ErrorBody,
            "A dismissal without a reason, an acceptance without an owner or "
            "due date, or a field not acceptable",
        ),  # fmt: skip
        **_AUTH,
    ),
    tags=["learning"],
    operation_id="decideSuggestion",
    skip_validation=True,
)
def decide_suggestion(key: str) -> Any:
    """Accept or dismiss a suggestion

    ``accept`` plans a check in the source review's plan, addressing its finding, owned by
    ``owner`` and due on ``due`` (201, with ``action_id``); ``dismiss`` needs a ``reason``
    (200). Each suggestion is decided once: a second decision answers 409 and changes nothing.
    Admins, investigators and facilitators at both services may decide.
    """
    user = token_user()
    try:
        body = SuggestionDecisionBody.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    try:
        decision = decisions.decide(db.session, user, key, body.model_dump(), today_london())
        db.session.commit()
    except decisions.SuggestionNotFound:
        raise ApiError(
            404,
            "No such open suggestion, or not one you may see. A suggestion goes once a review "
            "at its service examines the factor: list the suggestions again.",
        ) from None
    except decisions.NotAllowed:
        raise ApiError(403, "Your role may not plan actions at both of these services.") from None
    except (decisions.AlreadyDecided, IntegrityError):
        raise ApiError(409, "This suggestion was already decided; nothing was changed.") from None
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    found = next(s for s in suggestions(db.session, user) if s.key == key)
    status = 201 if decision.decision == "accepted" else 200
    return jsonify(found.to_json()), status, {"HX-Trigger": "rca:changed"}
