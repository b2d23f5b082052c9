"""The API's request and response bodies as pydantic models.

These models are the single description of the contract: spectree turns them into the OpenAPI
document, the views validate requests with them and build every response through them, so the
document cannot drift from what the API does.

Request models check JSON *types* only (strictly: "3" is not a number, "maybe" is not a boolean).
The *values* (real dates, not in the future, known trigger, counts in range) are checked by the
domain functions in ``rca.reviews.lifecycle``, the same rules the web forms use; the allowed
values still appear in the document through ``json_schema_extra``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rca.reviews.models import DEPTHS, SEVERITIES, STAGES, TRIGGERS, Review

#: Largest page a list request may ask for; bigger pages would hold a request open too long.
MAX_LIMIT = 200
DEFAULT_LIMIT = 50

# Built from the domain's own tables so a new stage or trigger reaches the document by itself.
Depth = Literal[tuple(DEPTHS)]  # type: ignore[valid-type]


class ErrorBody(BaseModel):
    """Every error answer: a message for people and the request field at fault (or null)."""

    error: str = Field(examples=["Date of event cannot be in the future (today is 23/11/2026)."])
    field: str | None = Field(examples=["occurred_on"])


class NewReview(BaseModel):
    """Start a review: the facts triage needs."""

    # Strict JSON types, and unknown keys refused: a misspelt "safeguarding" must not silently
    # default to false and change the recommended depth.
    model_config = ConfigDict(strict=True, extra="forbid")

    service: str = Field(description="The service's short code (e.g. OAK).", examples=["OAK"])
    title: str = Field(
        description="A short title, 1 to 200 characters.", examples=["Missed evening medication"]
    )
    trigger: str = Field(json_schema_extra={"enum": list(TRIGGERS)}, examples=["incident"])
    occurred_on: str = Field(
        description="The date of the event, YYYY-MM-DD; a real date, not in the future.",
        json_schema_extra={"format": "date"},
        examples=["2026-10-01"],
    )
    severity: str = Field(json_schema_extra={"enum": list(SEVERITIES)}, examples=["low"])
    people_affected: int = Field(
        1, json_schema_extra={"minimum": 0, "maximum": 10_000}, examples=[1]
    )
    safeguarding: bool = Field(False, description="A safeguarding concern was raised.")
    notified: bool = Field(False, description="Notified to the CQC or the local authority.")


class ReviewCreated(BaseModel):
    id: int
    reference: str = Field(examples=["RCA-2026-0007"])
    stage: str
    recommended_depth: Depth
    reasons: list[str] = Field(description="Why triage recommends that depth, in plain English.")
    depth: Depth
    version: int

    @classmethod
    def of(cls, review: Review) -> ReviewCreated:
        return cls(
            id=review.id,
            reference=review.reference,
            stage=review.stage,
            recommended_depth=review.recommended_depth,  # type: ignore[arg-type]
            reasons=list(review.recommended_reasons or []),
            depth=review.depth,  # type: ignore[arg-type]
            version=review.version,
        )


class Target(BaseModel):
    """The measurable improvement target: threshold % of measure, over period_weeks."""

    measure: str | None
    threshold: float | None = Field(description="A percentage, e.g. 95.")
    period_weeks: int | None


class PersonInScope(BaseModel):
    """A person supported in scope, by pseudonym only: names never leave the workbench."""

    pseudonym: str = Field(examples=["Person A"])


class TermsOfReference(BaseModel):
    question: str | None
    period_start: date | None
    period_end: date | None
    baseline_issue: str | None
    lead: str | None = Field(description="The review lead's name.")
    target: Target
    people: list[PersonInScope]


class ReviewSummary(BaseModel):
    """A review as the list shows it."""

    id: int
    reference: str
    service: str = Field(description="The service's code.")
    title: str
    trigger: str
    occurred_on: date
    severity: str
    stage: str
    recommended_depth: Depth
    depth: Depth
    version: int

    @classmethod
    def fields_of(cls, review: Review) -> dict[str, Any]:
        return {
            "id": review.id,
            "reference": review.reference,
            "service": review.service.code,
            "title": review.title,
            "trigger": review.trigger,
            "occurred_on": review.occurred_on,
            "severity": review.severity,
            "stage": review.stage,
            "recommended_depth": review.recommended_depth,
            "depth": review.depth,
            "version": review.version,
        }

    @classmethod
    def of(cls, review: Review) -> ReviewSummary:
        return cls(**cls.fields_of(review))


class ReviewDetail(ReviewSummary):
    """One review: its triage, chosen depth and terms of reference."""

    people_affected: int
    safeguarding: bool
    notified: bool
    repeats_12m: int = Field(description="Same-trigger reviews at the service in the 12 months.")
    reasons: list[str]
    depth_override_reason: str | None
    created_at: datetime
    updated_at: datetime
    terms_of_reference: TermsOfReference

    @classmethod
    def of(cls, review: Review) -> ReviewDetail:
        threshold = review.target_threshold
        terms = TermsOfReference(
            question=review.question,
            period_start=review.period_start,
            period_end=review.period_end,
            baseline_issue=review.baseline_issue,
            lead=review.lead.name if review.lead else None,
            target=Target(
                measure=review.target_measure,
                threshold=float(threshold) if threshold is not None else None,
                period_weeks=review.target_period_weeks,
            ),
            people=[PersonInScope(pseudonym=p.pseudonym) for p in review.people],
        )
        return cls(
            **ReviewSummary.fields_of(review),
            people_affected=review.people_affected,
            safeguarding=review.safeguarding,
            notified=review.notified,
            repeats_12m=review.repeats_12m,
            reasons=list(review.recommended_reasons or []),
            depth_override_reason=review.depth_override_reason,
            created_at=review.created_at,
            updated_at=review.updated_at,
            terms_of_reference=terms,
        )


class ReviewList(BaseModel):
    reviews: list[ReviewSummary]
    total: int = Field(description="Reviews matching the filters, across all pages.")
    limit: int
    offset: int


class ListQuery(BaseModel):
    """Filters and the page window for the review list (query string)."""

    service: str | None = Field(None, max_length=32, description="A service code.")
    stage: Literal[tuple(STAGES)] | None = None  # type: ignore[valid-type]
    trigger: Literal[tuple(TRIGGERS)] | None = None  # type: ignore[valid-type]
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)
