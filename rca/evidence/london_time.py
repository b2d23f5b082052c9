"""Europe/London wall-clock readings to UTC: the providers' records are local times, stored as
aware UTC instants.

- Clock changes (london_to_utc): a local time that does not exist (01:30 on the spring-forward
  day) moves forward an hour (= 02:30 BST); one that happens twice (01:30 on the autumn day)
  takes the first, BST, reading. Both are what zoneinfo does with fold=0.
- A shift whose end is at or before its start ends the next day (shift_span).
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta

from rca.db import LONDON


def london_to_utc(day: date, at: time | None) -> datetime:
    """The aware UTC instant of a London wall-clock reading (midnight when `at` is None).
    A naive datetime may be passed as `day` (its own time is used when `at` is None); an aware
    one is simply converted. Non-existent times move forward an hour; repeated ones take BST."""
    if isinstance(day, datetime):
        if day.tzinfo is not None:
            return day.astimezone(UTC)
        at = at if at is not None else day.time()
        day = day.date()
    wall = datetime.combine(day, (at or time(0)).replace(tzinfo=None))
    steady = london_offset_steady(day)
    if steady is not None:
        # No clock change that day: one subtraction (imports convert every row; zoneinfo's
        # lookup per value was a tenth of an import's time).
        return (wall - steady).replace(tzinfo=UTC)
    # fold=0: in the spring gap zoneinfo applies the pre-change offset (GMT), which is exactly
    # "move forward an hour"; in the autumn overlap it picks the first (BST) occurrence.
    return wall.replace(tzinfo=LONDON, fold=0).astimezone(UTC)


@functools.lru_cache(maxsize=8192)
def london_offset_steady(day: date) -> timedelta | None:
    """London's UTC offset on ``day`` when it is the same all day (no clock change), else None.
    London changes its clocks at most once a day, so equal offsets at both ends mean none."""
    first = datetime.combine(day, time(0), LONDON).utcoffset()
    last = datetime.combine(day, time(23, 59, 59), LONDON).utcoffset()
    return first if first == last else None


def shift_span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A shift's UTC start and end; an end at or before the start is on the next day, so a night
    shift 20:00-08:00 over the autumn clock change lasts 13 hours."""
    end_day = day + timedelta(days=1) if end <= start else day
    return london_to_utc(day, start), london_to_utc(end_day, end)
