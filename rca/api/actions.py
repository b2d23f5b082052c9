"""API v1 routes for actions; they add themselves to the one API blueprint.

Contract (issue 7): ``POST /reviews/{id}/actions``, ``GET /actions``,
``POST /actions/{id}/effectiveness``, ``GET /actions/{id}.ics``. Request bodies are strict JSON
(unknown fields refused); value rules are the web forms' (``rca.actions.planning``,
``rca.actions.effectiveness``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spectree import Response as Documented

from rca import access
from rca.actions import effectiveness, ics, planning
from rca.actions import tracker as tracking
from rca.actions.models import ACTION_KINDS, ACTION_TYPES, Action
from rca.actions.plan import plan_row
from rca.api.auth import token_user
from rca.api.errors import ApiError, from_validation_error
from rca.api.schemas import MAX_LIMIT, ErrorBody
from rca.api.spec import api_spec
from rca.api.views import bp
from rca.db import db, today_london
from rca.validation import FieldErrors

_AUTH = {"HTTP_401": (ErrorBody, "Missing, invalid or revoked token")}
DATE = {"format": "date"}


class NewAction(BaseModel):
    """Plan an action on a review."""

    model_config = ConfigDict(strict=True, extra="forbid")

    text: str = Field(
        description="What will change.",
        examples=["Make the shift lead own care-plan updates after every change in risk"],
    )
    kind: str = Field(json_schema_extra={"enum": list(ACTION_KINDS)}, examples=["system"])
    action_type: str | None = Field(
        None,
        description="The kind of change (optional): " + ", ".join(ACTION_TYPES) + ".",
        examples=["ownership"],
    )
    cause_ids: list[int] = Field(
        default_factory=list, description="Causes of this review's fishbone it addresses."
    )
    owner: str | None = Field(
        None,
        description="A user at the review's service (email or name) or a member of staff "
        "there (name).",
        examples=["hannah.price@hollybrook.example"],
    )
    due: str | None = Field(None, json_schema_extra=DATE, examples=["2027-01-15"])
    review_points: list[str] = Field(
        default_factory=list, json_schema_extra={"items": {"type": "string", "format": "date"}}
    )
    measure: str | None = Field(
        None, examples=["% of identified changes reflected in care plans within 5 working days"]
    )
    target: str | None = Field(None, examples=["95%"])


class Smart(BaseModel):
    ok: bool
    missing: list[str] = Field(examples=[["measurable: no target given"]])


class ActionBody(BaseModel):
    id: int
    review_id: int
    review_reference: str
    service: str
    text: str
    kind: str
    action_type: str | None
    cause_ids: list[int]
    owner: str | None
    due: date | None
    review_points: list[date]
    measure: str | None
    target: str | None
    status: str
    overdue: bool
    smart: Smart
    version: int


class ActionCreated(ActionBody):
    pass


class ActionList(BaseModel):
    actions: list[ActionBody]
    total: int
    limit: int
    offset: int


class ActionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overdue: bool | None = Field(None, description="true: only open actions past their due date.")
    due_before: date | None = Field(None, description="Only actions due before this date.")
    owner: str | None = Field(None, max_length=200, description="Owner's name or email.")
    service: str | None = Field(None, max_length=32, description="A service code.")
    status: Literal["planned", "in-progress", "done", "cancelled"] | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)


class NewCheck(BaseModel):
    """A re-audit result for the action's target."""

    model_config = ConfigDict(strict=True, extra="forbid")

    numerator: int = Field(examples=[19])
    denominator: int = Field(examples=[20])
    period_start: str = Field(json_schema_extra=DATE, examples=["2026-11-01"])
    period_end: str = Field(json_schema_extra=DATE, examples=["2026-11-28"])
    source: str = Field(examples=["Monthly care plan audit, all changes identified"])


class CheckResult(BaseModel):
    result_percent: float = Field(examples=[95.0])
    target_met: bool
    verdict: Literal["embedded", "improving", "not-embedded"]
    review_reopened: bool = Field(description="The review was sent back to its actions stage.")
    check_id: int
    review_stage: str


def _body(action: Action, reference: str, service: str) -> ActionBody:
    row = plan_row(action, today_london())
    return ActionBody(
        id=action.id,
        review_id=action.review_id,
        review_reference=reference,
        service=service,
        text=action.text,
        kind=action.kind,
        action_type=action.action_type,
        cause_ids=[c.id for c in row.causes],
        owner=row.owner or None,
        due=action.due,
        review_points=row.review_points,
        measure=action.measure,
        target=action.target,
        status=action.status,
        overdue=row.overdue,
        smart=Smart(ok=row.smart.ok, missing=row.smart.missing),
        version=action.version,
    )


def _action(action_id: int, need: access.Permission) -> tuple[Action, Any]:
    action = db.session.get(Action, action_id)
    if action is None:
        raise ApiError(404, "No such action, or not one you may see.")
    review = access.review_for(token_user(), action.review_id, need)
    return action, review


@bp.post("/reviews/<int:review_id>/actions")
@api_spec.validate(
    json=NewAction,
    resp=Documented(
        HTTP_201=ActionCreated,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "Your role does not allow planning actions"),
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        HTTP_422=(ErrorBody, "A field is missing, of the wrong type or not acceptable"),
        **_AUTH,
    ),
    tags=["actions"],
    operation_id="createAction",
    skip_validation=True,
)
def create_action(review_id: int) -> Any:
    """Plan an action

    Links the causes (of this review only), resolves the owner at the review's service, and
    answers the SMART check: ``missing`` names each failing part.
    """
    review = access.review_for(token_user(), review_id, "edit")
    try:
        body = NewAction.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    try:
        data = planning.parse_action(
            db.session, review, body.model_dump(), body.cause_ids, body.review_points
        )
        action = planning.create_action(db.session, review, data, token_user().id)
        db.session.commit()
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    created = ActionCreated(**_body(action, review.reference, review.service.code).model_dump())
    return jsonify(created.model_dump(mode="json")), 201, {"HX-Trigger": "rca:changed"}


@bp.get("/actions")
@api_spec.validate(
    query=ActionQuery,
    resp=Documented(
        HTTP_200=ActionList, HTTP_422=(ErrorBody, "A filter is not acceptable"), **_AUTH
    ),
    tags=["actions"],
    operation_id="listActions",
    skip_validation=True,
)
def list_actions() -> Any:
    """List actions across the reviews you may see

    Filter by ``overdue=true``, ``due_before=YYYY-MM-DD``, ``owner`` (name or email),
    ``service`` and ``status``; earliest due first.
    """
    try:
        query = ActionQuery.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise from_validation_error(exc, body=False) from None
    f = tracking.TrackerFilters(
        view="overdue" if query.overdue else "all",
        owner=query.owner or "",
        service=query.service or "",
        due_before=query.due_before,
    )
    today = today_london()
    user = token_user()
    actions, total = tracking.api_window(
        db.session, user, f, today, query.status, query.limit, query.offset
    )
    bodies = [_body(a, ref, code) for a, ref, code in actions]
    out = ActionList(actions=bodies, total=total, limit=query.limit, offset=query.offset)
    return jsonify(out.model_dump(mode="json"))


@bp.post("/actions/<int:action_id>/effectiveness")
@api_spec.validate(
    json=NewCheck,
    resp=Documented(
        HTTP_200=CheckResult,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "Your role does not allow recording checks"),
        HTTP_404=(ErrorBody, "No such action, or not one you may see"),
        HTTP_422=(ErrorBody, "A field is not acceptable, or the action has no % target"),
        **_AUTH,
    ),
    tags=["actions"],
    operation_id="recordEffectiveness",
    skip_validation=True,
)
def record_effectiveness(action_id: int) -> Any:
    """Record an effectiveness check

    The result (numerator / denominator, %) against the action's target. Verdict: ``embedded``
    (target met), ``improving`` (below target, better than the previous check), else
    ``not-embedded``, which sends a review past its actions stage back to actions with a
    follow-up (``review_reopened``).
    """
    action, review = _action(action_id, "edit")
    try:
        body = NewCheck.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    try:
        outcome = effectiveness.record_check(
            db.session, review, action, body.model_dump(), token_user().id, today_london()
        )
        db.session.commit()
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    check = outcome.check
    out = CheckResult(
        result_percent=float(check.result_percent),
        target_met=check.target_met,
        verdict=check.verdict,  # type: ignore[arg-type]
        review_reopened=outcome.review_reopened,
        check_id=check.id,
        review_stage=review.stage,
    )
    return jsonify(out.model_dump(mode="json")), 200, {"HX-Trigger": "rca:changed"}


@bp.get("/actions/<int:action_id>.ics")
@api_spec.validate(
    resp=Documented(
        HTTP_200=None, HTTP_404=(ErrorBody, "No such action, or not one you may see"), **_AUTH
    ),
    tags=["actions"],
    operation_id="getActionCalendar",
    skip_validation=True,
)
def action_calendar(action_id: int) -> Any:
    """One action as iCalendar (text/calendar)

    Its due date and every review point as all-day events with stable UIDs and a reminder the
    day before.
    """
    action, review = _action(action_id, "view")
    resp = current_app.response_class(ics.action_calendar(action, review), mimetype="text/calendar")
    resp.headers["Content-Disposition"] = f'attachment; filename="action-{action.id}.ics"'
    return resp
