"""The test corpus: one export per source system, with bad rows and repeats where asked, and the
large files the import benchmarks read (written row by row, never held in memory)."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from rca.demo.exports import logs, records
from rca.demo.exports.records import Context, at
from rca.demo.exports.systems import BY_NAME, SYSTEMS, file_name
from rca.demo.exports.writing import Export, Fault, Record, System, render_cell, write_export

ALL_FAULTS: tuple[Fault, ...] = ("impossible-date", "blank-required", "unreadable-time")


def _carer_names(ctx: Context) -> list[str]:
    return [n for n, *_ in ctx.carers()]


#: The background records of each kind for a context.
BACKGROUND: dict[str, Callable[[Context], list[Record]]] = {
    "care-notes": records.care_notes,
    "mar": lambda ctx: records.mar(ctx, ctx.people[:2], _carer_names(ctx)),
    "care-plan-changes": lambda ctx: logs.care_plan_changes(ctx, 12),
    "rota": lambda ctx: records.rota(ctx, agency_evenings=1),
    "staff": records.staff_list,
    "supervision": records.supervision,
    "training": records.training,
    "incidents": lambda ctx: logs.incidents(ctx, 12),
    "handover": lambda ctx: logs.handover(ctx, 12),
    "communication": lambda ctx: logs.communication(ctx, 12),
    "feedback": lambda ctx: logs.feedback(ctx, 12),
    "audit": lambda ctx: logs.audits(ctx, 12),
    "governance": lambda ctx: logs.governance(ctx, 12),
}


def _with_accented_names(kind: str, ctx: Context, rows: list[Record]) -> list[Record]:
    """Make sure "Zoë" and "Siân" and a multi-line, quoted, comma-holding note are in the file."""
    if kind != "care-notes":
        return rows
    day = ctx.start + timedelta(days=1)
    extra = [
        {
            "at": at(day, 22, 10),
            "staff": "Zoë Barker",
            "person": ctx.people[0],
            "text": 'Said "I don\'t want to go to bed yet", stayed up, watched TV.\n'
            "Settled at 23:00; checked hourly.",
            "concern": False,
        },
        {
            "at": at(day, 23, 40),
            "staff": "Siân Griffiths",
            "person": ctx.people[1],
            "text": "Bruise, about 3cm, on left forearm; no explanation given.\nReported to nurse.",
            "concern": True,
        },
    ]
    return rows + extra


def corpus_export(
    system: System,
    *,
    seed: int = 1,
    start: date = date(2026, 3, 2),
    end: date = date(2026, 3, 29),
    faults: tuple[Fault, ...] = ALL_FAULTS,
    duplicates: int = 2,
) -> Export:
    """One system's export of a month of the demo care home's records."""
    ctx = Context.of("OAK", start, end, seed)
    rows = _with_accented_names(system.kind, ctx, BACKGROUND[system.kind](ctx))
    return write_export(
        file_name(system),
        system,
        records.sorted_by_time(rows),
        seed=seed,
        faults=faults,
        duplicates=duplicates,
    )


def corpus(seed: int = 1, **options: object) -> list[Export]:
    """An export from every system (see :func:`corpus_export` for the options)."""
    return [corpus_export(s, seed=seed, **options) for s in SYSTEMS]  # type: ignore[arg-type]


# --- Large files for the benchmarks --------------------------------------------------------------


def big_care_notes(rows: int, seed: int = 0) -> Iterator[Record]:
    """``rows`` distinct care-note records, five minutes apart, generated one at a time."""
    rng = random.Random(seed)
    carers = [n for n, *_ in Context.of("OAK", date(2025, 1, 1), date(2025, 1, 1), seed).carers()]
    people = [f"OAK-P-{n:03d}" for n in range(1, 61)]
    first = datetime(2025, 1, 1, 7, 0)
    for i in range(rows):
        yield {
            # Strictly increasing times: no two rows are ever the same evidence.
            "at": first + timedelta(minutes=5 * i),
            "staff": rng.choice(carers),
            "person": rng.choice(people),
            "text": rng.choice(records.ROUTINE_NOTES),
            "concern": rng.random() < 0.01,
        }


def big_care_notes_csv(path: Path, rows: int = 100_000, seed: int = 0) -> Path:
    """A large CareLog care-notes CSV written straight to ``path`` (UTF-8 with BOM)."""
    system = BY_NAME["carelog"]
    with open(path, "w", encoding=system.encoding, newline="") as out:
        writer = csv.writer(out, delimiter=system.delimiter, lineterminator="\r\n")
        writer.writerow(system.headers)
        for record in big_care_notes(rows, seed):
            writer.writerow([render_cell(record[c.field], c, system) for c in system.columns])
    return path


def big_care_notes_xlsx(path: Path, rows: int = 100_000, seed: int = 0) -> Path:
    """A large DailyNotes care-notes workbook, streamed (xlsxwriter's constant-memory mode)."""
    system = BY_NAME["dailynotes"]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = {
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "time": book.add_format({"num_format": "hh:mm"}),
    }
    sheet = book.add_worksheet(system.sheet)
    sheet.write_row(0, 0, system.headers)
    for r, record in enumerate(big_care_notes(rows, seed), start=1):
        for c, column in enumerate(system.columns):
            value = render_cell(record[column.field], column, system)
            if column.fmt in formats:
                sheet.write_datetime(r, c, value, formats[column.fmt])
            elif value is not None:
                sheet.write_string(r, c, value)
    book.close()
    return path
