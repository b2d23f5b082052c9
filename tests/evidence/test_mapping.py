"""The mapping step: proposals from header names and cell content, and saved profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from rca.db import db
from rca.evidence.mapping import find_profile, header_key, propose_mapping, save_profile
from rca.evidence.reading import read_table

from ._importing import (
    CARE_NOTES_A,
    CARE_NOTES_A_MAPPING,
    CARE_NOTES_B,
    care_notes_a,
    write_csv,
    write_xlsx,
)


def _table(path: Path):
    return read_table(path.read_bytes(), path.name)


def test_care_notes_with_separate_date_time_and_flag(tmp_path):
    table = _table(write_csv(tmp_path / "a.csv", CARE_NOTES_A, care_notes_a(5)))
    assert propose_mapping("care-notes", table) == CARE_NOTES_A_MAPPING


def test_care_notes_from_another_system(tmp_path):
    rows = [["01/10/2026 10:00", "Amir", "SU-1", "Tea"]]
    table = _table(write_csv(tmp_path / "b.csv", CARE_NOTES_B, rows))
    assert propose_mapping("care-notes", table) == {
        "occurred_at": "Entry Date/Time",
        "staff": "Staff Member",
        "person": "Service User Ref",
        "text": "Narrative",
    }


def test_a_date_column_with_an_unknown_name_is_found_by_its_content(tmp_path):
    rows = [["14/10/2026 10:00", "Tea and toast"], ["15/10/2026 11:00", "Walk"]]
    table = _table(write_xlsx(tmp_path / "c.xlsx", ["Logged", "Entry"], rows))
    assert propose_mapping("care-notes", table) == {"occurred_at": "Logged", "text": "Entry"}


def test_a_flag_header_over_free_text_is_not_proposed_as_a_flag(tmp_path):
    rows = [["01/10/2026", "Tea", "Resident asked for her daughter"]]
    table = _table(write_csv(tmp_path / "d.csv", ["Date", "Note", "Concern"], rows))
    assert "concern" not in propose_mapping("care-notes", table)


def test_header_key_ignores_case_and_punctuation_but_not_order():
    assert header_key(["Date", "Client ID"]) == header_key([" date ", "client-id"])
    assert header_key(["Date", "Client ID"]) != header_key(["Client ID", "Date"])


def test_profiles_are_found_by_headers_and_replaced_by_name(ctx):
    headers = CARE_NOTES_B
    first = save_profile(
        db.session, "Nourish", "care-notes", headers, {"text": "Narrative"}, {}, None
    )
    assert find_profile(db.session, "care-notes", [h.upper() for h in headers]) is first
    assert find_profile(db.session, "mar", headers) is None
    again = save_profile(
        db.session,
        "Nourish",
        "care-notes",
        headers,
        {"text": "Narrative", "staff": "Staff Member"},
        {"date_orders": {"Entry Date/Time": "dmy"}},
        None,
    )
    assert again.id == first.id and again.mapping["staff"] == "Staff Member"
    with pytest.raises(ValueError):
        save_profile(db.session, "  ", "care-notes", headers, {}, {}, None)
