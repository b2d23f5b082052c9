"""Parsing a cause's fields from a form or the API into plain values, field by field.

Each helper records its message under the field's name in ``errors`` (or raises FieldErrors),
so a form shows every problem at once and the API names the field at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.models import EvidenceRow
from rca.reviews.models import Review
from rca.validation import MAX_ID, FieldErrors, parse_int, parse_text

MAX_TEXT = 500


def _text(raw: Any, errors: dict[str, str]) -> str | None:
    try:
        return parse_text(raw, label="Cause", max_len=MAX_TEXT)
    except ValueError as exc:
        errors["text"] = str(exc)
        return None


def _choice(
    raw: Any,
    choices: Mapping[str, str],
    field: str,
    label: str,
    errors: dict[str, str],
    *,
    optional: bool = False,
) -> str | None:
    value = str(raw or "").strip()
    if not value and optional:
        return None
    if value not in choices:
        allowed = ", ".join(f"{k} ({v})" for k, v in choices.items())
        errors[field] = f"{label} must be one of: {allowed}."
        return None
    return value


def _optional_id(raw: Any, field: str, label: str, errors: dict[str, str]) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return parse_int(raw, label=label, minimum=1, maximum=MAX_ID)
    except ValueError as exc:
        errors[field] = str(exc)
        return None


def _version(raw: Any) -> int:
    try:
        return parse_int(raw, label="Version", minimum=1, maximum=MAX_ID)
    except ValueError as exc:
        raise FieldErrors({"version": str(exc)}) from None


def _evidence_ids(raw: Any) -> list[int]:
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list | tuple | set) else [raw]
    out: list[int] = []
    for item in items:
        try:
            out.append(parse_int(item, label="Evidence id", minimum=1, maximum=MAX_ID))
        except ValueError as exc:
            raise FieldErrors({"evidence_ids": str(exc)}) from None
    return sorted(set(out))


def _check_evidence(session: Session, review: Review, ids: list[int]) -> None:
    """Every id names evidence of this review; the message is the same for another review's
    evidence and for none at all, so nothing about other reviews leaks."""
    if not ids:
        return
    found = set(
        session.scalars(
            select(EvidenceRow.id).where(
                EvidenceRow.review_id == review.id, EvidenceRow.id.in_(ids)
            )
        )
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise FieldErrors({"evidence_ids": f"Evidence #{missing[0]} is not part of this review."})
