"""One source row -> the parsed values of an evidence row, or a clear reason it cannot be used.

Pure: no database. The importer resolves staff and people afterwards and does the writing; the
fix-and-retry of a row needing attention runs exactly this parsing again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rapidfuzz import fuzz

from rca.evidence.dates import (
    ColumnFormat,
    london_offset_steady,
    london_to_utc,
    parse_date_cell,
    parse_time_cell,
    shift_span,
)
from rca.evidence.kinds import (
    EMPLOYMENT_WORDS,
    FLAG_FALSE,
    FLAG_TRUE,
    KIND_FIELDS,
    WHEN_FIELD,
    TargetField,
)
from rca.evidence.mapping import normalise_header
from rca.evidence.reading import cell_text
from rca.evidence.staff_register import normalise_name

_LONDON_DATE_TYPES = ("datetime", "date")
_CACHED_TYPES = frozenset(
    {"datetime", "date", "time", "flag", "employment", "choice", "staff", "person", "role"}
)
#: Distinct cells remembered per column (a column of unique timestamps stops filling it).
_CACHE_LIMIT = 50_000
_MISS = object()
_BLANK = object()
_Cache = dict[Any, Any]
# The json module's own C string encoder: exactly what json.dumps writes for a str.
_encode = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class _Refusal:
    """A cached cell that makes its row unusable, with the reason."""

    reason: str


class RowRejected(ValueError):
    """This row cannot be used; str(exc) says which column and why."""


@dataclass(slots=True)
class ParsedRow:
    number: int
    occurred_at: datetime | None = None
    occurred_on: date | None = None
    ends_at: datetime | None = None
    staff_name: str | None = None
    person_ref: str | None = None
    text: str = ""
    concern: bool = False
    #: JSON-safe parsed target fields (role, employment, course, expires, ...).
    fields: dict[str, Any] = field(default_factory=dict)
    #: header -> the cell as a person would read it.
    cells: dict[str, str] = field(default_factory=dict)
    content_hash: str = ""


def normalise_employment(value: str) -> str | None:
    """What systems write ("Perm", "Bank staff", "Relief", "AGENCY" ...) as permanent, bank or
    agency; None when it is none of them."""
    words = normalise_header(value).replace("?", "")
    if not words:
        return None
    for kind, spellings in EMPLOYMENT_WORDS.items():
        if words in spellings:
            return kind
    tokens = set(words.split())
    # Agency and bank win over "staff"/"contract" words: "Agency contract" is agency.
    for kind in ("agency", "bank", "permanent"):
        if tokens & {s for s in EMPLOYMENT_WORDS[kind] if " " not in s}:
            return kind
    return None


def parse_flag(value: str) -> bool | None:
    word = value.strip().casefold()
    if word in FLAG_TRUE:
        return True
    if word in FLAG_FALSE:
        return False
    return None


def normalise_choice(field_: TargetField, value: str) -> str:
    """The canonical choice a cell means, or the cell's own words when none fits."""
    words = normalise_header(value).replace("?", "")
    for choice in field_.choices:
        if words == choice or words.startswith(choice + " ") or choice in words.split():
            return choice
    best = max(field_.choices, key=lambda c: fuzz.ratio(words, c), default=None)
    if best is not None and fuzz.ratio(words, best) >= 85:
        return best
    return value.strip()


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
            return base + step
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


class RowParser:
    """Parses rows of one table for one kind with one mapping and the columns' detected formats."""

    def __init__(
        self,
        kind: str,
        headers: Sequence[str],
        mapping: dict[str, str],
        formats: dict[str, ColumnFormat],
    ):
        self.kind = kind
        self.headers = list(headers)
        self.width = len(self.headers)
        index = {h: i for i, h in enumerate(self.headers)}
        #: (field, column name, column index, format, cache) for each mapped field, in schema
        #: order. Columns of dates, times, flags, names and choices repeat a few hundred distinct
        #: cells over a whole file, so each distinct cell is parsed once (free text is not cached).
        self.plan: list[tuple[TargetField, str, int, ColumnFormat | None, _Cache | None]] = [
            (
                f,
                mapping[f.name],
                index[mapping[f.name]],
                formats.get(mapping[f.name]),
                {} if f.type in _CACHED_TYPES else None,
            )
            for f in KIND_FIELDS[kind]
            if f.name in mapping
        ]
        self.required_missing = [
            f for f in KIND_FIELDS[kind] if f.required and f.name not in mapping
        ]
        self.when = WHEN_FIELD.get(kind, "occurred_at")
        self._cells_template: str | None = None
        self._typed_cells: dict[tuple[type, Any], str] = {}

    def cells_of(self, values: Sequence[Any]) -> dict[str, str]:
        cells = {
            h: cell_text(values[i]) if i < len(values) else "" for i, h in enumerate(self.headers)
        }
        for i in range(self.width, len(values)):
            text = cell_text(values[i])
            if text.strip():
                cells[f"Column {i + 1}"] = text
        return cells

    def parse(self, number: int, values: Sequence[Any], *, keep_cells: bool = True) -> ParsedRow:
        """Raise RowRejected naming the column and the reason when the row cannot be used.

        ``keep_cells=False`` leaves ``row.cells`` empty: the bulk importer writes the cells
        straight from ``values`` (see ``cells_json``)."""
        row = ParsedRow(number=number, cells=self.cells_of(values) if keep_cells else {})
        if len(values) > self.width:
            extra = [cell_text(v) for v in values[self.width :] if cell_text(v).strip()]
            if extra:
                raise RowRejected(
                    f"The row has {self.width + len(extra)} or more cells but the header row "
                    f"has {self.width} columns (extra: {extra[0][:40]!r})"
                )
        parsed: dict[str, Any] = {}
        count = len(values)
        for target, column, i, fmt, cache in self.plan:
            raw = values[i] if i < count else None
            if cache is None:
                text = cell_text(raw)
                if not text.strip():
                    if target.required:
                        raise RowRejected(f"{target.label} (column {column!r}) is empty")
                    continue
                parsed[target.name] = self._value(target, column, raw, text, fmt)
                continue
            # bool/int/float keys of equal value (True == 1 == 1.0) must not share an entry.
            key = raw if type(raw) is str else (type(raw), raw)
            value = cache.get(key, _MISS)
            if value is _MISS:
                value = self._cached_value(target, column, raw, fmt)
                if len(cache) < _CACHE_LIMIT:
                    cache[key] = value
            if value.__class__ is _Refusal:
                raise RowRejected(value.reason)
            if value is _BLANK:
                continue
            parsed[target.name] = value
        self._assemble(row, parsed)
        row.content_hash = content_hash(row)
        return row

    def _cached_value(
        self, target: TargetField, column: str, raw: Any, fmt: ColumnFormat | None
    ) -> Any:
        """What one cell parses to, or a _Refusal / _BLANK marker, so that it can be cached."""
        text = cell_text(raw)
        if not text.strip():
            if target.required:
                return _Refusal(f"{target.label} (column {column!r}) is empty")
            return _BLANK
        try:
            return self._value(target, column, raw, text, fmt)
        except RowRejected as exc:
            return _Refusal(str(exc))

    def cells_json(self, values: Sequence[Any]) -> str:
        """``json.dumps(self.cells_of(values))`` for a row as wide as the header, without the
        dict: one string template filled with the encoded cells."""
        if len(values) != self.width:
            return json.dumps(self.cells_of(values))
        if self._cells_template is None:
            self._cells_template = (
                "{" + ", ".join(_encode(h).replace("%", "%%") + ": %s" for h in self.headers) + "}"
            )
        try:
            return self._cells_template % tuple(map(_encode, values))  # CSV: every cell a str
        except TypeError:
            return self._cells_template % tuple(map(self._encoded_cell, values))

    def _encoded_cell(self, value: Any) -> str:
        """A workbook cell as JSON text; typed cells (dates, times, numbers) are remembered."""
        if type(value) is str:
            return _encode(value)  # type: ignore[no-any-return]
        key = (type(value), value)
        found = self._typed_cells.get(key)
        if found is None:
            found = _encode(cell_text(value))
            if len(self._typed_cells) < _CACHE_LIMIT:
                self._typed_cells[key] = found
        return found  # type: ignore[no-any-return]

    def _value(
        self, target: TargetField, column: str, raw: Any, text: str, fmt: ColumnFormat | None
    ) -> Any:
        where = f"{target.label} (column {column!r})"
        try:
            if target.type in _LONDON_DATE_TYPES:
                if fmt is None:
                    raise ValueError(f"{text[:40]!r} is not a date")
                value = parse_date_cell(raw, fmt)
                return _local_day(value) if target.type == "date" else value
            if target.type == "time":
                return parse_time_cell(raw)
        except ValueError as exc:
            raise RowRejected(f"{where}: {exc}") from None
        if target.type == "flag":
            flag = parse_flag(text)
            if flag is None:
                raise RowRejected(f"{where}: {text[:40]!r} is not a yes/no value")
            return flag
        if target.type == "employment":
            employment = normalise_employment(text)
            if employment is None:
                raise RowRejected(
                    f"{where}: {text[:40]!r} is not permanent, bank or agency employment"
                )
            return employment
        if target.type == "choice":
            return normalise_choice(target, text)
        if target.type in ("staff", "person", "role"):
            return " ".join(text.split())
        return text  # free text stays exactly as written (escaping is the template's job)

    def _assemble(self, row: ParsedRow, parsed: dict[str, Any]) -> None:
        when = parsed.pop(self.when, None)
        at = parsed.pop("time", None)
        if self.kind == "rota" and when is not None:
            start, end = parsed.pop("start"), parsed.pop("end")
            row.occurred_at, row.ends_at = shift_span(_local_day(when), start, end)
            row.occurred_on = _local_day(when)
            row.fields["start"], row.fields["end"] = start.isoformat(), end.isoformat()
        elif when is not None:
            if at is not None and isinstance(when, datetime):
                when = when.date()
            row.occurred_at = _utc_of(when, at)
            row.occurred_on = _local_day(when)
            if at is not None:
                row.fields["time"] = at.isoformat()
            elif not isinstance(when, datetime):
                row.fields["all_day"] = True
        if when is not None and self.when != "occurred_at":
            row.fields[self.when] = _local_day(when).isoformat()
        row.staff_name = parsed.pop("staff", None)
        row.person_ref = parsed.pop("person", None)
        row.text = parsed.pop("text", "")
        row.concern = bool(parsed.pop("concern", False))
        if row.staff_name:
            row.fields["staff"] = row.staff_name
        if row.person_ref:
            row.fields["person"] = row.person_ref
        for name, value in parsed.items():
            row.fields[name] = value.isoformat() if isinstance(value, date | time) else value


def content_hash(row: ParsedRow) -> str:
    """SHA-256 of the row's parsed, normalised values.

    Built from what the cells MEAN (UTC times, normalised names, whitespace-collapsed text), not
    from their spelling, so the same row in a later overlapping export (CSV or workbook, another
    date style) has the same hash whatever the file. Unmapped columns do not count.
    """
    fields = row.fields
    staff = normalise_name(row.staff_name) if row.staff_name else None
    occurred_at, occurred_on, ends_at = row.occurred_at, row.occurred_on, row.ends_at
    parts = [
        occurred_at.isoformat() if occurred_at else "",
        occurred_on.isoformat() if occurred_on else "",
        ends_at.isoformat() if ends_at else "",
        " ".join(row.text.split()),
        "1" if row.concern else "0",
    ]
    for key in sorted(fields):
        value = staff if key == "staff" and staff is not None else fields[key]
        parts.append(f"{key}={' '.join(value.split()) if isinstance(value, str) else value!r}")
    # Joined with the unit separator, which real exports do not contain (json.dumps here cost a
    # third of the import's time).
    blob = "\x1f".join(parts)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
