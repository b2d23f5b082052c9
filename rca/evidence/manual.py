"""Evidence added by hand: an interview summary, an observation or a document reference."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.dates import parse_time_cell
from rca.evidence.london_time import london_to_utc
from rca.evidence.models import MANUAL_KINDS, EvidenceRow
from rca.reviews.models import Review
from rca.validation import Collector, FieldErrors, parse_choice, parse_past_date, parse_text

TEXT_LIMIT = 20_000


def manual_hash(kind: str, day: date, at: str, author: str, text: str) -> str:
    """A manual row's content hash: the same entry twice is one piece of evidence."""
    payload = json.dumps([kind, day.isoformat(), at, author, " ".join(text.split())])
    return hashlib.sha256(payload.encode()).hexdigest()


def add_manual_evidence(
    session: Session, review: Review, form: Mapping[str, Any], user_id: int | None, today: date
) -> EvidenceRow:
    """Validate the form and add the evidence row (flushed); FieldErrors says what is wrong."""
    c = Collector()
    kind = c.check("manual_kind", parse_choice, form.get("manual_kind"), MANUAL_KINDS, label="Type")
    day = c.check("manual_on", parse_past_date, form.get("manual_on"), today, label="Date")
    raw_time = str(form.get("manual_at") or "").strip()
    at = c.check("manual_at", parse_time_cell, raw_time) if raw_time else None
    author = c.check("manual_author", parse_text, form.get("manual_author"), label="Author")
    text = c.check(
        "manual_text", parse_text, form.get("manual_text"), label="Summary", max_len=TEXT_LIMIT
    )
    c.raise_if_any()
    assert kind and day and author and text  # checked above
    return record_manual(
        session,
        review,
        kind=kind,
        day=day,
        at=at,
        author=author,
        text=text,
        user_id=user_id,
        fields={"entered": "by hand"},
        duplicate=("manual_text", "This evidence is already recorded for this review."),
    )


def record_manual(
    session: Session,
    review: Review,
    *,
    kind: str,
    day: date,
    at: time | None,
    author: str | None,
    text: str,
    user_id: int | None,
    fields: dict[str, Any],
    duplicate: tuple[str, str],
) -> EvidenceRow:
    """Add one piece of manual evidence (flushed), refusing the same entry twice.

    Shared by the evidence pane and the timeline, so an interview entered in either place is
    one row with one content hash. ``duplicate`` is the (field, message) of the refusal.
    """
    digest = manual_hash(kind, day, at.isoformat() if at else "", author or "", text)
    already = session.scalar(
        select(EvidenceRow.id).where(
            EvidenceRow.review_id == review.id,
            EvidenceRow.kind == kind,
            EvidenceRow.content_hash == digest,
        )
    )
    if already:
        raise FieldErrors({duplicate[0]: duplicate[1]})
    row = EvidenceRow(
        review_id=review.id,
        kind=kind,
        occurred_at=london_to_utc(day, at) if at else None,
        occurred_on=day,
        text=text,
        author=author,
        fields=fields,
        cells={},
        content_hash=digest,
        created_by_id=user_id,
    )
    session.add(row)
    session.flush()
    return row
