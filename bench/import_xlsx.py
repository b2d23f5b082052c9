"""A ~10 MB care-notes workbook (XLSX) through the whole import path, against python-calamine
reading the same sheet to Python lists, in the same run.

The workbook is the generator's DailyNotes export (typed date and time cells), streamed to disk by
xlsxwriter; about 350,000 rows make 10 MB. The project path (read_table with its ZIP checks,
mapping, formats, validation, dedupe, provenance, insert, commit into a fresh SQLite database)
runs in a child process so its peak RSS is its own.

    .venv/bin/python bench/import_xlsx.py [--rows 350000] [--profile]

Prints one JSON line: rows/s of the project and of bare calamine (no goal is set: report it),
with the file's size and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_csv  # noqa: E402

SHEET = "Notes"


def child(xlsx_path: Path, db_path: Path, profile: bool) -> None:
    app = import_csv.fresh_database(db_path)
    data = xlsx_path.read_bytes()
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    result = import_csv.project_import(data, xlsx_path.name, app, sheet=SHEET)
    if profile:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False), file=sys.stderr)
    result["peak_rss_mb"] = import_csv.vm_hwm_mb()
    print(json.dumps(result))


def calamine_seconds(path: Path) -> tuple[float, float, int]:
    """(wall, CPU) seconds of python-calamine reading the sheet to lists, and its data rows."""
    from python_calamine import CalamineWorkbook

    start, start_cpu = time.perf_counter(), time.process_time()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()
    return time.perf_counter() - start, time.process_time() - start_cpu, len(rows) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=350_000)
    parser.add_argument("--profile", action="store_true", help="pyinstrument the project path")
    parser.add_argument("--child", nargs=2, metavar=("XLSX", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.profile)
        return

    from rca.demo.exports import big_care_notes_xlsx

    with tempfile.TemporaryDirectory(prefix="rca-bench-import-") as tmp:
        path = big_care_notes_xlsx(Path(tmp) / "care-notes-dailynotes.xlsx", rows=args.rows)
        project = import_csv.project_in_child(__file__, path, Path(tmp), args.profile, args.rows)
        baseline_s, baseline_cpu, read = calamine_seconds(path)
        assert read == args.rows, read
        size_mb = path.stat().st_size / 1e6
    value = args.rows / project["elapsed"]
    baseline = args.rows / baseline_s
    print(
        json.dumps(
            {
                "bench": "import_xlsx",
                "value": round(value),
                "baseline": round(baseline),
                "ratio": round(value / baseline, 3),
                "goal": None,
                "unit": "rows/s",
                "file_mb": round(size_mb, 1),
                "peak_rss_mb": round(project["peak_rss_mb"], 1),
                "cpu_value": round(args.rows / project["cpu"]),
                "cpu_baseline": round(args.rows / baseline_cpu),
                "cpu_ratio": round(baseline_cpu / project["cpu"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
