"""What part of the timeline a person is looking at, kept in the URL's query string so that
back, forward and refresh show the same view: the window (whole period, a week or a day) and
where it starts, the lanes shown, and filters by staff, person and text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from rca.timeline.chronology import LANES, Chronology, Event
from rca.timeline.working_days import LONDON

WINDOWS = {"all": "Whole period", "week": "Week", "day": "Day"}
#: The table lists at most this many events; zoom or filter to see others.
TABLE_LIMIT = 300


@dataclass(frozen=True)
class View:
    window: str = "all"
    at: date | None = None
    lanes: tuple[str, ...] = tuple(LANES)
    staff: int | None = None
    person: str | None = None
    q: str = ""
    event: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> View:
        """Tolerant: anything unreadable in a (hand-edited) URL falls back to the default."""
        window = args.get("window") if args.get("window") in WINDOWS else "all"
        at = _date(args.get("at"))
        getlist = getattr(args, "getlist", None)
        raw_lanes = getlist("lane") if getlist else args.get("lane", [])
        if isinstance(raw_lanes, str):
            raw_lanes = [raw_lanes]
        lanes = tuple(lane for lane in LANES if lane in set(raw_lanes)) or tuple(LANES)
        return cls(
            window=window,
            at=at,
            lanes=lanes,
            staff=_int(args.get("staff")),
            person=(str(args.get("person") or "").strip() or None),
            q=str(args.get("q") or "").strip()[:200],
            event=_int(args.get("event")),
        )

    def query(self, **changes: Any) -> str:
        """The query string of this view with ``changes`` applied (defaults left out)."""
        view = replace(self, **changes)
        pairs: list[tuple[str, str]] = []
        if view.window != "all":
            pairs.append(("window", view.window))
        if view.at and view.window != "all":
            pairs.append(("at", view.at.isoformat()))
        if set(view.lanes) != set(LANES):
            pairs.extend(("lane", lane) for lane in view.lanes)
        if view.staff:
            pairs.append(("staff", str(view.staff)))
        if view.person:
            pairs.append(("person", view.person))
        if view.q:
            pairs.append(("q", view.q))
        if view.event:
            pairs.append(("event", str(view.event)))
        return urlencode(pairs)

    def span(self, chronology: Chronology) -> tuple[datetime, datetime]:
        """The window as aware UTC times: London midnights, so a day is 23 or 25 hours at the
        clock changes."""
        if self.window == "all":
            first, last = chronology.start, chronology.end + timedelta(days=1)
        else:
            first = self.anchor(chronology)
            last = first + timedelta(days=1 if self.window == "day" else 7)
        return _midnight(first), _midnight(last)

    def anchor(self, chronology: Chronology) -> date:
        at = self.at or chronology.start
        if self.window == "week":
            at -= timedelta(days=at.weekday())
        return at

    def step(self, chronology: Chronology, direction: int) -> str:
        """The query of the previous (-1) or next (+1) window."""
        days = 1 if self.window == "day" else 7
        return self.query(at=self.anchor(chronology) + timedelta(days=direction * days), event=None)

    def zoom(self, window: str, around: date) -> str:
        return self.query(window=window, at=around, event=None)


def visible_events(events: list[Event], view: View, start: datetime, end: datetime) -> list[Event]:
    lanes = set(view.lanes)
    needle = view.q.casefold()
    out = []
    for e in events:
        if e.lane not in lanes or not (start <= e.at < end):
            continue
        if view.staff and e.staff_id != view.staff:
            continue
        if needle and not _matches(e, needle):
            continue
        out.append(e)
    return out


def _matches(e: Event, needle: str) -> bool:
    return any(
        needle in (value or "").casefold()
        for value in (e.text, e.staff, e.person_label, e.person_ref, e.kind)
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LONDON).astimezone(UTC)


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _int(raw: Any) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None
