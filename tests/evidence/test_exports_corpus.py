"""The export generator: its files read back (csv / python-calamine) to exactly the rows it says
it wrote, with the bad rows and repeats where it says, in the encodings it claims; the same seed
gives the same bytes. Then end to end: every system's export imports through the real pipeline,
rejecting exactly the injected bad rows and reporting exactly the injected repeats, and the demo
reviews' files import with the commands their README lists."""

from __future__ import annotations

import csv
import io
import json
import shlex
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from rca.db import db
from rca.demo import loader
from rca.demo.exports import (
    SYSTEMS,
    Export,
    big_care_notes_csv,
    corpus,
    corpus_export,
    demo_exports,
    review_references,
    systems_for,
)
from rca.demo.exports_cli import import_command
from rca.evidence.importer import ImportRefused, ImportRequest, run_import
from rca.evidence.mapping import propose_mapping
from rca.evidence.models import KINDS, EvidenceRow
from rca.evidence.reading import read_table
from rca.reviews.models import Review

from ._importing import new_review

CORPUS = corpus(seed=7)
CSV = [e for e in CORPUS if e.encoding]
XLSX = [e for e in CORPUS if e.sheet]
COMMON_KINDS = ("care-notes", "rota", "staff", "supervision", "training", "mar", "incidents")
#: Mapping gaps reported to the lead (header -> expected target), xfail until kinds.py has them.
KNOWN_GAPS: dict[str, str] = {}


def _ids(exports: list[Export]) -> list[str]:
    return [e.file_name for e in exports]


def _csv_rows(export: Export) -> list[list[str]]:
    text = export.data.decode(export.encoding or "")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=export.delimiter or ","))


def _sheet_rows(export: Export) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.data))
    assert book.sheet_names == export.sheets
    return book.get_sheet_by_name(export.sheet).to_python()


def _as_read(value: Any) -> Any:
    """A written XLSX cell as calamine gives it back (blanks as "", numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


# --- The files say what they hold ----------------------------------------------------------------


def test_every_kind_has_a_system_and_common_kinds_have_two_with_different_headers():
    assert {s.kind for s in SYSTEMS} == set(KINDS)
    for kind in COMMON_KINDS:
        shapes = {tuple(s.headers) for s in systems_for(kind)}
        assert len(shapes) >= 2, kind


@pytest.mark.parametrize("export", CSV, ids=_ids(CSV))
def test_csv_reads_back_to_exactly_the_rows_written(export: Export):
    assert _csv_rows(export) == [export.headers, *export.rows]


@pytest.mark.parametrize("export", XLSX, ids=_ids(XLSX))
def test_xlsx_reads_back_to_exactly_the_rows_written(export: Export):
    header, *rows = _sheet_rows(export)
    assert header == export.headers
    assert rows == [[_as_read(v) for v in row] for row in export.rows]


def test_xlsx_dates_are_real_date_cells_not_text():
    rota = next(e for e in XLSX if e.kind == "rota")
    header, *rows = _sheet_rows(rota)
    good = [rows[n - 2] for n in range(2, len(rows) + 2) if n not in rota.bad_rows]
    assert all(isinstance(r[header.index("Date")], date) for r in good)
    assert all(isinstance(r[header.index("From")], time) for r in good)


@pytest.mark.parametrize("export", CORPUS, ids=_ids(CORPUS))
def test_bad_rows_are_where_the_generator_says(export: Export):
    assert export.bad_rows, "every corpus file carries bad rows"
    for number, reason in export.bad_rows.items():
        cells = ["" if v is None else str(v) for v in export.row(number)]
        if reason == "impossible date":
            assert any("31" in c and ("02" in c or "Feb" in c) for c in cells), cells
        elif reason == "unreadable time":
            assert "25:61" in cells
        else:
            column = reason.removeprefix("blank ")
            assert cells[export.headers.index(column)] == ""
    good = [export.row(n) for n in range(2, len(export.rows) + 2) if n not in export.bad_rows]
    assert not any("25:61" in [str(c) for c in row] for row in good)


@pytest.mark.parametrize("export", CORPUS, ids=_ids(CORPUS))
def test_repeats_are_exact_and_the_only_ones(export: Export):
    assert len(export.duplicate_rows) == 2
    for number, original in export.duplicate_rows.items():
        assert original < number
        assert export.row(number) == export.row(original)
    seen = {tuple(map(str, r)) for r in export.rows}
    assert len(seen) == len(export.rows) - len(export.duplicate_rows)


def test_encodings_are_what_they_claim():
    by_name = {e.file_name: e for e in CORPUS}
    windows = by_name["care-notes-visitpoint.csv"]
    assert windows.encoding == "cp1252"
    with pytest.raises(UnicodeDecodeError):
        windows.data.decode("utf-8")
    text = windows.data.decode("cp1252")
    assert "Zoë Barker" in text and "Siân Griffiths" in text
    assert by_name["care-notes-carelog.csv"].data.startswith(b"\xef\xbb\xbf")
    assert by_name["staff-peoplefile.txt"].data[:2] == b"\xff\xfe"  # UTF-16 (LE) with BOM
    delimiters = {e.delimiter for e in CSV}
    assert {",", ";", "\t"} <= delimiters


def test_notes_span_lines_and_nights_cross_midnight_and_agency_work_evenings():
    notes = next(e for e in CSV if e.file_name == "care-notes-carelog.csv")
    assert any("\n" in cell and '"' in cell for row in _csv_rows(notes) for cell in row)
    rota = next(e for e in CSV if e.kind == "rota")
    h = rota.headers
    good = [rota.row(n) for n in range(2, len(rota.rows) + 2) if n not in rota.bad_rows]
    nights = [r for r in good if r[h.index("End")] < r[h.index("Start")]]
    assert nights and all(r[h.index("Start")] == "21:00" for r in nights)
    agency_lates = [r for r in good if r[h.index("Contract")] == "Agency"]
    assert agency_lates and all(r[h.index("Start")] == "14:00" for r in agency_lates)


def test_date_styles_differ_between_systems():
    firsts = {e.file_name: e.row(3)[0] for e in CSV}
    assert firsts["care-notes-carelog.csv"].count("/") == 2  # 03/03/2026
    assert firsts["care-notes-visitpoint.csv"].split()[1] == "Mar"  # 3 Mar 2026 07:15
    assert firsts["supervision-peoplefile.txt"] != firsts["supervision-staffhub.csv"]


def test_a_column_with_every_day_twelve_or_less_is_reported_ambiguous():
    export = corpus_export(
        SYSTEMS[0], start=date(2026, 3, 2), end=date(2026, 3, 11), faults=(), duplicates=0
    )
    assert export.date_orders == {"Date": "dmy"}
    assert corpus_export(SYSTEMS[0]).date_orders == {}  # days past the 12th: plainly DD/MM


def test_same_seed_same_bytes_other_seed_other_bytes():
    again = corpus(seed=7)
    assert [e.data for e in again] == [e.data for e in CORPUS]
    assert corpus_export(SYSTEMS[0], seed=8).data != CORPUS[0].data
    assert demo_exports()["RCA-2026-0003"][0].data == demo_exports()["RCA-2026-0003"][0].data


def test_big_csv_streams_distinct_rows(tmp_path: Path):
    path = big_care_notes_csv(tmp_path / "big.csv", rows=2000)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    assert header == SYSTEMS[0].headers
    assert len(rows) == 2000 == len({tuple(r) for r in rows})


def test_demo_has_files_for_every_review_and_every_kind():
    exports = demo_exports()
    assert list(exports) == review_references()
    assert all(exports.values())
    assert {e.kind for files in exports.values() for e in files} == set(KINDS)
    assert any(e.bad_rows for files in exports.values() for e in files)


def test_demo_exports_command_writes_the_files_and_a_readme(app, tmp_path: Path):
    result = app.test_cli_runner().invoke(args=["demo-exports", "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    for reference, files in demo_exports().items():
        for export in files:
            assert (tmp_path / "d" / reference / export.file_name).read_bytes() == export.data
    readme = (tmp_path / "d" / "README.txt").read_text(encoding="utf-8")
    assert "import-evidence --review RCA-2026-0003 --kind care-notes" in readme


# --- End to end through the import pipeline ------------------------------------------------------


def _run(review_id: int, export: Export, **kw: Any):  # type: ignore[no-untyped-def]
    table = read_table(export.data, export.file_name, sheet=export.sheet)
    request = ImportRequest(
        review=db.session.get(Review, review_id),
        kind=export.kind,
        table=table,
        mapping=kw.pop("mapping", "auto"),
        date_orders=kw.pop("date_orders", export.date_orders),
    )
    return run_import(db.session, request)


def _e2e_params() -> list[Any]:
    return [
        pytest.param(
            e,
            id=e.file_name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[e.file_name])]
            if e.file_name in KNOWN_GAPS
            else [],
        )
        for e in CORPUS
    ]


@pytest.mark.parametrize("export", _e2e_params())
def test_every_export_imports_its_good_rows_and_names_its_bad_and_repeated_rows(
    ctx, make_service, make_user, make_review, export: Export
):
    review_id = new_review(make_service, make_user, make_review)
    outcome = _run(review_id, export)
    db.session.commit()

    assert outcome.rows_read == len(export.rows)
    assert {r["row"] for r in outcome.rejected} == set(export.bad_rows)
    assert {d["row"]: d["same_as_row"] for d in outcome.duplicates} == export.duplicate_rows
    assert outcome.imported == export.good_rows
    numbers = db.session.scalars(
        select(EvidenceRow.row_number).where(EvidenceRow.review_id == review_id)
    ).all()
    assert sorted(numbers) == [
        n
        for n in range(2, len(export.rows) + 2)
        if n not in export.bad_rows and n not in export.duplicate_rows
    ]

    again = _run(review_id, export)
    assert again.imported == 0
    assert {d["row"] for d in again.duplicates} == set(numbers) | set(export.duplicate_rows)


def test_the_emar_export_proposes_its_scheduled_times_for_the_time_field(
    ctx, make_service, make_user, make_review
):
    """eMARx writes the round's date in 'Date' and its time in 'Scheduled': the proposal sends
    'Scheduled' to the time field (not to the date), so rows at different rounds of a day are
    different events."""
    export = next(e for e in CORPUS if e.file_name == "mar-emarx.csv")
    review_id = new_review(make_service, make_user, make_review)
    table = read_table(export.data, export.file_name)
    mapping = propose_mapping("mar", table)
    assert mapping["occurred_at"] == "Date"
    assert mapping["time"] == "Scheduled"
    outcome = _run(review_id, export, mapping=mapping)
    assert {r["row"] for r in outcome.rejected} == set(export.bad_rows)
    assert {d["row"]: d["same_as_row"] for d in outcome.duplicates} == export.duplicate_rows
    assert outcome.imported == export.good_rows


def test_an_ambiguous_export_is_refused_without_an_order_and_imports_with_it(
    ctx, make_service, make_user, make_review
):
    export = corpus_export(
        SYSTEMS[0], start=date(2026, 3, 2), end=date(2026, 3, 11), faults=(), duplicates=0
    )
    review_id = new_review(make_service, make_user, make_review)
    with pytest.raises(ImportRefused, match="Date"):
        _run(review_id, export, date_orders={})
    outcome = _run(review_id, export)
    assert outcome.imported == len(export.rows) and not outcome.rejected
    first = db.session.scalars(
        select(EvidenceRow).where(EvidenceRow.review_id == review_id, EvidenceRow.row_number == 2)
    ).one()
    written = datetime.strptime(" ".join(export.row(2)[:2]), "%d/%m/%Y %H:%M")
    assert first.occurred_on == written.date()  # read DD/MM, as told


def test_every_demo_file_imports_with_its_readme_command(app, tmp_path: Path):
    with app.app_context():
        loader.load(db.session, date(2026, 11, 23))
    runner = app.test_cli_runner()
    for reference, files in demo_exports().items():
        for export in files:
            if export.file_name in KNOWN_GAPS:
                continue  # the strict xfail above fails once the gap is fixed: then drop this
            (tmp_path / reference).mkdir(exist_ok=True)
            (tmp_path / reference / export.file_name).write_bytes(export.data)
            args = shlex.split(import_command(reference, export, str(tmp_path)))[4:]
            result = runner.invoke(args=["import-evidence", *args])
            assert result.exit_code == 0, (export.file_name, result.output)
            out = json.loads(result.stdout)
            where = f"{reference}/{export.file_name}"
            assert {r["row"] for r in out["rejected"]} == set(export.bad_rows), where
            dups = {d["row"]: d["same_as_row"] for d in out["duplicates"]}
            assert dups == export.duplicate_rows, where
            assert out["imported"] == export.good_rows, where
