"""Source rows -> the parsed values of evidence rows, or a clear reason a row cannot be used.

``RowParser`` knows what a cell of each target field means (dates in the column's detected
format, flags, employment words, choices, names); ``columns`` applies that to a batch of rows a
column at a time and builds the fields and content hashes. Pure: no database. The importer
resolves staff and people afterwards and does the writing; the fix-and-retry of a row needing
attention runs exactly this parsing again, as a batch of one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz

from rca.evidence.columns import (
    BLANK,
    CACHE_LIMIT,
    ParsedBatch,
    Refusal,
    Step,
    parse_columns,
)
from rca.evidence.dates import ColumnFormat, parse_date_cell, parse_time_cell
from rca.evidence.kinds import (
    EMPLOYMENT_WORDS,
    FLAG_FALSE,
    FLAG_TRUE,
    KIND_FIELDS,
    WHEN_FIELD,
)
from rca.evidence.mapping import normalise_header
from rca.evidence.reading import cell_text
from rca.evidence.table import SourceRow
from rca.evidence.target_fields import TargetField

_LONDON_DATE_TYPES = ("datetime", "date")
_CACHED_TYPES = frozenset(
    {"datetime", "date", "time", "flag", "employment", "choice", "staff", "person", "role"}
)
# The json module's own C string encoder: exactly what json.dumps writes for a str.
_encode = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


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
        #: Each mapped field, in schema order. Columns of dates, times, flags, names and choices
        #: repeat a few hundred distinct cells over a whole file, so each distinct cell is parsed
        #: once (free text is not cached).
        self.steps = [
            Step(
                f,
                mapping[f.name],
                index[mapping[f.name]],
                formats.get(mapping[f.name]),
                {} if f.type in _CACHED_TYPES else None,
            )
            for f in KIND_FIELDS[kind]
            if f.name in mapping
        ]
        self.when = WHEN_FIELD.get(kind, "occurred_at")
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

    def parse_batch(self, rows: Sequence[SourceRow]) -> ParsedBatch:
        """Every row of ``rows`` parsed, or refused with the column and the reason."""
        return parse_columns(self.kind, self.when, self.width, self.steps, rows, self._parse_cell)

    def parse(self, number: int, values: Sequence[Any], *, keep_cells: bool = True) -> ParsedRow:
        """One row, parsed exactly as in a batch; RowRejected names the column and the reason
        when it cannot be used. ``keep_cells=False`` leaves ``row.cells`` empty."""
        batch = self.parse_batch([SourceRow(number, tuple(values))])
        if batch.rejected:
            raise RowRejected(batch.rejected[0][2])
        return ParsedRow(
            number=number,
            occurred_at=batch.occurred_at[0],
            occurred_on=batch.occurred_on[0],
            ends_at=batch.ends_at[0],
            staff_name=batch.staff[0],
            person_ref=batch.person[0],
            text=batch.text[0],
            concern=batch.concern[0],
            fields=json.loads(batch.fields_json[0]),
            cells=self.cells_of(values) if keep_cells else {},
            content_hash=batch.hashes[0],
        )

    def _parse_cell(self, step: Step, raw: Any) -> Any:
        """What one cell of a cached column parses to, or a Refusal / BLANK marker."""
        target = step.target
        text = cell_text(raw)
        if not text.strip():
            reason = target.blank_refusal(step.column)
            return BLANK if reason is None else Refusal(reason)
        try:
            return self._value(target, step.column, raw, text, step.fmt)
        except RowRejected as exc:
            return Refusal(str(exc))

    def cells_json(self, rows: Sequence[Sequence[Any]]) -> list[str]:
        """``json.dumps(self.cells_of(cells))`` of each row's cells, without the dicts: for rows
        as wide as the header, one string template filled with the cells encoded a column at a
        time."""
        if not rows:
            return []
        if set(map(len, rows)) != {self.width}:
            return [json.dumps(self.cells_of(cells)) for cells in rows]
        template = (
            "{" + ", ".join(_encode(h).replace("%", "%%") + ": %s" for h in self.headers) + "}"
        )
        encoded = [
            # CSV: every cell a str; workbooks: typed cells too.
            map(_encode, column)
            if set(map(type, column)) <= {str}
            else map(self._encoded_cell, column)
            for column in zip(*rows, strict=True)
        ]
        return [template % cells for cells in zip(*encoded, strict=True)]

    def _encoded_cell(self, value: Any) -> str:
        """A workbook cell as JSON text; typed cells (dates, times, numbers) are remembered."""
        if type(value) is str:
            return _encode(value)  # type: ignore[no-any-return]
        key = (type(value), value)
        found = self._typed_cells.get(key)
        if found is None:
            found = _encode(cell_text(value))
            if len(self._typed_cells) < CACHE_LIMIT:
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
                return (
                    value.date() if target.type == "date" and isinstance(value, datetime) else value
                )
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
