"""GET /api/v1/reviews/{id}/timeline: the review's chronology, shifts, staff status and delays.

The body is a public contract (scripts outside the project read it); its shape is these models.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spectree import Response as Documented

from rca import access
from rca.api.auth import token_user
from rca.api.errors import ApiError, from_validation_error
from rca.api.schemas import ErrorBody
from rca.api.spec import api_spec
from rca.api.views import bp
from rca.db import db
from rca.timeline import assembly
from rca.timeline.chronology import UnknownPerson
from rca.timeline.staff_status import DEFAULT_SUPERVISION_WEEKS

LOCAL_TIME = "ISO 8601 Europe/London local time with its offset, e.g. 2026-10-02T14:30+01:00"


class TimelineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: str | None = Field(
        None,
        description="Only this person's events (by care-system reference) and events about "
        "no person (shifts, staff records, governance).",
        examples=["P-1042"],
    )


class Provenance(BaseModel):
    file: str
    row: int | None


class TimelineEvent(BaseModel):
    id: int
    at: str = Field(description=LOCAL_TIME)
    lane: Literal[
        "care", "medication", "staffing", "supervision", "communication", "management", "incidents"
    ]
    kind: str = Field(description="The evidence kind (care-notes, mar, rota, ...).")
    staff: str | None
    person: str | None = Field(description="The person's care-system reference.")
    text: str
    concern: bool
    provenance: Provenance | None = Field(description="The file and row it was imported from.")


class TimelineShift(BaseModel):
    staff: str
    start: str = Field(description=LOCAL_TIME)
    end: str = Field(description=LOCAL_TIME)
    employment: Literal["permanent", "bank", "agency"]


class TrainingStatus(BaseModel):
    course: str
    completed: str | None = Field(json_schema_extra={"format": "date"})
    expires: str | None = Field(json_schema_extra={"format": "date"})
    expired: bool


class StaffStatusBody(BaseModel):
    """As at the staff member's first event that is not a rota, supervision or training record."""

    staff: str
    role: str | None
    employment: str | None
    last_supervision: str | None = Field(json_schema_extra={"format": "date"})
    supervision_due: str | None = Field(json_schema_extra={"format": "date"})
    supervision_overdue: bool
    trainings: list[TrainingStatus]
    induction_record: bool


class DelayBody(BaseModel):
    standard: str
    from_event: int
    to_event: int | None = Field(description="Null when no answering event was found.")
    from_at: str = Field(description=LOCAL_TIME)
    to_at: str | None = Field(description=LOCAL_TIME)
    working_days: int = Field(
        description="Working days after from_at's date up to and including to_at's date (or "
        "today's, in Europe/London, when unanswered); same day is 0."
    )
    limit_working_days: int
    breached: bool = Field(
        description="working_days > limit_working_days. An unanswered delay is breached once an "
        "answer arriving today would be late; unanswered and not breached means still open."
    )


class TimelineBody(BaseModel):
    events: list[TimelineEvent]
    shifts: list[TimelineShift]
    staff_status: list[StaffStatusBody]
    delays: list[DelayBody]


@bp.get("/reviews/<int:review_id>/timeline")
@api_spec.validate(
    query=TimelineQuery,
    resp=Documented(
        HTTP_200=TimelineBody,
        HTTP_401=(ErrorBody, "Missing, invalid or revoked token"),
        HTTP_404=(ErrorBody, "No such review, or not one you may see"),
        HTTP_422=(ErrorBody, "No person with that reference at the review's service"),
    ),
    tags=["timeline"],
    operation_id="getTimeline",
    skip_validation=True,
)
def get_timeline(review_id: int) -> Any:
    """A review's timeline

    Events over the period under review in time order, the rota's shifts, each involved staff
    member's supervision and training status, and every delay against the service's standards in
    working days (the service's nation's bank holidays excluded).
    """
    review = access.review_for(token_user(), review_id)
    try:
        query = TimelineQuery.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise from_validation_error(exc, body=False) from None
    weeks = int(current_app.config.get("SUPERVISION_INTERVAL_WEEKS", DEFAULT_SUPERVISION_WEEKS))
    try:
        timeline = assembly.build(db.session, review, query.person, weeks)
    except UnknownPerson:
        raise ApiError(
            422, f"No person with reference {query.person} at this review's service.", "person"
        ) from None
    body = TimelineBody.model_validate(timeline.to_json())
    return jsonify(body.model_dump(mode="json"))
