"""Working days: after A's date up to and including B's; weekends and the nation's bank holidays
(substitute days included) do not count; London dates decide the day across clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rca.timeline.working_days import (
    add_working_days,
    is_working_day,
    london_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"),
    [
        (date(2026, 10, 1), date(2026, 10, 1), 0, "same day"),
        (date(2026, 10, 1), date(2026, 10, 2), 1, "next day"),
        (date(2026, 10, 2), date(2026, 10, 5), 1, "Friday to Monday"),
        (date(2026, 10, 3), date(2026, 10, 4), 0, "Saturday to Sunday"),
        (date(2026, 4, 2), date(2026, 4, 7), 1, "Easter: Good Friday 3/4 and Easter Monday 6/4"),
        (date(2026, 4, 2), date(2026, 4, 6), 0, "Easter Monday itself is not a working day"),
        (
            date(2026, 12, 24),
            date(2026, 12, 29),
            1,
            "Christmas Fri 25/12, Boxing Day Sat -> Mon 28/12",
        ),
        (date(2026, 12, 24), date(2026, 12, 28), 0, "the substitute day does not count"),
        (date(2026, 5, 1), date(2026, 5, 5), 1, "early May bank holiday Mon 4/5"),
        (date(2026, 5, 22), date(2026, 5, 26), 1, "spring bank holiday Mon 25/5"),
        (date(2026, 9, 28), date(2026, 10, 16), 14, "three weeks less a day"),
        (date(2026, 10, 5), date(2026, 10, 1), -2, "backwards is negative"),
    ],
)
def test_working_days_in_england(start, end, expected, why):
    assert working_days_between(start, end, "ENG") == expected, why


def test_scotland_keeps_the_second_of_january():
    # Wed 31/12/2025 to Mon 05/01/2026: England works Fri 2 Jan, Scotland does not.
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 5), "ENG") == 2
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 5), "SCT") == 1
    assert not is_working_day(date(2026, 1, 2), "SCT")
    assert is_working_day(date(2026, 1, 2), "ENG")


def test_other_nations_follow_their_calendars():
    # St Patrick's Day (Tue 17/03/2026) is a bank holiday in Northern Ireland only.
    assert working_days_between(date(2026, 3, 16), date(2026, 3, 17), "NIR") == 0
    assert working_days_between(date(2026, 3, 16), date(2026, 3, 17), "WLS") == 1
    # Scotland's summer bank holiday is the first Monday of August, not the last.
    assert not is_working_day(date(2026, 8, 3), "SCT")
    assert not is_working_day(date(2026, 8, 31), "ENG")
    assert is_working_day(date(2026, 8, 31), "SCT")


def test_clock_changes_count_by_the_london_date():
    # 00:30 BST on Monday 30/03/2026 is 23:30 UTC on Sunday: the day is Monday.
    spring = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    assert london_day(spring) == date(2026, 3, 30)
    assert working_days_between(date(2026, 3, 27), london_day(spring)) == 1
    # 00:30 BST on Sunday 25/10/2026 (23:30 UTC on Saturday), then the clocks go back.
    autumn = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert london_day(autumn) == date(2026, 10, 25)
    # After the change London is UTC again: 23:30 UTC on Monday 26/10 is still Monday.
    assert london_day(datetime(2026, 10, 26, 23, 30, tzinfo=UTC)) == date(2026, 10, 26)


def test_deadline_is_the_last_day_that_still_meets_the_standard():
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    # 29, 30, 31 December, (1 January is a holiday), 4 and 5 January.
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)
    assert add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)


def _naive_count(start: date, end: date, nation: str) -> int:
    return sum(
        1
        for n in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=n), nation)
    )


@given(
    start=st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    gap=st.integers(0, 400),
    split=st.integers(0, 400),
    nation=st.sampled_from(["ENG", "WLS", "SCT", "NIR"]),
)
def test_whole_week_shortcut_matches_counting_day_by_day(start, gap, split, nation):
    end = start + timedelta(days=gap)
    middle = start + timedelta(days=min(split, gap))
    total = working_days_between(start, end, nation)
    assert total == _naive_count(start, end, nation)
    # Counting in two legs gives the same answer (the definition is additive).
    assert total == working_days_between(start, middle, nation) + working_days_between(
        middle, end, nation
    )
    assert add_working_days(start, total, nation) <= end
