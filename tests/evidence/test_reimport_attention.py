"""Importing the same file again lists its bad rows under "needs attention" once: a row already
reported for that file's SHA-256 (and sheet) is not reported twice, open or corrected. The import's
answer still names the row as rejected; a different file with the same bad row is a new report."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from rca.db import db
from rca.evidence.importer import ImportRequest, retry_rejected, run_import
from rca.evidence.models import RejectedRow
from rca.evidence.reading import read_table
from rca.reviews.models import Review

from ._importing import CARE_NOTES_A, care_notes_a, new_review, write_csv

BAD = ["31/02/2026", "10:00", "Beth Jones", "P-101", "Impossible date", "N"]


@pytest.fixture
def review_id(make_service, make_user, make_review) -> int:
    return new_review(make_service, make_user, make_review)


def _import(review_id: int, path: Path):
    table = read_table(path.read_bytes(), path.name)
    review = db.session.get(Review, review_id)
    outcome = run_import(db.session, ImportRequest(review=review, kind="care-notes", table=table))
    db.session.commit()
    return outcome


def _attention() -> list[int]:
    return list(db.session.scalars(select(RejectedRow.row_number).order_by(RejectedRow.id)))


def test_reimporting_a_file_lists_its_bad_row_once(ctx, review_id, tmp_path):
    path = write_csv(tmp_path / "notes.csv", CARE_NOTES_A, [*care_notes_a(3), BAD])
    first = _import(review_id, path)
    again = _import(review_id, path)
    assert [r["row"] for r in first.rejected] == [r["row"] for r in again.rejected] == [5]
    assert again.imported == 0 and len(again.duplicates) == 3
    assert _attention() == [5]


def test_a_corrected_row_is_not_reported_again_by_a_reimport(ctx, review_id, tmp_path):
    path = write_csv(tmp_path / "notes.csv", CARE_NOTES_A, [*care_notes_a(2), BAD])
    _import(review_id, path)
    item = db.session.scalars(select(RejectedRow)).one()
    retry_rejected(db.session, item, dict(item.cells, Date="28/02/2026"), None)
    db.session.commit()
    _import(review_id, path)
    assert db.session.scalar(select(func.count()).select_from(RejectedRow)) == 1
    assert db.session.scalars(select(RejectedRow.status)).one() == "resolved"


def test_another_file_with_the_same_bad_row_is_a_new_report(ctx, review_id, tmp_path):
    _import(review_id, write_csv(tmp_path / "a.csv", CARE_NOTES_A, [*care_notes_a(2), BAD]))
    _import(review_id, write_csv(tmp_path / "b.csv", CARE_NOTES_A, [*care_notes_a(3), BAD]))
    assert _attention() == [4, 5]
