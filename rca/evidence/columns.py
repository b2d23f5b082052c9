"""A batch of source rows parsed a column at a time: the evidence values, fields JSON and content
hash of every row, or the reason a row cannot be used.

Each distinct cell of a column is parsed once (``RowParser`` says how), and the rest is whole-
column work: ``map``, ``zip``, ``set`` and dict look-ups, which run in C, instead of a Python loop
over the cells of every row (that loop was two thirds of a 100,000-row import). One row (fix and
retry) is a batch of one, so there is one parsing of a row, whatever the caller.

Pure: no database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import compress
from typing import Any

from rca.evidence.dates import ColumnFormat
from rca.evidence.london_time import london_offset_steady, london_to_utc, shift_span
from rca.evidence.staff_register import normalise_name
from rca.evidence.table import SourceRow, cell_text
from rca.evidence.target_fields import TargetField

#: Distinct cells remembered per column (a column of unique timestamps stops filling it).
CACHE_LIMIT = 50_000
_MISS = object()
#: A cached cell that is blank (and may be).
BLANK = object()
_encode = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]
_sha256 = hashlib.sha256
_FLAG_PART = {True: "1", False: "0"}


@dataclass(frozen=True, slots=True)
class Refusal:
    """A cached cell that makes its row unusable, with the reason."""

    reason: str


@dataclass(frozen=True, slots=True)
class Step:
    """One mapped field as the parsing reads it: the field, its column and the column's format."""

    target: TargetField
    column: str
    index: int
    fmt: ColumnFormat | None
    #: Distinct cell -> parsed value, Refusal or BLANK; None for free text (never cached).
    cache: dict[Any, Any] | None


@dataclass
class ParsedBatch:
    """The usable rows of a batch as parallel lists (one entry per row), and the refused ones."""

    #: Index in the batch of each usable row, and its spreadsheet row number.
    positions: list[int]
    numbers: list[int]
    occurred_at: list[datetime | None]
    occurred_on: list[date | None]
    ends_at: list[datetime | None]
    staff: list[str | None]
    person: list[str | None]
    text: list[str]
    concern: list[bool]
    fields_json: list[str]
    hashes: list[str]
    #: ``occurred_at.isoformat()`` of each row ("" when undated), as the hash reads it.
    occurred_at_iso: list[str] = field(default_factory=list)
    #: field key -> JSON-safe value of each row (None where the row has none).
    fields: dict[str, list[Any]] = field(default_factory=dict)
    #: (index in the batch, row number, reason), in batch order.
    rejected: list[tuple[int, int, str]] = field(default_factory=list)

    def field_values(self, key: str) -> list[Any]:
        return self.fields.get(key) or [None] * len(self.positions)


def parse_columns(
    kind: str,
    when_field: str,
    width: int,
    steps: Sequence[Step],
    rows: Sequence[SourceRow],
    parse_cell: Callable[[Step, Any], Any],
) -> ParsedBatch:
    """Parse ``rows`` (cells as read, ``width`` the header's) into a ParsedBatch.

    ``parse_cell(step, raw)`` gives a cached field's value, Refusal or BLANK. A row's reason is
    the first problem in the order a person reads it: extra cells, then the fields in schema
    order."""
    numbers = [row[0] for row in rows]
    rejected: dict[int, str] = {}
    columns = _columns([row[1] for row in rows], width, rejected)
    values: dict[str, list[Any]] = {}
    for step in steps:
        column = columns[step.index] if columns else ()
        if step.cache is None:
            values[step.target.name] = _text_values(step, column, rejected)
        else:
            values[step.target.name] = _cached_values(step, column, rejected, parse_cell)
    positions = list(range(len(rows)))
    if rejected:
        keep = [k not in rejected for k in positions]
        positions = list(compress(positions, keep))
        numbers = list(compress(numbers, keep))
        values = {name: list(compress(v, keep)) for name, v in values.items()}
    batch = _assemble(kind, when_field, positions, numbers, values)
    batch.rejected = [(k, rows[k][0], rejected[k]) for k in sorted(rejected)]
    return batch


# --- cells to column values ---------------------------------------------------------------------


def _columns(cells: list[tuple[Any, ...]], width: int, rejected: dict[int, str]) -> list[Any]:
    """The batch transposed into ``width`` columns. Short rows read as blank cells; a row with
    more non-blank cells than the header has columns is refused (its text is not dropped
    silently)."""
    if set(map(len, cells)) - {width}:
        even = []
        for k, c in enumerate(cells):
            if len(c) > width:
                extra = [cell_text(v) for v in c[width:] if cell_text(v).strip()]
                if extra:
                    rejected[k] = (
                        f"The row has {width + len(extra)} or more cells but the header row has "
                        f"{width} columns (extra: {extra[0][:40]!r})"
                    )
                c = c[:width]
            elif len(c) < width:
                c = (*c, *([None] * (width - len(c))))
            even.append(c)
        cells = even
    return list(zip(*cells, strict=True)) if cells else []


def _text_values(step: Step, column: Sequence[Any], rejected: dict[int, str]) -> list[Any]:
    """Free text exactly as written; None where blank (refusing the row when it is required)."""
    texts = list(column) if set(map(type, column)) <= {str} else list(map(cell_text, column))
    if "" in texts or any(map(str.isspace, texts)):
        for k, text in enumerate(texts):
            if not text or text.isspace():
                reason = step.target.blank_refusal(step.column)
                if reason is not None:
                    rejected.setdefault(k, reason)
                texts[k] = None
    return texts


def _cached_values(
    step: Step,
    column: Sequence[Any],
    rejected: dict[int, str],
    parse_cell: Callable[[Step, Any], Any],
) -> list[Any]:
    """Each cell's parsed value, every distinct cell parsed once; None where blank or refused."""
    cache = step.cache
    assert cache is not None
    # bool/int/float keys of equal value (True == 1 == 1.0) must not share an entry.
    if set(map(type, column)) <= {str}:
        keys: Sequence[Any] = column
    else:
        keys = [c if c.__class__ is str else (c.__class__, c) for c in column]
    found: dict[Any, Any] = {}
    for key in set(keys):
        value = cache.get(key, _MISS)
        if value is _MISS:
            value = parse_cell(step, key if key.__class__ is str else key[1])
            if len(cache) < CACHE_LIMIT:
                cache[key] = value
        found[key] = value
    parsed = list(map(found.__getitem__, keys))
    if any(v is BLANK or v.__class__ is Refusal for v in found.values()):
        for k, value in enumerate(parsed):
            if value is BLANK:
                parsed[k] = None
            elif value.__class__ is Refusal:
                rejected.setdefault(k, value.reason)
                parsed[k] = None
    return parsed


# --- column values to evidence ------------------------------------------------------------------


def _assemble(
    kind: str,
    when_field: str,
    positions: list[int],
    numbers: list[int],
    values: dict[str, list[Any]],
) -> ParsedBatch:
    """Times, fields and hashes of the usable rows, from their parsed column values."""
    count = len(positions)
    none: list[Any] = [None] * count
    when = values.pop(when_field, None)
    at = values.pop("time", None)
    occurred_at, occurred_on, ends_at = none, none, none
    #: The fields JSON of each row, in this key order.
    fields: dict[str, list[Any]] = {}
    if kind == "rota" and when is not None:
        start, end = values.pop("start"), values.pop("end")
        occurred_on = [_local_day(w) for w in when]
        spans = [shift_span(d, s, e) for d, s, e in zip(occurred_on, start, end, strict=True)]
        occurred_at, ends_at = [s[0] for s in spans], [s[1] for s in spans]
        fields["start"] = [s.isoformat() for s in start]
        fields["end"] = [e.isoformat() for e in end]
    elif when is not None:
        if at is not None:
            # A date-and-time column beside a time column: the time column says when.
            when = [
                w.date() if t is not None and isinstance(w, datetime) else w
                for w, t in zip(when, at, strict=True)
            ]
        ats = at or none
        occurred_at = [None if w is None else _utc_of(w, t) for w, t in zip(when, ats, strict=True)]
        occurred_on = [None if w is None else _local_day(w) for w in when]
        if at is not None:
            clock = {t: t.isoformat() for t in set(at) if t is not None}
            fields["time"] = [
                None if w is None or t is None else clock[t] for w, t in zip(when, at, strict=True)
            ]
        all_day = [
            True if w is not None and t is None and not isinstance(w, datetime) else None
            for w, t in zip(when, ats, strict=True)
        ]
        if any(all_day):
            fields["all_day"] = all_day
    if when is not None and when_field != "occurred_at":
        fields[when_field] = [None if w is None else _local_day(w).isoformat() for w in when]
    staff = values.pop("staff", none)
    person = values.pop("person", none)
    text = [t or "" for t in values.pop("text", none)]
    concern = [c is True for c in values.pop("concern", none)]
    if any(staff):
        fields["staff"] = staff
    if any(person):
        fields["person"] = person
    for name, column in values.items():
        fields[name] = _json_safe(column)
    at_iso = [a.isoformat() if a is not None else "" for a in occurred_at]
    return ParsedBatch(
        positions=positions,
        numbers=numbers,
        occurred_at=occurred_at,
        occurred_on=occurred_on,
        ends_at=ends_at,
        staff=staff,
        person=person,
        text=text,
        concern=concern,
        fields_json=_fields_json(fields, count),
        hashes=_hashes(at_iso, occurred_on, ends_at, text, concern, fields),
        fields=fields,
        occurred_at_iso=at_iso,
    )


def _json_safe(column: list[Any]) -> list[Any]:
    """Dates and times as ISO text; other values as they are."""
    converted = {
        v: v.isoformat() if isinstance(v, date | time) else v for v in set(column) if v is not None
    }
    return [None if v is None else converted[v] for v in column]


def _fields_json(fields: dict[str, list[Any]], count: int) -> list[str]:
    """Each row's fields as ``json.dumps`` writes the dict of them (absent keys left out)."""
    if not fields:
        return ["{}"] * count
    pieces = []
    for key, column in fields.items():
        name = _encode(key)
        piece = {v: f"{name}: {json.dumps(v)}" for v in set(column) if v is not None}
        pieces.append(list(map(piece.get, column)))
    return ["{" + ", ".join(filter(None, row)) + "}" for row in zip(*pieces, strict=True)]


def _hashes(
    occurred_at_iso: list[str],
    occurred_on: list[date | None],
    ends_at: list[datetime | None],
    text: list[str],
    concern: list[bool],
    fields: dict[str, list[Any]],
) -> list[str]:
    """SHA-256 of each row's parsed, normalised values.

    Built from what the cells MEAN (UTC times, normalised names, whitespace-collapsed text), not
    from their spelling, so the same row in a later overlapping export (CSV or workbook, another
    date style) has the same hash whatever the file. Unmapped columns do not count. The formula
    never changes: rows already stored keep their hashes, and re-imports are matched on them:
    the five parts below, then ``key=repr(value)`` for each field in key order, joined with the
    unit separator (which real exports do not contain).
    """
    days = {d: d.isoformat() for d in set(occurred_on) if d is not None}
    days[None] = ""  # type: ignore[index]
    heads = [
        "\x1f".join(parts)
        for parts in zip(
            occurred_at_iso,
            map(days.__getitem__, occurred_on),
            [e.isoformat() if e is not None else "" for e in ends_at],
            [" ".join(t.split()) for t in text],
            map(_FLAG_PART.__getitem__, concern),
            strict=True,
        )
    ]
    tails = []
    for key in sorted(fields):
        column = fields[key]
        tails.append(list(map({v: _hash_part(key, v) for v in set(column)}.__getitem__, column)))
    if not tails:
        return [_sha256(head.encode()).hexdigest() for head in heads]
    return [
        _sha256((head + "".join(tail)).encode()).hexdigest()
        for head, tail in zip(heads, zip(*tails, strict=True), strict=True)
    ]


def _hash_part(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "staff":
        value = normalise_name(value)
    if isinstance(value, str):
        value = " ".join(value.split())
    return f"\x1f{key}={value!r}"


# --- dates and times ----------------------------------------------------------------------------


def _utc_of(value: date | datetime, at: time | None) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        return london_to_utc(value.date(), value.time())
    if at is not None:
        # A date column plus a time column (most care exports): the day's UTC midnight plus
        # the clock time, both remembered, on days without a clock change.
        base = _UTC_MIDNIGHT.get(value)
        if base is None:
            base = _UTC_MIDNIGHT[value] = _utc_midnight(value)
        if base is not False:
            step = _SINCE_MIDNIGHT.get(at)
            if step is None:
                step = _SINCE_MIDNIGHT[at] = timedelta(
                    hours=at.hour, minutes=at.minute, seconds=at.second, microseconds=at.microsecond
                )
            return base + step  # type: ignore[operator]
    return london_to_utc(value, at)


def _utc_midnight(day: date) -> datetime | bool:
    """London midnight of ``day`` in UTC, or False on a clock-change day (convert each time)."""
    if london_offset_steady(day) is None:
        return False
    return london_to_utc(day, None)


# Bounded by the calendar and the clock (days x seconds a file can name); shared by imports.
_UTC_MIDNIGHT: dict[date, datetime | bool] = {}
_SINCE_MIDNIGHT: dict[time, timedelta] = {}


def _local_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
