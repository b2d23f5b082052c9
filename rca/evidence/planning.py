"""Settling how a file will be imported, before anything is written: the kind, the mapping (a
saved profile, the proposed one, or the user's), every mapped date column's format over the whole
column, and the date order of columns that read both ways. Anything that refuses the whole file
is raised here as ImportRefused."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from rca.evidence.dates import ColumnFormat, detect_column
from rca.evidence.kinds import KIND_FIELDS
from rca.evidence.mapping import find_profile, profile_named, profile_names, propose_mapping
from rca.evidence.models import KINDS, EvidenceImport, MappingProfile
from rca.evidence.reading import FileRefused, Table, cell_text
from rca.evidence.table import is_blank
from rca.reviews.models import Review

DATE_ORDERS = ("dmy", "mdy")


class ImportRefused(FileRefused):
    """The file cannot be imported as asked (unknown kind or profile, incomplete mapping, a date
    column that could be read two ways with no order given). str(exc) is one line."""


@dataclass
class ImportRequest:
    review: Review
    kind: str
    table: Table
    #: "auto", a profile NAME, an explicit {target: column} dict, or None (= "auto").
    mapping: str | dict[str, str] | None = None
    #: source column -> "dmy"|"mdy", for columns whose dates could be read either way.
    date_orders: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    user_id: int | None = None
    #: A queued EvidenceImport to fill in (background jobs create it first); else one is added.
    evidence_import: EvidenceImport | None = None


@dataclass
class ImportPlan:
    """What the file will be read with, settled before anything is written."""

    mapping: dict[str, str]
    formats: dict[str, ColumnFormat]
    date_orders: dict[str, str]
    profile: MappingProfile | None

    def options(self, headers: Sequence[str]) -> dict[str, Any]:
        return {
            "headers": list(headers),
            "formats": {
                column: {"kind": f.kind, "order": f.order, "description": f.description}
                for column, f in self.formats.items()
            },
            "date_orders": dict(self.date_orders),
        }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def resolve_mapping(
    session: Session, kind: str, table: Table, requested: str | dict[str, str] | None
) -> tuple[dict[str, str], MappingProfile | None]:
    """The mapping to use and the profile it came from (ImportRefused for an unknown name)."""
    if isinstance(requested, dict):
        return {k: v for k, v in requested.items() if v}, None
    if requested in (None, "", "auto"):
        profile = find_profile(session, kind, table.headers)
        if profile is not None:
            return dict(profile.mapping), profile
        return propose_mapping(kind, table), None
    profile = profile_named(session, kind, requested)
    if profile is None:
        names = ", ".join(repr(n) for n in profile_names(session, kind)) or "none saved"
        raise ImportRefused(
            _one_line(f"No {kind} mapping profile named {requested!r} (profiles: {names}).")
        )
    return dict(profile.mapping), profile


def check_mapping(kind: str, headers: Sequence[str], mapping: dict[str, str]) -> None:
    fields = {f.name: f for f in KIND_FIELDS[kind]}
    for target, column in mapping.items():
        if target not in fields:
            raise ImportRefused(
                _one_line(f"{kind} has no field {target!r} (fields: {', '.join(fields)}).")
            )
        if column not in headers:
            raise ImportRefused(
                _one_line(
                    f"The mapping sends {target} to column {column!r}, which the file does not "
                    f"have (columns: {', '.join(repr(h) for h in headers)})."
                )
            )
    missing = [f for f in fields.values() if f.required and f.name not in mapping]
    if missing:
        wanted = ", ".join(f"{f.name} ({f.label})" for f in missing)
        raise ImportRefused(
            _one_line(
                f"The mapping has no column for required field(s) {wanted}; columns in the file: "
                f"{', '.join(repr(h) for h in headers)}."
            )
        )


def column_formats(
    kind: str, table: Table, mapping: dict[str, str], date_orders: dict[str, str]
) -> dict[str, ColumnFormat]:
    """Each mapped date column's format, detected once over the WHOLE column."""
    index = {h: i for i, h in enumerate(table.headers)}
    formats: dict[str, ColumnFormat] = {}
    for target in KIND_FIELDS[kind]:
        if target.type not in ("datetime", "date") or target.name not in mapping:
            continue
        column = mapping[target.name]
        i = index[column]
        values = [row.cells[i] if i < len(row.cells) else None for row in table.rows]
        present = next((v for v in values if not is_blank(v)), None)
        if present is None:
            continue  # every cell blank: each row says so (required) or goes without a date
        fmt = detect_column(values)
        if fmt is None:
            raise ImportRefused(
                _one_line(
                    f"Column {column!r} (mapped to {target.label}) does not hold dates "
                    f"(first value: {cell_text(present)[:40]!r})."
                )
            )
        if fmt.ambiguous:
            order = date_orders.get(column)
            if order not in DATE_ORDERS:
                raise ImportRefused(
                    _one_line(
                        f"Column {column!r} could be read as DD/MM or MM/DD (no day is over 12): "
                        f"say which, e.g. --date-order '{column}=dmy'."
                    )
                )
            fmt = dataclasses.replace(fmt, order=order, ambiguous=False)
        formats[column] = fmt
    return formats


def plan_import(session: Session, req: ImportRequest) -> ImportPlan:
    """Everything that can refuse the whole file, checked before anything is written."""
    if req.kind not in KINDS:
        raise ImportRefused(_one_line(f"Unknown kind {req.kind!r} (kinds: {', '.join(KINDS)})."))
    mapping, profile = resolve_mapping(session, req.kind, req.table, req.mapping)
    check_mapping(req.kind, req.table.headers, mapping)
    orders = dict(profile.options.get("date_orders", {})) if profile else {}
    orders.update(req.date_orders)
    for column, order in orders.items():
        if order not in DATE_ORDERS:
            raise ImportRefused(f"Date order for {column!r} must be dmy or mdy, not {order!r}.")
    formats = column_formats(req.kind, req.table, mapping, orders)
    used = {c: o for c, o in orders.items() if c in formats}
    return ImportPlan(mapping, formats, used, profile)
