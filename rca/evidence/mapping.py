"""The column-mapping step: propose which source column feeds each target field (from header names
and the cells' content), and saved mapping profiles so a later file with the same headers is
mapped without asking."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.dates import detect_column
from rca.evidence.kinds import FLAG_FALSE, FLAG_TRUE, KIND_FIELDS
from rca.evidence.models import MappingProfile
from rca.evidence.reading import Table, cell_text
from rca.evidence.target_fields import TargetField

#: A header must score at least this (0-100) against a field's synonyms to be proposed.
PROPOSE_THRESHOLD = 80
#: Proposals look at this many cells of a column (detection for import reads the whole column).
CONTENT_SAMPLE = 200

_NOT_WORD = re.compile(r"[^0-9a-z?]+")


def normalise_header(header: str) -> str:
    """``"Entry Date/Time"`` -> ``"entry date time"``; ``"Concern?"`` keeps its question mark."""
    return " ".join(_NOT_WORD.sub(" ", header.casefold()).split())


def header_key(headers: Sequence[str]) -> str:
    """SHA-256 of the normalised header row: the same export layout gives the same key."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def header_score(field: TargetField, header: str) -> float:
    """How well a header name matches a field's synonyms (0-100)."""
    name = normalise_header(header)
    plain = name.replace("?", "").strip()
    best = 0.0
    for synonym in field.synonyms:
        syn = normalise_header(synonym)
        if syn in (name, plain):
            return 100.0
        # token_set: "Carer Name" still matches "carer"; slightly below an exact name.
        best = max(
            best,
            fuzz.ratio(plain, syn.replace("?", "").strip()),
            0.9 * fuzz.token_set_ratio(plain, syn),
        )
    return best


def _content_fit(field: TargetField, values: Sequence[Any]) -> float:
    """+10 when the cells look like the field's type, -40 when they plainly do not, else 0."""
    present = [v for v in values if cell_text(v).strip()]
    if not present:
        return 0.0
    if field.type in ("datetime", "date", "time"):
        fmt = detect_column(present)
        if fmt is None:
            return -40.0
        is_time = fmt.kind == "time"
        return 10.0 if is_time == (field.type == "time") else -40.0
    if field.type == "flag":
        # A stray "perhaps" must not lose the column: the row will be rejected, not the mapping.
        flags = FLAG_TRUE | FLAG_FALSE
        share = sum(cell_text(v).strip().casefold() in flags for v in present) / len(present)
        return 10.0 if share >= 0.8 else -40.0
    return 0.0


def propose_mapping(kind: str, table: Table) -> dict[str, str]:
    """target field -> source column, from header names and (a sample of) the cells' content.

    Each column feeds at most one field; the best-scoring pairs win. A required date field with
    no matching header takes the first unclaimed column whose content is dates.
    """
    fields = KIND_FIELDS[kind]
    sample = table.rows[:CONTENT_SAMPLE]
    columns = {
        i: [row.cells[i] if i < len(row.cells) else None for row in sample]
        for i in range(len(table.headers))
    }
    candidates: list[tuple[float, int, int]] = []
    for f_index, field in enumerate(fields):
        for c_index, header in enumerate(table.headers):
            score = header_score(field, header)
            if score < PROPOSE_THRESHOLD - 10:
                continue
            # Not capped: an exact header name whose cells fit beats a near name whose cells fit.
            score += _content_fit(field, columns[c_index])
            if score >= PROPOSE_THRESHOLD:
                candidates.append((score, -f_index, -c_index))
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for _score, neg_f, neg_c in sorted(candidates, reverse=True):
        field, c_index = fields[-neg_f], -neg_c
        if field.name in mapping or c_index in used:
            continue
        mapping[field.name] = table.headers[c_index]
        used.add(c_index)
    for field in fields:
        if field.required and field.name not in mapping and field.type in ("datetime", "date"):
            for c_index, header in enumerate(table.headers):
                if c_index not in used and _content_fit(field, columns[c_index]) > 0:
                    mapping[field.name] = header
                    used.add(c_index)
                    break
    # Keep the kind's field order so the JSON reads naturally.
    return {f.name: mapping[f.name] for f in fields if f.name in mapping}


def find_profile(session: Session, kind: str, headers: Sequence[str]) -> MappingProfile | None:
    """The most recent saved profile of this kind for exactly these headers, if any."""
    return session.scalars(
        select(MappingProfile)
        .where(MappingProfile.kind == kind, MappingProfile.header_key == header_key(headers))
        .order_by(MappingProfile.created_at.desc(), MappingProfile.id.desc())
    ).first()


def profile_named(session: Session, kind: str, name: str) -> MappingProfile | None:
    return session.scalars(
        select(MappingProfile).where(MappingProfile.kind == kind, MappingProfile.name == name)
    ).first()


def profile_names(session: Session, kind: str) -> list[str]:
    return list(
        session.scalars(
            select(MappingProfile.name)
            .where(MappingProfile.kind == kind)
            .order_by(MappingProfile.name)
        )
    )


def save_profile(
    session: Session,
    name: str,
    kind: str,
    headers: Sequence[str],
    mapping: dict[str, str],
    options: dict[str, Any],
    user_id: int | None,
) -> MappingProfile:
    """Create the profile, or replace the mapping of the one with this kind and name (flushed)."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ValueError("A mapping profile needs a name of 1 to 120 characters.")
    profile = profile_named(session, kind, name)
    if profile is None:
        profile = MappingProfile(name=name, kind=kind, created_by_id=user_id)
        session.add(profile)
    profile.headers = list(headers)
    profile.header_key = header_key(headers)
    profile.mapping = dict(mapping)
    profile.options = dict(options)
    session.flush()
    return profile
