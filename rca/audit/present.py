"""Audit entries as people read them: labelled fields, UK dates, Yes/No, names for user ids."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rca.audit.models import AuditEntry
from rca.db import LONDON

#: Bookkeeping columns that say nothing to a reader of the History pane.
HIDDEN_ON_CREATE = frozenset({"created_at", "created_by_id", "service_id", "review_id"})
#: Columns holding a user id, shown as the user's name.
USER_FIELDS = frozenset({"lead_id", "user_id", "created_by_id"})
LABELS = {
    "lead_id": "lead",
    "user_id": "user",
    "repeats_12m": "same type in last 12 months",
    "recommended_reasons": "reasons",
    "target_threshold": "target threshold (%)",
    "target_period_weeks": "target period (weeks)",
    "depth_override_reason": "override reason",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    entry: AuditEntry
    who: str
    verb: str
    changes: list[FieldChange]


def _show(value: Any, field: str, names: Mapping[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field in USER_FIELDS and isinstance(value, int):
        return names.get(value, f"user #{value}")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = str(value)
    if _ISO_DATE.match(text):
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    if _ISO_DATETIME.match(text):
        return datetime.fromisoformat(text).astimezone(LONDON).strftime("%d/%m/%Y %H:%M")
    return text


def user_ids_in(entries: Iterable[AuditEntry]) -> set[int]:
    ids: set[int] = set()
    for e in entries:
        if e.user_id:
            ids.add(e.user_id)
        for field, pair in (e.changes or {}).items():
            if field in USER_FIELDS:
                ids.update(v for v in pair if isinstance(v, int))
    return ids


def history_rows(entries: Iterable[AuditEntry], names: Mapping[int, str]) -> list[HistoryRow]:
    rows = []
    for e in entries:
        changes = []
        for field, (before, after) in (e.changes or {}).items():
            if e.action == "create" and field in HIDDEN_ON_CREATE:
                continue
            label = LABELS.get(field, field.replace("_", " "))
            changes.append(
                FieldChange(label, _show(before, field, names), _show(after, field, names))
            )
        verb = {"create": "Added", "update": "Changed", "delete": "Removed"}[e.action]
        who = names.get(e.user_id, "System") if e.user_id else "System"
        rows.append(HistoryRow(e, who, verb, changes))
    return rows
