"""API v1 routes for a review's fishbone causes; they add themselves to the one API blueprint.

- ``GET /api/v1/reviews/{id}/causes``: the tree (roots in bone order, nested ``children``);
- ``POST /api/v1/reviews/{id}/causes``: add a cause (201 with the whole cause);
- ``PATCH /api/v1/reviews/{id}/causes/{cause_id}``: change it, with the ``version`` read
  (stale: 409, nothing overwritten).

The bodies are a public contract; their shape is these models. Concluding a cause "root" when a
guidance rule forbids it answers 422 ``{"error", "rule", "field": "conclusion"}``.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import jsonify, request, url_for
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spectree import Response as Documented

from rca import access
from rca.api.auth import token_user
from rca.api.errors import ApiError, from_validation_error
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import bp
from rca.db import db
from rca.fishbone import causes as domain
from rca.fishbone.cause_status import ConclusionRefused
from rca.fishbone.settings import framework_for
from rca.fishbone.tree import cause_tree, flatten
from rca.validation import FieldErrors

Status = Literal["hypothesis", "supported", "ruled-out"]
Conclusion = Literal["root", "contributory", "incidental"]
_AUTH = {"HTTP_401": (ErrorBody, "Missing, invalid or revoked token")}
_CATEGORY = (
    "A bone of the review's framework (the default framework's keys: staffing, training, "
    "supervision, guidance, communication, environment, equipment, governance, person)."
)
_REASON = "Why the status changes. Required whenever status changes (and kept with the change)."


class RuleRefusal(BaseModel):
    error: str = Field(
        examples=[
            "“Carer forgot” reads as staff error, so it cannot be a root "
            "cause until supervision has been examined: ..."
        ]
    )
    rule: str = Field(examples=["staff-error-tested"])
    field: str | None = Field("conclusion", examples=["conclusion"])


class NewCause(BaseModel):
    """Add a cause on a bone, or a "why?" under ``parent_id`` (it takes its parent's bone)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    text: str = Field(
        description="1 to 500 characters.", examples=["Unclear escalation thresholds"]
    )
    category: str | None = Field(
        None, description=_CATEGORY + " Ignored under a parent.", examples=["guidance"]
    )
    parent_id: int | None = Field(None, description="The cause this one answers “why?” for.")
    status: Status = "hypothesis"
    conclusion: Conclusion | None = None
    evidence_ids: list[int] = Field(
        default_factory=list,
        description="Evidence rows of this review (imported, manual or "
        "timeline events). An id from another review is refused (422).",
    )
    factor_code: str | None = Field(
        None,
        description="A code of the contributory-factor list.",
        examples=["guidance.escalation-thresholds"],
    )
    reason: str | None = Field(None, description="Why it starts supported or ruled out.")


class CauseChange(BaseModel):
    """Change a cause: only the fields sent change. ``evidence_ids`` replaces the links."""

    model_config = ConfigDict(strict=True, extra="forbid")

    version: int = Field(description="The version you read; a stale one answers 409.")
    text: str | None = None
    category: str | None = Field(None, description=_CATEGORY + " Moves it (and its whys) there.")
    status: Status | None = None
    reason: str | None = Field(None, description=_REASON)
    conclusion: Conclusion | None = Field(None, description="null clears the conclusion.")
    factor_code: str | None = None
    evidence_ids: list[int] | None = None


class CauseBody(BaseModel):
    id: int
    text: str
    category: str
    parent_id: int | None
    position: int = Field(description="Order among its siblings, from 0.")
    status: Status
    conclusion: Conclusion | None
    factor_code: str | None
    version: int
    depth: int = Field(description="0 on a bone, 1 for a why under it, and so on.")
    evidence_ids: list[int]
    children: list[CauseBody]


class Bone(BaseModel):
    """A bone of the review's framework: where a cause can go (``category``)."""

    key: str = Field(examples=["guidance"])
    label: str = Field(examples=["Guidance, policy and thresholds"])


class CauseTree(BaseModel):
    framework: str = Field(examples=["care-default"])
    bones: list[Bone] = Field(
        description="The framework's bones in order: a new cause's category is one of these keys."
    )
    causes: list[CauseBody] = Field(
        description="Causes on the bones, in bone order, each with its whys nested in children."
    )


def _body(review: Any, cause_id: int) -> dict[str, Any]:
    node = next(n for n in flatten(cause_tree(db.session, review)) if n.id == cause_id)
    return CauseBody.model_validate(node.to_json()).model_dump(mode="json")


def _run(change: Any) -> Any:
    try:
        result = change()
        db.session.commit()
        return result
    except FieldErrors as exc:
        raise ApiError.from_field_errors(exc) from None
    except ConclusionRefused as exc:
        db.session.rollback()
        raise _Refused(exc) from None
    except domain.CauseNotFound:
        raise ApiError(404, "No such cause on this review.") from None
    except domain.CauseConflict:
        raise ApiError(
            409,
            "Someone else changed this cause since you read it; nothing was "
            "saved. Read it again and resend your change.",
            "version",
        ) from None


class _Refused(Exception):
    def __init__(self, exc: ConclusionRefused):
        self.exc = exc


@bp.errorhandler(_Refused)
def _refused(err: _Refused) -> Any:
    db.session.rollback()
    body = RuleRefusal(error=err.exc.message, rule=err.exc.rule, field="conclusion")
    return jsonify(body.model_dump()), 422


@bp.get("/reviews/<int:review_id>/causes")
@api_spec.validate(
    resp=Documented(
        HTTP_200=CauseTree, HTTP_404=(ErrorBody, "No such review, or not one you may see"), **_AUTH
    ),
    tags=["analysis"],
    operation_id="listCauses",
    skip_validation=True,
)
def list_causes(review_id: int) -> Any:
    """A review's fishbone causes

    The framework's bones (``key``, ``label``: what a new cause's ``category`` may be), then
    the tree: causes on the bones of the review's framework in bone order, each with its
    "why?" causes nested in ``children``, its status, conclusion and linked evidence ids.
    """
    review = access.review_for(token_user(), review_id)
    framework = framework_for(db.session, review)
    tree = cause_tree(db.session, review, framework)
    body = CauseTree(
        framework=framework.key,
        bones=[Bone(key=c.key, label=c.label) for c in framework.categories],
        causes=[CauseBody.model_validate(n.to_json()) for n in tree],
    )
    return jsonify(body.model_dump(mode="json"))


@bp.post("/reviews/<int:review_id>/causes")
@api_spec.validate(
    json=NewCause,
    resp=Documented(
        HTTP_201=CauseBody,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "Your role may view this review but not change its analysis"),
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        HTTP_422=(
            RuleRefusal,
            "A field is missing, of the wrong type or not acceptable "
            "({error, field}), or a guidance rule forbids the conclusion ({error, rule})",
        ),
        **_AUTH,
    ),
    tags=["analysis"],
    operation_id="addCause",
    skip_validation=True,
)
def add_cause(review_id: int) -> Any:
    """Add a cause

    On a bone of the review's framework, or under ``parent_id`` as a "why?". Starting it
    supported or ruled out records that as its first status change (``reason`` optional here).
    Concluding it "root" asks the guidance first: "staff error" is refused (422 with the rule)
    until supervision, training, workload, communication and oversight have been examined.
    """
    user = token_user()
    review = access.review_for(user, review_id, "edit")
    try:
        body = NewCause.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    cause = _run(lambda: domain.add_cause(db.session, review, user, body.model_dump()))
    location = url_for("api.list_causes", review_id=review.id)
    return jsonify(_body(review, cause.id)), 201, {"Location": location}


@bp.patch("/reviews/<int:review_id>/causes/<int:cause_id>")
@api_spec.validate(
    json=CauseChange,
    resp=Documented(
        HTTP_200=CauseBody,
        HTTP_400=(ErrorBody, "The body is not a JSON object"),
        HTTP_403=(ErrorBody, "Your role may view this review but not change its analysis"),
        HTTP_404=(ErrorBody, "No such review or cause, or not one you may see"),
        HTTP_409=(ErrorBody, "The version is stale: someone else changed the cause"),
        HTTP_422=(
            RuleRefusal,
            "A field is not acceptable, a status change has no reason, or a "
            "guidance rule forbids the conclusion ({error, rule})",
        ),
        **_AUTH,
    ),
    tags=["analysis"],
    operation_id="changeCause",
    skip_validation=True,
)
def change_cause(review_id: int, cause_id: int) -> Any:
    """Change a cause

    Send ``version`` (from the last read) and only the fields to change. A status change needs
    ``reason``. A stale version answers 409 and nothing is overwritten.
    """
    review = access.review_for(token_user(), review_id, "edit")
    try:
        body = CauseChange.model_validate_json(request.get_data())
    except ValidationError as exc:
        raise from_validation_error(exc, body=True) from None
    raw = {k: getattr(body, k) for k in body.model_fields_set}
    cause = _run(lambda: domain.update_cause(db.session, review, cause_id, raw))
    return jsonify(_body(review, cause.id))
