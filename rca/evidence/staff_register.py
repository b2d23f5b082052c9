"""The service's staff register and people-supported register, as imports see them.

Staff are matched on their normalised name (case, spacing and "Surname, First" order do not
matter; accents and initials DO). A name that only nearly matches someone already known ("Zoe" /
"Zoë", "J. Smith" / "John Smith") becomes a new register entry plus a StaffMatchSuggestion for a
person to decide: two real colleagues can share a surname and an initial, so nothing is merged
silently. People supported are matched by their care-system reference within the service.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.models import StaffMatchSuggestion
from rca.provider.models import PersonSupported, StaffMember

#: token_sort_ratio (0-100) of accent-folded names at or above which a suggestion is made.
SUGGEST_THRESHOLD = 88.0


@lru_cache(maxsize=4096)  # rows repeat the same few dozen names
def normalise_name(name: str) -> str:
    """The exact-match key: ``" Smith,  John "`` -> ``"john smith"``; accents are kept."""
    text = unicodedata.normalize("NFC", name).strip()
    if text.count(",") == 1:
        surname, _, first = text.partition(",")
        if surname.strip() and first.strip():
            text = f"{first} {surname}"
    return " ".join(text.replace(",", " ").casefold().split())


def folded_name(name: str) -> str:
    """For resemblance only: accents and punctuation dropped ("Zoë O'Neil" -> "zoe oneil")."""
    decomposed = unicodedata.normalize("NFKD", normalise_name(name))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() or c.isspace() else "" for c in letters).split())


def resemblance(a: str, b: str) -> float:
    """0-100: how likely two different spellings name the same person."""
    fa, fb = folded_name(a), folded_name(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 100.0
    ta, tb = fa.split(), fb.split()
    # "J Smith" / "John Smith": same surname, one first name is the other's initial.
    if len(ta) >= 2 and len(tb) >= 2 and ta[-1] == tb[-1]:
        first_a, first_b = ta[0], tb[0]
        if (len(first_a) == 1 or len(first_b) == 1) and first_a[0] == first_b[0]:
            return 90.0
    return float(fuzz.token_sort_ratio(fa, fb))


class StaffRegister:
    """The staff of one service, loaded once per import and kept in step as names are added."""

    def __init__(self, session: Session, service_id: int, *, write: bool):
        self.session = session
        self.service_id = service_id
        self.write = write
        self.by_key: dict[str, StaffMember] = {}
        self.suggestions = 0
        for member in session.scalars(
            select(StaffMember).where(StaffMember.service_id == service_id).order_by(StaffMember.id)
        ):
            self.by_key.setdefault(normalise_name(member.name), member)

    def find(self, name: str) -> StaffMember | None:
        """The register entry whose normalised name matches exactly, if any."""
        return self.by_key.get(normalise_name(name))

    def resolve(
        self,
        name: str,
        *,
        role: str | None = None,
        employment: str | None = None,
        start_date: date | None = None,
    ) -> int | None:
        """The staff id for ``name``, adding it (with near-miss suggestions) when new.

        Details fill only blanks on an existing entry: a rota's "Agency" never rewrites what the
        HR list said. Without ``write`` (a dry run) an unknown name resolves to None.
        """
        key = normalise_name(name)
        if not key:
            return None
        member = self.by_key.get(key)
        if member is not None:
            if self.write:
                if role and not member.role:
                    member.role = role[:120]
                if start_date and not member.start_date:
                    member.start_date = start_date
            return member.id
        if not self.write:
            return None
        member = StaffMember(service_id=self.service_id, name=" ".join(name.split())[:200])
        member.role = role[:120] if role else None
        if employment:
            member.employment = employment
        member.start_date = start_date
        self.session.add(member)
        self.session.flush()
        self._suggest(member)
        self.by_key[key] = member
        return member.id

    def _suggest(self, new: StaffMember) -> None:
        for existing in self.by_key.values():
            score = resemblance(new.name, existing.name)
            if score >= SUGGEST_THRESHOLD:
                self.session.add(
                    StaffMatchSuggestion(
                        service_id=self.service_id,
                        staff_id=new.id,
                        candidate_id=existing.id,
                        score=round(score, 1),
                    )
                )
                self.suggestions += 1


class PeopleRegister:
    """People supported at one service, matched by reference; unknown references are added."""

    def __init__(self, session: Session, service_id: int, *, write: bool):
        self.session = session
        self.service_id = service_id
        self.write = write
        self.by_reference: dict[str, int] = dict(
            session.execute(
                select(PersonSupported.reference, PersonSupported.id).where(
                    PersonSupported.service_id == service_id
                )
            ).all()
        )

    def resolve(self, reference: str) -> int | None:
        ref = reference.strip()[:64]
        if not ref:
            return None
        found = self.by_reference.get(ref)
        if found is not None or not self.write:
            return found
        person = PersonSupported(service_id=self.service_id, reference=ref)
        self.session.add(person)
        self.session.flush()
        self.by_reference[ref] = person.id
        return person.id
