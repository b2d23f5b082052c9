"""Parsing a batch a column at a time: every row comes out exactly as it would alone, the content
hash formula stays what stored rows were hashed with, and the garbage collector is paused only
while a file is read and imported."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rca.evidence.dates import ColumnFormat
from rca.evidence.linking import sqlite_datetime, sqlite_datetime_of_iso
from rca.evidence.reading import read_table
from rca.evidence.rows import RowParser, RowRejected
from rca.evidence.table import SourceRow, gc_paused

from ._importing import CARE_NOTES_A, CARE_NOTES_A_MAPPING

DMY = ColumnFormat("date", "dmy", False, "DD/MM/YYYY")
NOTES = CARE_NOTES_A
NOTES_MAPPING = CARE_NOTES_A_MAPPING


# Hashes made by the row-at-a-time parser that stored rows were imported with (session 2). A
# changed formula would make every re-import of an old file add its rows a second time.
@pytest.mark.parametrize(
    ("kind", "headers", "mapping", "cells", "digest"),
    [
        (
            "care-notes",
            NOTES,
            NOTES_MAPPING,
            [
                "29/03/2026",
                "01:30",
                "Zoë  Barker",
                "OAK-P-049",
                "Found on floor,\n  checked   obs",
                "Y",
            ],
            "cc0ed7274926ec1d77f3c7113591ec0602ab8eea356f91fc32ba59208ba571d5",
        ),
        (
            "rota",
            ["Shift date", "Start", "End", "Staff", "Role", "Employment"],
            {
                "occurred_at": "Shift date",
                "start": "Start",
                "end": "End",
                "staff": "Staff",
                "role": "Role",
                "employment": "Employment",
            },
            ["28/03/2026", "20:00", "08:00", "Barker, Zoë", "Senior Carer", "Agency staff"],
            "807f23ca3963ad95553f2a27ad4a2fb77acd185cb3596f45c93c6ac808723eed",
        ),
        (
            "training",
            ["Staff", "Course", "Completed", "Expires"],
            {"staff": "Staff", "course": "Course", "completed": "Completed", "expires": "Expires"},
            ["Siân Griffiths", "Moving and handling", "03/02/2025", "03/02/2026"],
            "1aff2034eea8ce9c02c519cbf211775011cafa0ce556eb9ab1adf6066f07d4d9",
        ),
    ],
)
def test_the_content_hash_formula_is_the_one_stored_rows_were_hashed_with(
    kind: str, headers: list[str], mapping: dict[str, str], cells: list[str], digest: str
) -> None:
    formats = {column: DMY for column in ("Date", "Shift date", "Completed", "Expires")}
    parser = RowParser(kind, headers, mapping, {c: f for c, f in formats.items() if c in headers})
    assert parser.parse(2, cells).content_hash == digest


def test_a_night_shift_over_the_spring_clock_change() -> None:
    parser = RowParser(
        "rota",
        ["Shift date", "Start", "End", "Staff"],
        {"occurred_at": "Shift date", "start": "Start", "end": "End", "staff": "Staff"},
        {"Shift date": DMY},
    )
    row = parser.parse(2, ["28/03/2026", "20:00", "08:00", "Zoë Barker"])
    assert row.occurred_at == datetime(2026, 3, 28, 20, 0, tzinfo=UTC)
    assert row.ends_at == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 08:00 BST: 11 hours
    assert row.fields == {"start": "20:00:00", "end": "08:00:00", "staff": "Zoë Barker"}


DATES = st.sampled_from(
    ["01/03/2026", "29/03/2026", "25/10/2026", "31/02/2026", "", "  ", "soon", "13/13/2026"]
)
TIMES = st.sampled_from(["07:00", "01:30", "23:59", "", "25:00", "7pm"])
NAMES = st.sampled_from(["Zoë Barker", "Barker,  Zoë", "", "Siân Griffiths"])
REFS = st.sampled_from(["OAK-P-001", "OAK-P-002", "", " OAK-P-001 "])
TEXTS = st.one_of(st.sampled_from(["", "   ", "Ate well", "Ate  well\n"]), st.text(max_size=12))
FLAGS = st.sampled_from(["Y", "N", "", "maybe", "yes"])
ROWS = st.lists(
    st.tuples(DATES, TIMES, NAMES, REFS, TEXTS, FLAGS, st.sampled_from([(), ("",), ("extra",)])),
    min_size=1,
    max_size=25,
)


def _alone(parser: RowParser, number: int, cells: tuple[Any, ...]) -> tuple[Any, ...]:
    try:
        row = parser.parse(number, cells, keep_cells=False)
    except RowRejected as exc:
        return ("rejected", str(exc))
    return (row.content_hash, row.occurred_at, row.occurred_on, row.fields, row.text, row.concern)


@settings(max_examples=150, deadline=None)
@given(ROWS)
def test_every_row_of_a_batch_is_parsed_as_it_would_be_alone(rows: list[tuple]) -> None:
    parser = RowParser("care-notes", NOTES, NOTES_MAPPING, {"Date": DMY})
    source = [SourceRow(n, (*r[:6], *r[6])) for n, r in enumerate(rows, start=2)]
    batch = parser.parse_batch(source)
    together: dict[int, tuple[Any, ...]] = {n: ("rejected", why) for _, n, why in batch.rejected}
    for k, number in enumerate(batch.numbers):
        fields = RowParser("care-notes", NOTES, NOTES_MAPPING, {"Date": DMY}).parse(
            number, source[batch.positions[k]].cells
        )
        together[number] = (
            batch.hashes[k],
            batch.occurred_at[k],
            batch.occurred_on[k],
            fields.fields,
            batch.text[k],
            batch.concern[k],
        )
    fresh = RowParser("care-notes", NOTES, NOTES_MAPPING, {"Date": DMY})
    assert together == {row.number: _alone(fresh, row.number, row.cells) for row in source}
    assert [n for _, n, _ in batch.rejected] == sorted(n for _, n, _ in batch.rejected)


def test_a_batch_of_workbook_cells_keeps_true_and_one_apart() -> None:
    """Typed cells of equal value (True == 1 == 1.0) are distinct cells, each parsed once."""
    parser = RowParser("care-notes", NOTES, NOTES_MAPPING, {"Date": DMY})
    batch = parser.parse_batch(
        [
            SourceRow(n, ("01/03/2026", "07:00", carer, "P-1", "Note", "N"))
            for n, carer in ((2, True), (3, 1), (4, 1.0), (5, True))
        ]
    )
    assert batch.staff == ["TRUE", "1", "1", "TRUE"] and not batch.rejected


def test_sqlite_text_of_a_time_from_its_iso_text() -> None:
    for value in (
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 2, 3, 450, tzinfo=UTC),
        datetime(999, 1, 1, tzinfo=UTC),
    ):
        assert sqlite_datetime_of_iso(value.isoformat()) == sqlite_datetime(value)


def test_the_collector_is_paused_only_while_a_file_is_read() -> None:
    seen: list[bool] = []

    @gc_paused()
    def reading() -> None:
        seen.append(gc.isenabled())
        with gc_paused():
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
        raise ValueError("a bad file")

    assert gc.isenabled()
    with pytest.raises(ValueError):
        reading()
    assert seen == [False, False, False] and gc.isenabled()
    read_table(b"Date,Note\n01/03/2026,x\n", "t.csv")
    assert gc.isenabled()
