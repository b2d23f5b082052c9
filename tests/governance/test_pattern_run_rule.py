"""The run rule at its edges, on plain incidents: N of one type within W consecutive days, first
to last, both ends counted (the defaults: 3 within 28 days, so first to last at most 27 days)."""

from __future__ import annotations

from datetime import date, timedelta

from rca.governance.near_miss import Incident, RunRule, find_runs, names_type, normalise_type

RULE = RunRule()


def incidents(*days: date) -> list[Incident]:
    return [
        Incident(
            key=f"h{n}",
            row_id=n,
            review_id=1,
            reference="RCA-2026-0001",
            service_id=1,
            occurred_on=day,
            type_key="fall",
            type_label="Fall",
            text="Found on the floor.",
            severity="Low",
        )
        for n, day in enumerate(days)
    ]


def keys(runs: list[list[Incident]]) -> list[list[str]]:
    return [[i.key for i in run] for run in runs]


def test_two_within_28_days_are_not_a_run():
    assert find_runs(incidents(date(2026, 3, 1), date(2026, 3, 2)), RULE) == []


def test_three_with_first_to_last_27_days_apart_are_a_run():
    found = find_runs(incidents(date(2026, 3, 1), date(2026, 3, 14), date(2026, 3, 28)), RULE)
    assert keys(found) == [["h0", "h1", "h2"]]


def test_three_with_first_to_last_28_days_apart_span_29_days_and_are_not_a_run():
    assert find_runs(incidents(date(2026, 3, 1), date(2026, 3, 14), date(2026, 3, 29)), RULE) == []


def test_three_on_one_day_are_a_run():
    day = date(2026, 3, 1)
    assert keys(find_runs(incidents(day, day, day), RULE)) == [["h0", "h1", "h2"]]


def test_overlapping_windows_merge_into_one_run_and_a_gap_starts_another():
    start = date(2026, 1, 1)
    days = [start + timedelta(days=d) for d in (0, 10, 20, 30, 40, 200, 201, 202)]
    assert keys(find_runs(incidents(*days), RULE)) == [
        ["h0", "h1", "h2", "h3", "h4"],
        ["h5", "h6", "h7"],
    ]


def test_the_setting_changes_the_rule():
    rule = RunRule(run=2, window_days=7)
    assert keys(find_runs(incidents(date(2026, 3, 1), date(2026, 3, 7)), rule)) == [["h0", "h1"]]
    assert find_runs(incidents(date(2026, 3, 1), date(2026, 3, 8)), rule) == []


def test_types_are_grouped_casefolded_with_whitespace_collapsed():
    assert normalise_type("  Near   MISS ") == normalise_type("near miss") == "near miss"


def test_a_title_names_a_type_at_a_word_start_across_punctuation():
    assert names_type("Falls at night in the lounge", "fall")
    assert names_type("Near-miss cluster on the lunchtime round", "near miss")
    assert not names_type("Rainfall flooded the garden room", "fall")
    assert not names_type("Missed evening medication", "fall")
