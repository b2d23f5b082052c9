"""GET /api/v1/reviews/{id}/guidance: every guidance rule's state on a review.

The body is a public contract (scripts outside the project read it): a JSON array of
``{"rule", "status", "message", "fix_url"}``, with extra fields a script may ignore.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import jsonify
from pydantic import BaseModel, Field, RootModel
from spectree import Response as Documented

from rca import access
from rca.api.auth import token_user
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import bp
from rca.db import db, today_london
from rca.guidance.rules import evaluate


class GuidanceRule(BaseModel):
    rule: str = Field(
        description="The rule's id: two-source-kinds, staff-error-tested, "
        "supported-has-evidence, root-cause-agreed, target-measurable, actions-target-causes, "
        "not-symptom-only or actions-smart.",
        examples=["supported-has-evidence"],
    )
    status: Literal["pass", "fail", "overridden"] = Field(
        description="overridden: the rule fails and someone moved the review on past it with "
        "a reason (override_reason)."
    )
    message: str = Field(
        description="The one-line why, naming the causes or actions at fault.",
        examples=["Supported but with no evidence linked: “Handover sheet has no agency section”."],
    )
    fix_url: str = Field(
        description="The workspace page (and anchor) where it is fixed, relative to the site.",
        examples=["/reviews/12/analysis#cause-40"],
    )
    title: str
    explanation: str = Field(description="Why the rule matters, in plain English.")
    gates: Literal["actions", "report"] = Field(
        description="The stage move the rule gates: moving to this stage past a failing rule "
        "needs a reason."
    )
    pending: bool = Field(
        description="True when the rule fails but the review has not reached the stage before "
        "the move it gates, so it blocks nothing yet (e.g. no causes at triage)."
    )
    override_reason: str | None = Field(description="The reason given, when overridden.")


class GuidanceList(RootModel[list[GuidanceRule]]):
    pass


@bp.get("/reviews/<int:review_id>/guidance")
@api_spec.validate(
    resp=Documented(
        HTTP_200=GuidanceList,
        HTTP_401=(ErrorBody, "Missing, invalid or revoked token"),
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
    ),
    tags=["guidance"],
    operation_id="getGuidance",
    validation_error_status=404,
    skip_validation=True,
)
def get_guidance(review_id: int) -> Any:
    """A review's guidance

    Each rule of the method (evidence from two kinds of source, "staff error" tested, supported
    causes evidenced, a root cause agreed, a measurable target, actions targeting causes and not
    only the symptom, SMART actions) with its status, the one-line why and where to fix it.
    """
    review = access.review_for(token_user(), review_id)
    results = evaluate(db.session, review, today_london())
    body = GuidanceList.model_validate([r.to_json() for r in results])
    return jsonify(body.model_dump(mode="json"))
