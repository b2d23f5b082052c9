"""A review's report as it stands: the mode (who is named), the gathered data and its key, and
the draft PDF (from the cache when the data did not change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.db import today_london
from rca.reports import content, pdf, pseudonymise
from rca.reports.models import IssuedReport, ReportSetting
from rca.reports.pseudonymise import Pseudonymiser
from rca.reviews.models import Review

#: pseudonymised: people by pseudonym, staff by role (the default). staff-names: the provider
#: chose to name staff. full-names: the internal version (never issued; restricted roles).
MODES = ("pseudonymised", "staff-names", "full-names")


@dataclass
class Built:
    data: dict[str, Any]
    pseudonymiser: Pseudonymiser
    key: str
    mode: str


def provider_name(app: Flask) -> str:
    return str(app.config.get("PROVIDER_NAME") or "")


def setting(session: Session, review: Review) -> ReportSetting | None:
    return session.scalar(select(ReportSetting).where(ReportSetting.review_id == review.id))


def chosen_mode(session: Session, review: Review) -> str:
    """The mode drafts and issues use unless asked otherwise: the provider's recorded choice."""
    s = setting(session, review)
    return "staff-names" if s and s.staff_names else "pseudonymised"


def set_staff_names(session: Session, review: Review, value: bool, user_id: int | None) -> None:
    """Record the provider's choice (audited: it lands in the review's History)."""
    s = setting(session, review)
    if s is None:
        s = ReportSetting(review_id=review.id, staff_names=value, updated_by_id=user_id)
        session.add(s)
    else:
        s.staff_names, s.updated_by_id = value, user_id
    session.flush()


def next_version(session: Session, review: Review) -> int:
    latest = session.scalar(
        select(func.max(IssuedReport.version)).where(IssuedReport.review_id == review.id)
    )
    return (latest or 0) + 1


def build(
    session: Session,
    review: Review,
    *,
    mode: str,
    provider: str,
    today: date,
    status: str = "draft",
    version: int | None = None,
    recipient: str | None = None,
) -> Built:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    p = pseudonymise.for_review(
        session,
        review,
        staff_names=mode == "staff-names",
        full_names=mode == "full-names",
    )
    meta = content.Meta(
        status=status,
        version=version or next_version(session, review),
        on=today,
        provider=provider,
        recipient=recipient,
    )
    data = content.gather(session, review, p, meta)
    return Built(data, p, pdf.content_key(data), mode)


def draft_today(app: Flask, session: Session, review: Review, mode: str) -> bytes:
    """Today's draft in ``mode`` for this app's provider, as PDF bytes (the API and the CLI)."""
    built = build(session, review, mode=mode, provider=provider_name(app), today=today_london())
    return draft_pdf(app, review.id, built)


def draft_pdf(app: Flask, review_id: int, built: Built) -> bytes:
    """The draft's bytes: from the cache when this exact data was laid out before."""
    cached = pdf.cached_pdf(app, review_id, built.key)
    if cached is not None:
        return cached
    rendered = pdf.render_pdf(built.data)
    pdf.store_pdf(app, review_id, built.key, rendered)
    return rendered
