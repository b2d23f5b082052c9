"""API v1: the inspection evidence by CQC quality statement (issue 16).

``GET /learning/quality-statements?service=&kind=&since=&until=``: the same scope, and so the
same access rules, as the other learning endpoints (``rca.api.learning``): only reviews the
token's user may open; a service they cannot see is refused with the same words as one that
does not exist; a period ending before it starts is a 422 naming ``until``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import jsonify
from pydantic import BaseModel, Field

from rca.api.learning import LearningQuery, _documented, _scope
from rca.api.views import bp
from rca.db import db
from rca.governance.inspection import gather

Tagged = Literal["mapping", "override"]


class QsReview(BaseModel):
    id: int
    reference: str = Field(examples=["RCA-2026-0003"])
    title: str
    service: str = Field(description="The service's code.", examples=["OAK"])
    occurred_on: date = Field(description="The incident date.")
    stage: str = Field(examples=["actions"])


class QsFinding(BaseModel):
    id: int = Field(description="The cause's id.")
    review_id: int
    text: str
    conclusion: Literal["root", "contributory"]
    factor_code: str | None = Field(examples=["training.agency-mar"])
    tagged_by: Tagged = Field(
        description="mapping: from its factor code; override: added by hand, with a reason "
        "in the review's History."
    )


class QsAction(BaseModel):
    id: int
    review_id: int
    text: str
    owner: str = Field(description="The owner's name (and staff role), empty when not named.")
    status: Literal["planned", "in-progress", "done", "cancelled"]
    due: date | None
    completed_on: date | None
    action_type: str | None = Field(examples=["process"])
    tagged_by: Tagged = Field(
        description="mapping: from its type or the findings it addresses; override: by hand."
    )


class QsCheck(BaseModel):
    id: int
    review_id: int
    action_id: int | None = Field(description="Null: the review's own improvement target.")
    period_start: date
    period_end: date
    result_percent: float = Field(examples=[70.0])
    target_percent: float = Field(examples=[90.0])
    target_met: bool
    verdict: Literal["embedded", "improving", "not-embedded"]


class QsSharing(BaseModel):
    id: int
    review_id: int
    on: date
    method: str = Field(examples=["team-meeting"])
    teams: str | None
    staff_briefed: list[str] = Field(description="Names of the staff briefed, as recorded.")
    understanding_checked: bool


class QualityStatementEvidence(BaseModel):
    """One quality statement with evidence in scope (statements without any are left out)."""

    key: str = Field(examples=["safe.learning-culture"])
    label: str = Field(examples=["Learning culture"])
    key_question: Literal["Safe", "Effective", "Caring", "Responsive", "Well-led"]
    reviews: list[QsReview] = Field(description="Reviews with a finding or action tagged.")
    findings: list[QsFinding]
    actions: list[QsAction]
    effectiveness: list[QsCheck] = Field(
        description="Checks of the tagged actions, and of those reviews' improvement targets."
    )
    learning_shared: list[QsSharing] = Field(
        description="What those reviews shared, and with whom."
    )


@bp.get("/learning/quality-statements")
@_documented(list[QualityStatementEvidence], LearningQuery, "listQualityStatementEvidence")
def learning_quality_statements() -> Any:
    """Inspection evidence by quality statement

    Per CQC quality statement with evidence in scope, in CQC's order: the reviews, the findings
    (causes concluded root or contributory) and actions tagged with it, effectiveness results
    and learning shared. Tags come from the admin-editable mapping of factor codes and action
    types, with any overrides made on a cause or an action.
    """
    _query, scope = _scope(LearningQuery)
    return jsonify([s.to_json() for s in gather(db.session, scope).statements])
