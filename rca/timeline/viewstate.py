"""What part of the timeline a person is looking at, kept in the URL's query string so that
back, forward and refresh show the same view: the window (whole period, a week or a day) and
where it starts, the lanes shown, and filters by staff, person and text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from rca.timeline.chronology import LANES, Chronology, Event
from rca.timeline.working_days import LONDON

WINDOWS = {"all": "Whole period", "week": "Week", "day": "Day"}
#: The table lists the events in view this many at a time (a page in the URL: ``tpage``).
TABLE_PAGE = 100


@dataclass(frozen=True)
class View:
    window: str = "all"
    at: date | None = None
    lanes: tuple[str, ...] = tuple(LANES)
    staff: int | None = None
    person: str | None = None
    q: str = ""
    event: int | None = None
    #: The page of the events table (TABLE_PAGE events each).
    tpage: int = 1

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
            tpage=max(1, min(_int(args.get("tpage")) or 1, 100_000)),
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
        if view.tpage > 1:
            pairs.append(("tpage", str(view.tpage)))
        if view.event:
            pairs.append(("event", str(view.event)))
        return urlencode(pairs)

    @cached_property
    def _state(self) -> str:
        return self.query(event=None)

    def event_query(self, event_id: int) -> str:
        """``query(event=event_id)``, built from one cached query string: the picture and the
        table link every event, and urlencode per link was a tenth of the pane's time."""
        state = self._state
        return f"{state}&event={event_id}" if state else f"event={event_id}"

    def table_rows(self, events: list[Event]) -> list[Event]:
        """The page of the events table this view shows (the last one if past the end)."""
        return events[(self.table_page(events) - 1) * TABLE_PAGE :][:TABLE_PAGE]

    def table_page(self, events: list[Event]) -> int:
        return min(self.tpage, max(1, -(-len(events) // TABLE_PAGE)))

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
        moved = self.anchor(chronology) + timedelta(days=direction * days)
        return self.query(at=moved, event=None, tpage=1)

    def zoom(self, window: str, around: date) -> str:
        return self.query(window=window, at=around, event=None, tpage=1)


def visible_events(
    events: list[Event],
    view: View,
    start: datetime,
    end: datetime,
    haystacks: Mapping[int, str] | None = None,
) -> list[Event]:
    """The events in the window that pass the view's lanes, staff and text filters.
    ``haystacks`` (event id -> search_text) saves folding every event's words per request."""
    lanes = set(view.lanes)
    needle = view.q.casefold()
    out = []
    for e in events:
        if e.lane not in lanes or not (start <= e.at < end):
            continue
        if view.staff and e.staff_id != view.staff:
            continue
        if needle:
            if "\x1f" in needle:
                continue  # the separator of search_text: never in a real word
            haystack = haystacks.get(e.id) if haystacks is not None else None
            if needle not in (haystack if haystack is not None else search_text(e)):
                continue
        out.append(e)
    return out


def search_text(e: Event) -> str:
    """What the text filter looks in, folded: the words, staff, person and kind. Joined with a
    separator no search box sends, so a needle never matches across two of them."""
    return "\x1f".join(
        (value or "").casefold()
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
