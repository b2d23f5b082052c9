"""Issued versions: frozen bytes with their hash, never regenerated; verification of uploads;
the draft cache keyed by the review's content."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from rca.db import db
from rca.fishbone.models import Cause
from rca.reports import drafts, issued, pdf
from rca.reports.models import IssuedReport
from rca.reviews.models import Review
from rca.validation import FieldErrors

from .conftest import pdf_text

TODAY = date(2026, 12, 1)


def _issue(app: Any, review_id: int, recipient: str = "Westshire commissioning") -> IssuedReport:
    review = db.session.get(Review, review_id)
    record = issued.issue(app, db.session, review, recipient=recipient, user_id=None, today=TODAY)
    db.session.commit()
    return record


def test_issue_freezes_the_bytes_with_their_hash_and_numbers_versions(
    ctx: Any, report_review: Any
) -> None:
    first = _issue(ctx, report_review.review_id)
    second = _issue(ctx, report_review.review_id, "CQC inspector")
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 == issued.sha256(first.pdf) and first.size == len(first.pdf)
    text = pdf_text(first.pdf)
    assert "Issued" in text and "Version 1" in text and "Westshire commissioning" in text
    assert "DRAFT" not in text  # no watermark on an issued version
    review = db.session.get(Review, report_review.review_id)
    assert [v.version for v in issued.versions(db.session, review)] == [2, 1]


def test_an_issued_version_is_never_regenerated(ctx: Any, report_review: Any) -> None:
    record = _issue(ctx, report_review.review_id)
    digest = record.sha256
    cause = db.session.get(Cause, report_review.causes["root"])
    cause.text = "Changed after issue"
    db.session.commit()
    db.session.expire_all()
    review = db.session.get(Review, report_review.review_id)
    again = issued.version(db.session, review, 1)
    assert issued.sha256(again.pdf) == digest == again.sha256
    assert "Changed after issue" not in pdf_text(again.pdf)


def test_a_recipient_is_required(ctx: Any, report_review: Any) -> None:
    review = db.session.get(Review, report_review.review_id)
    with pytest.raises(FieldErrors) as exc:
        issued.issue(ctx, db.session, review, recipient="  ", user_id=None, today=TODAY)
    assert "recipient" in exc.value.errors
    with pytest.raises(FieldErrors):
        issued.issue(
            ctx, db.session, review, recipient="x", user_id=None, today=TODAY, mode="full-names"
        )


def test_verification_knows_an_exact_copy_and_refuses_a_changed_one(
    ctx: Any, report_review: Any
) -> None:
    record = _issue(ctx, report_review.review_id)
    among = select(IssuedReport)
    exact = issued.verify(db.session, bytes(record.pdf), among)
    assert exact.match is not None and exact.match.version == 1
    changed = bytearray(record.pdf)
    changed[len(changed) // 2] ^= 0x01
    assert issued.verify(db.session, bytes(changed), among).match is None
    assert issued.verify(db.session, bytes(record.pdf) + b"\n", among).match is None
    # Limited to what the caller may see: another service's versions never match.
    none_visible = select(IssuedReport).where(IssuedReport.review_id == -1)
    assert issued.verify(db.session, bytes(record.pdf), none_visible).match is None


def _built(app: Any, review_id: int) -> drafts.Built:
    review = db.session.get(Review, review_id)
    return drafts.build(db.session, review, mode="pseudonymised", provider="H", today=TODAY)


def test_an_unchanged_review_is_served_from_the_cache_and_a_change_misses(
    ctx: Any, report_review: Any
) -> None:
    rid = report_review.review_id
    first = _built(ctx, rid)
    assert pdf.cached_pdf(ctx, rid, first.key) is None
    data = drafts.draft_pdf(ctx, rid, first)
    again = _built(ctx, rid)
    assert again.key == first.key  # same content, same key
    assert pdf.cached_pdf(ctx, rid, again.key) == data  # a hit: nothing laid out again
    cause = db.session.get(Cause, report_review.causes["root"])
    cause.text = "A different root cause"
    db.session.commit()
    changed = _built(ctx, rid)
    assert changed.key != first.key
    assert pdf.cached_pdf(ctx, rid, changed.key) is None  # a miss after the change
