"""The bulk insert writes exactly what the ORM would: the dialect's own datetime and date
storage, JSON that reads back to the parsed fields and original cells, and every row's
provenance. Workbook cells (typed dates and times) and non-ASCII names included."""

from __future__ import annotations

from datetime import UTC, datetime, time

import xlsxwriter
from sqlalchemy import select, text

from rca.db import UTCDateTime, db
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.linking import sqlite_datetime
from rca.evidence.models import EvidenceRow
from rca.evidence.reading import read_table
from rca.reviews.models import Review

CSV = (
    "Date,Time,Carer,Client ID,Note,Concern?\r\n"
    '29/03/2026,00:30,Zoë Barker,P-7,"Quiet night, checked 2-hourly",N\r\n'
    '29/03/2026,03:15,Siân Griffiths,P-7,Found on floor; 100% "ok" per her,Y\r\n'
    # Blank optional cells (carer, concern) are kept blank; a blank person would need attention.
    "30/03/2026,09:00,,P-8,Breakfast,\r\n"
)


def test_sqlite_datetime_matches_sqlalchemys_own_storage() -> None:
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    own = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    for value in (
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 2, 3, 450, tzinfo=UTC),
        datetime(999, 1, 1, tzinfo=UTC),
    ):
        assert sqlite_datetime(value) == own(value)


def _review(make_service, make_user, make_review) -> Review:
    oak = make_service("OAK")
    user = make_user("lead@example.org", "investigator", [oak])
    return db.session.get(Review, make_review(user, oak))


def test_rows_read_back_as_parsed_with_provenance(ctx, make_service, make_user, make_review):
    review = _review(make_service, make_user, make_review)
    table = read_table(CSV.encode("utf-8"), "night.csv")
    outcome = run_import(db.session, ImportRequest(review=review, kind="care-notes", table=table))
    db.session.commit()
    assert outcome.imported == 3
    rows = db.session.scalars(select(EvidenceRow).order_by(EvidenceRow.row_number)).all()
    first, second, third = rows
    # 00:30 GMT on the spring-forward day, 03:15 BST after it.
    assert first.occurred_at == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert second.occurred_at == datetime(2026, 3, 29, 2, 15, tzinfo=UTC)
    assert first.fields == {"time": "00:30:00", "staff": "Zoë Barker", "person": "P-7"}
    assert second.cells["Note"] == 'Found on floor; 100% "ok" per her' and second.concern
    assert third.staff_id is None and third.cells["Carer"] == "" and not third.concern
    assert list(first.cells) == table.headers
    assert {r.file_name for r in rows} == {"night.csv"} and first.file_sha256 == table.sha256
    assert [r.row_number for r in rows] == [2, 3, 4] and first.import_id == outcome.import_id
    assert first.created_at.tzinfo is not None
    # Stored as the ORM stores it, so ordering and range filters compare like with like.
    if db.session.get_bind().dialect.name == "sqlite":
        stored = db.session.execute(
            text("SELECT occurred_at, occurred_on FROM evidence_row ORDER BY row_number")
        ).first()
        assert tuple(stored) == ("2026-03-29 00:30:00.000000", "2026-03-29")


def test_workbook_rows_carry_their_cells_as_a_person_reads_them(
    ctx, make_service, make_user, make_review, tmp_path
):
    review = _review(make_service, make_user, make_review)
    path = tmp_path / "notes.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Notes")
    sheet.write_row(0, 0, ["Date", "Time", "Written By", "Resident", "Entry", "Concern"])
    day, clock = (
        book.add_format({"num_format": "dd/mm/yyyy"}),
        book.add_format({"num_format": "hh:mm"}),
    )
    sheet.write_datetime(1, 0, datetime(2026, 10, 25, 0, 0), day)
    sheet.write_datetime(1, 1, time(1, 30), clock)
    sheet.write_row(1, 2, ["Amy Patel", "P-1042", "Settled", "N"])
    book.close()
    table = read_table(path.read_bytes(), path.name, sheet="Notes")
    outcome = run_import(db.session, ImportRequest(review=review, kind="care-notes", table=table))
    db.session.commit()
    assert outcome.imported == 1
    row = db.session.scalars(select(EvidenceRow)).one()
    assert row.cells == {
        "Date": "25/10/2026",
        "Time": "01:30",
        "Written By": "Amy Patel",
        "Resident": "P-1042",
        "Entry": "Settled",
        "Concern": "N",
    }
    # 01:30 on the autumn clock-change day happens twice: the first (BST) reading.
    assert row.occurred_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
