"""The Contract command ``flask --app rca import-evidence``, run through Flask's CLI runner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from rca.db import db
from rca.evidence.models import EvidenceRow, MappingProfile
from rca.reviews.models import Review

from ._importing import (
    CARE_NOTES_A,
    CARE_NOTES_B,
    CONTRACT_KEYS,
    care_notes_a,
    counts,
    new_review,
    write_csv,
)


@pytest.fixture
def reference(app: Flask, make_service, make_user, make_review) -> str:
    review_id = new_review(make_service, make_user, make_review)
    with app.app_context():
        return db.session.get(Review, review_id).reference


@pytest.fixture
def cli(app: Flask):  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()

    def run(*args: str) -> Any:
        return runner.invoke(args=["import-evidence", *args])

    return run


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return counts()


def test_import_prints_the_contract_object(app, cli, reference, tmp_path):
    path = write_csv(tmp_path / "notes.csv", CARE_NOTES_A, care_notes_a(5))
    result = cli("--review", reference, "--kind", "care-notes", str(path))

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = json.loads(result.stdout)
    assert list(out) == CONTRACT_KEYS
    assert (out["file"], out["rows_read"], out["imported"]) == ("notes.csv", 5, 5)
    assert out["mapping"]["text"] == "Note"
    with app.app_context():
        assert db.session.query(EvidenceRow).count() == 5  # committed


def test_reimport_via_the_cli_adds_nothing(app, cli, reference, tmp_path):
    path = write_csv(tmp_path / "notes.csv", CARE_NOTES_A, care_notes_a(3))
    cli("--review", reference, "--kind", "care-notes", str(path))
    out = json.loads(cli("--review", reference, "--kind", "care-notes", str(path)).stdout)
    assert out["imported"] == 0
    assert out["duplicates"] == [{"row": n, "same_as_row": None} for n in (2, 3, 4)]


def test_rejected_rows_still_exit_zero(app, cli, reference, tmp_path):
    rows = [*care_notes_a(2), ["31/02/2026", "10:00", "A", "P-1", "x", "N"]]
    path = write_csv(tmp_path / "bad.csv", CARE_NOTES_A, rows)
    result = cli("--review", reference, "--kind", "care-notes", str(path))
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["imported"] == 2 and [r["row"] for r in out["rejected"]] == [4]


def test_dry_run_writes_nothing(app, cli, reference, tmp_path):
    path = write_csv(tmp_path / "notes.csv", CARE_NOTES_A, care_notes_a(4))
    before = _counts(app)
    result = cli("--review", reference, "--kind", "care-notes", "--dry-run", str(path))
    assert result.exit_code == 0 and json.loads(result.stdout)["imported"] == 4
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--review", "RCA-1999-0001", "--kind", "care-notes"], "No review with reference"),
        (["--kind", "diary"], "Unknown kind 'diary'"),
        (["--kind", "care-notes", "--mapping", "Nourish"], "profile named 'Nourish'"),
        (["--kind", "care-notes", "--map", "text="], "required field"),
        (["--kind", "care-notes", "--map", "text=Missing"], "column 'Missing'"),
    ],
)
def test_refusals_exit_non_zero_with_one_line_and_write_nothing(
    app, cli, reference, tmp_path, args, message
):
    path = write_csv(tmp_path / "notes.csv", CARE_NOTES_A, care_notes_a(3))
    before = _counts(app)
    if "--review" not in args:
        args = ["--review", reference, *args]
    result = cli(*args, str(path))
    assert result.exit_code != 0
    assert result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02\xff" * 100, "")],
)
def test_unreadable_files_are_refused(app, cli, reference, tmp_path, content, message):
    path = tmp_path / "notes.csv"
    path.write_bytes(content)
    before = _counts(app)
    result = cli("--review", reference, "--kind", "care-notes", str(path))
    assert result.exit_code != 0 and result.stderr.count("\n") == 1
    assert message in result.stderr.lower()
    assert _counts(app) == before


def test_a_missing_file_is_refused(app, cli, reference, tmp_path):
    result = cli("--review", reference, "--kind", "care-notes", str(tmp_path / "nope.csv"))
    assert result.exit_code != 0 and "Cannot read" in result.stderr
    assert result.stderr.count("\n") == 1


def test_ambiguous_dates_need_an_order(app, cli, reference, tmp_path):
    rows = [
        ["03/04/2026", "09:00", "A", "P-1", "a", "N"],
        ["05/06/2026", "09:00", "A", "P-1", "b", "N"],
    ]
    path = write_csv(tmp_path / "amb.csv", CARE_NOTES_A, rows)
    refused = cli("--review", reference, "--kind", "care-notes", str(path))
    assert refused.exit_code != 0 and "--date-order 'Date=dmy'" in refused.stderr
    ok = cli("--review", reference, "--kind", "care-notes", "--date-order", "Date=dmy", str(path))
    assert ok.exit_code == 0, ok.stderr
    with app.app_context():
        days = sorted(r.occurred_on.isoformat() for r in db.session.scalars(select(EvidenceRow)))
    assert days == ["2026-04-03", "2026-06-05"]


def test_saved_profile_is_used_by_auto_for_the_same_headers(app, cli, reference, tmp_path):
    """An export whose headers the proposal cannot read is mapped once, saved, then automatic."""
    header = ["Stamp", "Who", "Ref", "Words"]
    first = write_csv(tmp_path / "one.csv", header, [["03/04/2026 10:00", "A", "P-1", "one"]])
    second = write_csv(tmp_path / "two.csv", header, [["04/05/2026 11:00", "A", "P-1", "two"]])
    assert cli("--review", reference, "--kind", "care-notes", str(first)).exit_code != 0

    saved = cli(
        "--review",
        reference,
        "--kind",
        "care-notes",
        "--map",
        "occurred_at=Stamp",
        "--map",
        "text=Words",
        "--map",
        "staff=Who",
        "--map",
        "person=Ref",
        "--date-order",
        "Stamp=mdy",
        "--save-mapping",
        "Acme Care",
        str(first),
    )
    assert saved.exit_code == 0, saved.stderr
    out = json.loads(
        cli("--review", reference, "--kind", "care-notes", "--mapping", "auto", str(second)).stdout
    )
    assert out["mapping"] == {
        "occurred_at": "Stamp",
        "staff": "Who",
        "person": "Ref",
        "text": "Words",
    }
    assert out["imported"] == 1
    with app.app_context():
        assert db.session.scalars(select(MappingProfile)).one().name == "Acme Care"
        days = sorted(r.occurred_on.isoformat() for r in db.session.scalars(select(EvidenceRow)))
    assert days == ["2026-03-04", "2026-04-05"]  # the profile's month-first order


def test_a_named_profile_maps_another_systems_export(app, cli, reference, tmp_path):
    path = write_csv(tmp_path / "b.csv", CARE_NOTES_B, [["14/10/2026 10:00", "A", "P-1", "x"]])
    save = cli(
        "--review", reference, "--kind", "care-notes", "--save-mapping", "Nourish", str(path)
    )
    assert save.exit_code == 0
    again = cli("--review", reference, "--kind", "care-notes", "--mapping", "Nourish", str(path))
    assert again.exit_code == 0 and json.loads(again.stdout)["duplicates"] == [
        {"row": 2, "same_as_row": None}
    ]
