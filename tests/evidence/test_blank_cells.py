"""A row whose cell is blank in a column the kind needs once it is mapped goes to "needs
attention" with its row number: a visit note with its person column mapped but empty is a note
about nobody. Files without the column at all, and kinds whose person is rightly optional, are
imported as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from rca.db import db
from rca.evidence.importer import ImportRequest, retry_rejected, run_import
from rca.evidence.models import EvidenceRow, RejectedRow
from rca.evidence.reading import read_table
from rca.reviews.models import Review

from ._importing import CARE_NOTES_A, care_notes_a, new_review, write_csv


@pytest.fixture
def review_id(make_service, make_user, make_review) -> int:
    return new_review(make_service, make_user, make_review)


def _import(review_id: int, path: Path, kind: str = "care-notes", **kw):
    table = read_table(path.read_bytes(), path.name)
    review = db.session.get(Review, review_id)
    return run_import(db.session, ImportRequest(review=review, kind=kind, table=table, **kw))


def test_a_visit_note_with_a_blank_person_needs_attention(ctx, review_id, tmp_path):
    rows = care_notes_a(4)
    rows[2][3] = "   "  # row 4: the Client ID cell is blank
    outcome = _import(review_id, write_csv(tmp_path / "notes.csv", CARE_NOTES_A, rows))
    db.session.commit()
    assert outcome.imported == 3
    assert outcome.rejected == [
        {
            "row": 4,
            "reason": "Person supported (reference) (column 'Client ID') is empty: a care note "
            "has to say who it is about",
        }
    ]
    attention = db.session.scalars(select(RejectedRow)).one()
    assert (attention.row_number, attention.status) == (4, "open")
    assert db.session.scalar(select(EvidenceRow).where(EvidenceRow.person_id.is_(None))) is None


def test_the_row_imports_once_its_person_is_filled_in(ctx, review_id, tmp_path):
    rows = care_notes_a(2)
    rows[1][3] = ""
    _import(review_id, write_csv(tmp_path / "notes.csv", CARE_NOTES_A, rows))
    db.session.commit()
    item = db.session.scalars(select(RejectedRow)).one()
    corrected = dict(item.cells, **{"Client ID": "P-104"})
    row = retry_rejected(db.session, item, corrected, None)
    db.session.commit()
    assert row.person is not None and row.person.reference == "P-104"


def test_care_notes_without_a_person_column_still_import(ctx, review_id, tmp_path):
    header = [h for h in CARE_NOTES_A if h != "Client ID"]
    rows = [[c for i, c in enumerate(r) if i != 3] for r in care_notes_a(3)]
    outcome = _import(review_id, write_csv(tmp_path / "home-log.csv", header, rows))
    assert outcome.imported == 3 and outcome.rejected == []
    assert "person" not in outcome.mapping


def test_a_care_plan_change_with_a_blank_person_needs_attention(ctx, review_id, tmp_path):
    header = ["Date changed", "Changed by", "Client ID", "Change"]
    rows = [["13/10/2026", "Beth Jones", "P-101", "Falls risk raised"]]
    rows.append(["14/10/2026", "Beth Jones", "", "Bed rails removed"])
    outcome = _import(
        review_id, write_csv(tmp_path / "plan.csv", header, rows), kind="care-plan-changes"
    )
    assert outcome.imported == 1
    assert [r["row"] for r in outcome.rejected] == [3]
    assert "belongs to someone's plan" in outcome.rejected[0]["reason"]


@pytest.mark.parametrize("kind", ["incidents", "handover", "communication", "feedback"])
def test_kinds_whose_person_is_optional_keep_rows_without_one(ctx, review_id, tmp_path, kind):
    header = ["Date", "Client ID", "Notes"]
    rows = [["13/10/2026", "", "Fire alarm test: all residents accounted for"]]
    outcome = _import(review_id, write_csv(tmp_path / "log.csv", header, rows), kind=kind)
    assert outcome.mapping.get("person") == "Client ID"
    assert outcome.imported == 1 and outcome.rejected == []
