"""Issuing a report: a version frozen as the exact PDF bytes, with their SHA-256, who, when and
to whom; and checking whether an uploaded PDF is exactly one of the issued versions.

An issued version is never regenerated: every later request answers the stored bytes, so the
same version always has the same hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import Flask
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.reports import drafts, pdf
from rca.reports.models import IssuedReport
from rca.reviews.models import Review
from rca.validation import FieldErrors

RECIPIENT_MAX = 200


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def issue(
    app: Flask,
    session: Session,
    review: Review,
    *,
    recipient: object,
    user_id: int | None,
    today: date,
    mode: str | None = None,
    provider: str | None = None,
) -> IssuedReport:
    """Render, hash and store the next version; raises FieldErrors on a bad recipient."""
    text = " ".join(str(recipient or "").split())
    if not text:
        raise FieldErrors({"recipient": "Enter who the report is issued to."})
    if len(text) > RECIPIENT_MAX:
        raise FieldErrors(
            {"recipient": f"The recipient must be at most {RECIPIENT_MAX} characters."}
        )
    mode = mode or drafts.chosen_mode(session, review)
    if mode == "full-names":
        raise FieldErrors({"mode": "The internal version with names cannot be issued."})
    version = drafts.next_version(session, review)
    built = drafts.build(
        session,
        review,
        mode=mode,
        provider=provider or drafts.provider_name(app),
        today=today,
        status="issued",
        version=version,
        recipient=text,
    )
    data = pdf.render_pdf(built.data)
    record = IssuedReport(
        review_id=review.id,
        version=version,
        sha256=sha256(data),
        size=len(data),
        pdf=data,
        recipient=text,
        staff_names=mode == "staff-names",
        content_key=built.key,
        issued_by_id=user_id,
        issued_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def versions(session: Session, review: Review) -> list[IssuedReport]:
    return list(
        session.scalars(
            select(IssuedReport)
            .where(IssuedReport.review_id == review.id)
            .order_by(IssuedReport.version.desc())
        )
    )


def version(session: Session, review: Review, number: int | None = None) -> IssuedReport | None:
    """One issued version (the latest when ``number`` is None), or None."""
    stmt = select(IssuedReport).where(IssuedReport.review_id == review.id)
    if number is None:
        stmt = stmt.order_by(IssuedReport.version.desc()).limit(1)
    else:
        stmt = stmt.where(IssuedReport.version == number)
    return session.scalar(stmt)


@dataclass(frozen=True)
class Verification:
    sha256: str
    size: int
    match: IssuedReport | None


def verify(session: Session, data: bytes, among: Select) -> Verification:
    """Is ``data`` exactly an issued version? ``among`` limits the search (the caller's access
    rules: a select of IssuedReport over the reviews the user may see)."""
    digest = sha256(data)
    match = session.scalar(among.where(IssuedReport.sha256 == digest).limit(1))
    if match is not None and match.size != len(data):
        match = None  # the same hash and another length cannot happen; be strict anyway
    return Verification(digest, len(data), match)
