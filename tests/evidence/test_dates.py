"""Dates and times from exports: column detection, cell parsing and Europe/London clock changes."""

from __future__ import annotations

import calendar
import contextlib
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rca.evidence.dates import ColumnFormat, detect_column, parse_date_cell, parse_time_cell
from rca.evidence.london_time import london_to_utc, shift_span

DMY = ColumnFormat("date", "dmy", False, "DD/MM/YYYY")
MDY = ColumnFormat("date", "mdy", False, "MM/DD/YYYY")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["03/04/2026", "", None, "05/06/2026"], ("date", None, True, "DD/MM/YYYY or MM/DD/YYYY")),
        (["03/04/2026", "13/04/2026 14:00"], ("datetime", "dmy", False, "DD/MM/YYYY HH:MM")),
        (["3/4/26", "4/13/26"], ("date", "mdy", False, "M/D/YY")),
        (["3.4.2026", "31.12.2026"], ("date", "dmy", False, "D.M.YYYY")),
        (["03-04-2026 2:30 pm", "23-04-2026 11:00 am"], ("datetime", "dmy", False, None)),
        (["2026-03-03", "2026-03-04"], ("date", "ymd", False, "YYYY-MM-DD")),
        (["2026-03-03T14:00:00Z"], ("datetime", "ymd", False, "YYYY-MM-DDTHH:MM:SSZ")),
        (["2026-03-03 14:00+01:00"], ("datetime", "ymd", False, "YYYY-MM-DD HH:MM±HH:MM")),
        (["3 Mar 2026", "4 Mar 2026", "14 Mar 2026"], ("date", "dmy", False, "D Mon YYYY")),
        (["03-Mar-26", "14-Mar-26"], ("date", "dmy", False, "DD-Mon-YY")),
        (["3 March 2026"], ("date", "dmy", False, "D Month YYYY")),
        (["Tue 3 Mar 2026 09:00"], ("datetime", "dmy", False, "Ddd D Mon YYYY HH:MM")),
        ([46084, 46085.75, "46086"], ("excel-serial", None, False, "Excel serial number")),
        ([date(2026, 3, 3), datetime(2026, 3, 3, 9)], ("datetime", None, False, None)),
        ([date(2026, 3, 3), "05/04/2026"], ("date", None, True, "DD/MM/YYYY or MM/DD/YYYY")),
        (["08:00", "20:00:00", time(7, 30)], ("time", None, False, None)),
        # A few bad cells do not stop a date column being one; their rows fail later.
        (["03/03/2026", "31/02/2026", "unknown"], ("date", "dmy", False, "DD/MM/YYYY")),
    ],
)
def test_detect_column(values, expected):
    found = detect_column(values)
    assert found is not None
    assert (found.kind, found.order, found.ambiguous) == expected[:3]
    if expected[3]:
        assert found.description == expected[3]


@pytest.mark.parametrize(
    "values",
    [
        [],
        ["", None, "  "],
        ["Zoë", "Bob"],
        ["42", "7"],
        [1, 2, 3],
        ["Y", "N"],
        [True, False],
        ["03/03/2026", "note", "other note"],
        ["14"],
    ],
)
def test_detect_column_says_none_for_non_dates(values):
    assert detect_column(values) is None


def test_one_deciding_value_anywhere_in_the_column_decides_it():
    values = ["01/02/2026"] * 5000 + ["25/02/2026"]
    assert detect_column(values).order == "dmy"
    assert detect_column(["01/02/2026"] * 5000).ambiguous


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("03/04/2026", DMY, date(2026, 4, 3)),
        ("03/04/2026", MDY, date(2026, 3, 4)),
        (" 3/4/26 08:15 ", DMY, datetime(2026, 4, 3, 8, 15)),
        ("3/4/69", DMY, date(1969, 4, 3)),
        ("3/4/68", DMY, date(2068, 4, 3)),
        ("03-04-2026 12:15 am", DMY, datetime(2026, 4, 3, 0, 15)),
        ("03.04.2026 2pm", DMY, datetime(2026, 4, 3, 14, 0)),
        ("03/04/2026 24:00", DMY, datetime(2026, 4, 4, 0, 0)),
        ("2026-04-03", DMY, date(2026, 4, 3)),
        ("2026-04-03T07:05:09", DMY, datetime(2026, 4, 3, 7, 5, 9)),
        ("2026-07-03T07:05+01:00", DMY, datetime(2026, 7, 3, 6, 5, tzinfo=UTC)),
        ("2026-07-03 07:05Z", DMY, datetime(2026, 7, 3, 7, 5, tzinfo=UTC)),
        ("3 Mar 2026", MDY, date(2026, 3, 3)),
        ("03-Mar-26", DMY, date(2026, 3, 3)),
        ("Tue 3 March 2026 14:00", DMY, datetime(2026, 3, 3, 14)),
        ("March 3, 2026", DMY, date(2026, 3, 3)),
        (46084, DMY, date(2026, 3, 3)),
        (46084.75, DMY, datetime(2026, 3, 3, 18, 0)),
        (
            "46084",
            ColumnFormat("excel-serial", None, False, "Excel serial number"),
            date(2026, 3, 3),
        ),
        (date(2026, 3, 3), MDY, date(2026, 3, 3)),
        (datetime(2026, 3, 3, 9), MDY, datetime(2026, 3, 3, 9)),
    ],
)
def test_parse_date_cell(value, fmt, expected):
    assert parse_date_cell(value, fmt) == expected


@pytest.mark.parametrize(
    ("value", "fmt", "reason"),
    [
        ("31/02/2026", DMY, "31/02/2026 is not a real date: February 2026 has 28 days"),
        ("29/02/2028", DMY, None),  # a leap year: fine (checked below)
        ("01/13/2026", DMY, "01/13/2026 is not a real date: there is no month 13"),
        ("00/03/2026", DMY, "00/03/2026 is not a real date: there is no day 0"),
        ("03/03/2026 25:00", DMY, "03/03/2026 25:00 is not a real time: hours run 0-23"),
        ("03/03/2026 13:00 pm", DMY, "a 12-hour clock runs 1-12"),
        ("Mon 3 Mar 2026", DMY, "Mon 3 Mar 2026 does not add up: 3 March 2026 is a Tuesday"),
        ("03/04/2026", replace(DMY, order=None, ambiguous=True), "could be day/month or month"),
        ("next Tuesday", DMY, "next Tuesday is not a date in the form DD/MM/YYYY"),
        ("46084", DMY, "46084 is not a date in the form DD/MM/YYYY"),
        (12, DMY, "12 is not a date"),
        (time(9), DMY, "09:00 is a time with no date"),
        ("  ", DMY, "the cell is blank"),
        (None, DMY, "the cell is blank"),
    ],
)
def test_parse_date_cell_refuses_with_a_reason_naming_the_value(value, fmt, reason):
    if reason is None:
        assert parse_date_cell(value, fmt) == date(2028, 2, 29)
        return
    with pytest.raises(ValueError) as refused:
        parse_date_cell(value, fmt)
    assert reason in str(refused.value)


def test_a_value_that_decides_itself_parses_without_a_chosen_order():
    unchosen = ColumnFormat("date", None, True, "DD/MM/YYYY or MM/DD/YYYY")
    assert parse_date_cell("25/02/2026", unchosen) == date(2026, 2, 25)
    assert parse_date_cell("02/25/2026", unchosen) == date(2026, 2, 25)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14:30", time(14, 30)),
        ("7:05:09", time(7, 5, 9)),
        ("2:30 pm", time(14, 30)),
        ("12 AM", time(0, 0)),
        ("12:00 p.m.", time(12, 0)),
        ("0800", time(8, 0)),
        ("14.30", time(14, 30)),
        ("24:00", time(0, 0)),
        (time(6, 45), time(6, 45)),
        (datetime(1899, 12, 30, 20, 0), time(20, 0)),
        (0.5, time(12, 0)),
        (timedelta(hours=9, minutes=15), time(9, 15)),
    ],
)
def test_parse_time_cell(value, expected):
    assert parse_time_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("25:00", "25:00 is not a real time: hours run 0-23"),
        ("14:60", "14:60 is not a real time: minutes run 0-59"),
        ("0:30 am", "a 12-hour clock runs 1-12"),
        ("2460", "2460 is not a real time"),
        ("lunch", "lunch is not a time"),
        ("", "the cell is blank"),
        (1.5, "1.5 is not a time"),
    ],
)
def test_parse_time_cell_refuses(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_time_cell(value)


# --- properties ---------------------------------------------------------------------------------

_DAYS = st.dates(min_value=date(1970, 1, 1), max_value=date(2068, 12, 31))


@given(day=_DAYS, pad=st.booleans(), sep=st.sampled_from("/.-"), short_year=st.booleans())
def test_real_dates_formatted_dmy_round_trip(day, pad, sep, short_year):
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if pad else (str(day.day), str(day.month))
    year = f"{day.year % 100:02d}" if short_year else str(day.year)
    assert parse_date_cell(f"{d}{sep}{m}{sep}{year}", DMY) == day
    assert parse_date_cell(f"{m}{sep}{d}{sep}{year}", MDY) == day


@given(
    day=st.integers(0, 99),
    month=st.integers(0, 99),
    year=st.integers(1900, 2100),
    order=st.sampled_from([DMY, MDY]),
)
def test_any_day_month_combination_is_a_date_or_a_value_error(day, month, year, order):
    text = f"{day:02d}/{month:02d}/{year}" if order is DMY else f"{month:02d}/{day:02d}/{year}"
    real = 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
    if real:
        assert parse_date_cell(text, order) == date(year, month, day)
    else:
        with pytest.raises(ValueError, match=f"^{text} is not a real date: "):
            parse_date_cell(text, order)


@given(st.lists(_DAYS, min_size=1, max_size=40))
def test_ambiguity_is_exactly_every_day_at_most_12(days):
    found = detect_column([f"{d:%d/%m/%Y}" for d in days])
    assert found is not None
    if all(d.day <= 12 for d in days):
        assert found.ambiguous and found.order is None
    else:
        assert not found.ambiguous and found.order == "dmy"


@settings(max_examples=200)
@given(st.lists(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none())))
def test_detection_and_parsing_never_crash(values):
    fmt = detect_column(values)
    for value in values:
        for call in (lambda v: parse_date_cell(v, fmt or DMY), parse_time_cell):
            with contextlib.suppress(ValueError):
                call(value)


# --- Europe/London ------------------------------------------------------------------------------


def test_london_to_utc_in_winter_and_summer():
    assert london_to_utc(date(2026, 1, 15), time(9)) == datetime(2026, 1, 15, 9, tzinfo=UTC)
    assert london_to_utc(date(2026, 7, 15), time(9)) == datetime(2026, 7, 15, 8, tzinfo=UTC)
    assert london_to_utc(date(2026, 7, 15), None) == datetime(2026, 7, 14, 23, tzinfo=UTC)
    assert london_to_utc(datetime(2026, 7, 15, 9), None) == datetime(2026, 7, 15, 8, tzinfo=UTC)


def test_spring_forward_gap_moves_forward_an_hour():
    # 29 Mar 2026: 01:00 GMT becomes 02:00 BST; 01:30 never happens on the wall.
    gap = london_to_utc(date(2026, 3, 29), time(1, 30))
    assert gap == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # = 02:30 BST
    assert gap == london_to_utc(date(2026, 3, 29), time(2, 30))


def test_autumn_overlap_takes_the_first_bst_reading():
    # 25 Oct 2026: 02:00 BST becomes 01:00 GMT; 01:30 happens twice.
    assert london_to_utc(date(2026, 10, 25), time(1, 30)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("day", "start", "end", "hours"),
    [
        (date(2026, 10, 24), time(20), time(8), 13),  # night over the autumn change
        (date(2026, 3, 28), time(20), time(8), 11),  # night over the spring change
        (date(2026, 6, 1), time(20), time(8), 12),
        (date(2026, 6, 1), time(8), time(20), 12),
        (date(2026, 6, 1), time(7), time(7), 24),  # end == start: a full day
        (date(2026, 6, 1), time(0), parse_time_cell("24:00"), 24),
    ],
)
def test_shift_span(day, start, end, hours):
    began, ended = shift_span(day, start, end)
    assert began.tzinfo is UTC and ended - began == timedelta(hours=hours)
    assert began == london_to_utc(day, start)
