"""Privacy by default: people supported as their review pseudonym, staff by role, everywhere.

One ``Pseudonymiser`` per report. Structured fields (an event's person or staff member) are
replaced by id; every free text (cause text, evidence excerpts, notes, action text) goes through
``text()``, which replaces the names and references of the service's people and staff registers
and records each replacement (original → replacement, where) for the reviewer's preview. What it
cannot be sure of (a capitalised word after "Mrs" that is in no register, a near miss of a register
name, a reference-like code it does not know) is flagged for the reviewer before issue.

Modes: the default (people and staff replaced), ``staff_names`` (the provider's recorded choice:
staff by name, people supported still pseudonymised) and ``full_names`` (the internal version:
nothing replaced; access-controlled by the caller).
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from markupsafe import escape
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.provider.models import PersonSupported, StaffMember
from rca.reviews.models import Review
from rca.reviews.scope import pseudonym_for

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")
_TITLE_WORD = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+([A-Z][a-z][\w'-]*)")
_REFERENCE_LIKE = re.compile(r"\b[A-Z]{1,3}-?\d{3,6}\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")
#: Near-miss threshold (rapidfuzz ratio, 0-100) for flagging a possible misspelt name.
FUZZY_AT = 80


@dataclass(frozen=True)
class Replacement:
    original: str
    replacement: str
    kind: str  # "person-name" | "person-reference" | "staff-name"


@dataclass(frozen=True)
class Flag:
    word: str
    where: str
    reason: str


@dataclass
class _Term:
    pattern: str
    replacement: str
    kind: str
    case_sensitive: bool


@dataclass
class Pseudonymiser:
    staff_names: bool = False
    full_names: bool = False
    person_labels: dict[int, str] = field(default_factory=dict)
    staff_labels: dict[int, str] = field(default_factory=dict)
    #: Every replacement made, with where it was made (for the preview).
    made: dict[Replacement, list[str]] = field(default_factory=lambda: defaultdict(list))
    flags: list[Flag] = field(default_factory=list)
    _terms: list[_Term] = field(default_factory=list)
    _regex: re.Pattern[str] | None = None
    _lookup: dict[str, _Term] = field(default_factory=dict)
    _name_tokens: list[str] = field(default_factory=list)
    _known_words: set[str] = field(default_factory=set)
    _known_refs: set[str] = field(default_factory=set)
    _flagged: set[tuple[str, str]] = field(default_factory=set)
    #: First names two or more staff share: left in the text, and flagged where they appear.
    _ambiguous: set[str] = field(default_factory=set)

    @property
    def mode(self) -> str:
        if self.full_names:
            return "full-names"
        return "staff-names" if self.staff_names else "pseudonymised"

    # --- structured fields ----------------------------------------------------------------------
    def person(
        self, person_id: int | None, fallback: str | None = None, where: str = "a person field"
    ) -> str | None:
        if person_id is None:
            return self.text(fallback, where) if fallback else None
        label = self.person_labels.get(person_id, fallback)
        self._record(fallback, label, "person-reference", where)
        return label

    def staff(
        self, staff_id: int | None, fallback: str | None = None, where: str = "a staff field"
    ) -> str | None:
        if staff_id is None:
            return self.text(fallback, where) if fallback else None
        label = self.staff_labels.get(staff_id, fallback)
        self._record(fallback, label, "staff-name", where)
        return label

    def _record(self, original: str | None, label: str | None, kind: str, where: str) -> None:
        if original and label and original != label:
            self.made[Replacement(original, label, kind)].append(where)

    # --- free text --------------------------------------------------------------------------
    def text(self, value: str | None, where: str) -> str:
        """``value`` with every register name and reference replaced; uncertain words flagged."""
        if not value:
            return ""
        out = value
        if self._regex is not None:

            def swap(match: re.Match[str]) -> str:
                found = " ".join(match.group(0).split())
                term = self._lookup.get(found) or self._lookup.get(found.casefold())
                if term is None:
                    return found
                self.made[Replacement(found, term.replacement, term.kind)].append(where)
                return term.replacement

            out = self._regex.sub(swap, value)
        if not self.full_names:
            self._flag_uncertain(out, where)
        return out

    def svg(self, svg: str | None, where: str) -> str | None:
        """An SVG from another area's pure function with its text nodes and labels pseudonymised
        (the picture is drawn from the raw data; its words are what a reader sees)."""
        if not svg or self.full_names:
            return svg

        def node(match: re.Match[str]) -> str:
            return ">" + str(escape(self.text(html.unescape(match.group(1)), where))) + "<"

        def attr(match: re.Match[str]) -> str:
            value = str(escape(self.text(html.unescape(match.group(2)), where)))
            return f'{match.group(1)}="{value}"'

        svg = re.sub(r">([^<]+)<", node, svg)
        return re.sub(r'\b(aria-label|data-text|data-label)="([^"]*)"', attr, svg)

    def _flag_uncertain(self, text: str, where: str) -> None:
        for match in _TITLE_WORD.finditer(text):
            word = match.group(1)
            if word not in self._known_words and word != "Person":
                self._flag(match.group(0), where, "a name after a title, in no register")
        for match in _REFERENCE_LIKE.finditer(text):
            code = match.group(0)
            if code.casefold() not in self._known_refs:
                self._flag(code, where, "looks like a reference, not in the people register")
        for word in self._ambiguous:
            if re.search(rf"\b{re.escape(word)}\b", text):
                self._flag(word, where, "a first name several staff share: say who, or reword")
        if not self._name_tokens:
            return
        for match in _CAPITALISED.finditer(text):
            word = match.group(0)
            if word in self._known_words:
                continue
            best = process.extractOne(
                word, self._name_tokens, scorer=fuzz.ratio, score_cutoff=FUZZY_AT
            )
            if best is not None and best[0] != word:
                self._flag(word, where, f"close to a register name ({best[0]}, {best[1]:.0f}%)")

    def _flag(self, word: str, where: str, reason: str) -> None:
        if (word, where) in self._flagged:
            return
        self._flagged.add((word, where))
        self.flags.append(Flag(word, where, reason))

    # --- the preview ------------------------------------------------------------------------
    def preview(self) -> list[dict[str, object]]:
        """Every distinct replacement with how often and where (first few places)."""
        rows = []
        for rep, wheres in sorted(
            self.made.items(), key=lambda kv: (kv[0].replacement, kv[0].original)
        ):
            places = list(dict.fromkeys(wheres))
            rows.append(
                {
                    "original": rep.original,
                    "replacement": rep.replacement,
                    "kind": rep.kind,
                    "count": len(wheres),
                    "where": places[:6],
                    "more": max(0, len(places) - 6),
                }
            )
        return rows

    # --- building the terms -----------------------------------------------------------------
    def add_term(self, pattern: str, replacement: str, kind: str, case_sensitive: bool) -> None:
        pattern = " ".join(pattern.split())
        if len(pattern) < 2:
            return
        self._terms.append(_Term(pattern, replacement, kind, case_sensitive))

    def compile(self) -> None:
        if not self._terms:
            return
        # Longest first: "Edith Brown" before "Edith"; exact (case-sensitive) terms win ties.
        terms = sorted(self._terms, key=lambda t: (-len(t.pattern), not t.case_sensitive))
        parts = []
        for t in terms:
            key = t.pattern if t.case_sensitive else t.pattern.casefold()
            if key in self._lookup:
                continue
            self._lookup[key] = t
            body = r"\s+".join(re.escape(w) for w in t.pattern.split())
            parts.append(body if t.case_sensitive else f"(?i:{body})")
        self._regex = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?!\w)")


def staff_role_labels(staff: list[StaffMember]) -> dict[int, str]:
    """ "Care Worker 2, agency": numbered per role (only where two or more share it), in the
    register's order, so the same person has the same label through the whole report."""
    by_role: dict[str, list[StaffMember]] = defaultdict(list)
    for member in staff:
        by_role[(member.role or "Staff member").strip() or "Staff member"].append(member)
    labels = {}
    for role, members in by_role.items():
        for n, member in enumerate(members, start=1):
            label = f"{role} {n}" if len(members) > 1 else role
            if member.employment in ("agency", "bank"):
                label += f", {member.employment}"
            labels[member.id] = label
    return labels


def _name_parts(name: str) -> tuple[str, str] | None:
    words = name.split()
    if len(words) < 2:
        return None
    return words[0], words[-1]


def for_review(
    session: Session, review: Review, *, staff_names: bool = False, full_names: bool = False
) -> Pseudonymiser:
    """The pseudonymiser of one review's report, from its service's registers."""
    p = Pseudonymiser(staff_names=staff_names, full_names=full_names)
    people = session.scalars(
        select(PersonSupported)
        .where(PersonSupported.service_id == review.service_id)
        .order_by(PersonSupported.id)
    ).all()
    staff = session.scalars(
        select(StaffMember)
        .where(StaffMember.service_id == review.service_id)
        .order_by(StaffMember.id)
    ).all()
    in_scope = {link.person_id: link.pseudonym for link in review.people}
    used = set(in_scope.values())
    index = 0
    for person in people:
        label = in_scope.get(person.id)
        if label is None:
            # Someone outside the scope who is mentioned still gets a pseudonym of their own.
            while pseudonym_for(index) in used:
                index += 1
            label = pseudonym_for(index)
            used.add(label)
        p.person_labels[person.id] = (person.name or person.reference) if full_names else label
    scope_order = {link.staff_id: i for i, link in enumerate(review.staff)}
    ordered = sorted(staff, key=lambda m: (scope_order.get(m.id, len(scope_order)), m.id))
    roles = staff_role_labels(ordered)
    for member in staff:
        p.staff_labels[member.id] = member.name if (staff_names or full_names) else roles[member.id]
    p._known_refs = {person.reference.casefold() for person in people}
    if full_names:
        return p
    first_names = Counter(parts[0] for m in staff if (parts := _name_parts(m.name)) is not None)
    for person in people:
        label = p.person_labels[person.id]
        p.add_term(person.reference, label, "person-reference", case_sensitive=False)
        if person.name:
            _add_name(p, person.name, label, "person-name", first_unique=True)
    if not staff_names:
        for member in ordered:
            unique = first_names[(_name_parts(member.name) or ("",))[0]] == 1
            _add_name(p, member.name, roles[member.id], "staff-name", first_unique=unique)
    p._ambiguous = {name for name, n in first_names.items() if n > 1} if not staff_names else set()
    for term in p._terms:
        p._known_words.update(term.pattern.split())
    p._known_words.update(w for label in p.person_labels.values() for w in label.split())
    p._name_tokens = sorted(
        {
            w
            for t in p._terms
            if t.kind != "person-reference"
            for w in t.pattern.split()
            if len(w) >= 4 and w not in TITLES
        }
    )
    p.compile()
    return p


def _add_name(p: Pseudonymiser, name: str, label: str, kind: str, *, first_unique: bool) -> None:
    p.add_term(name, label, kind, case_sensitive=False)
    parts = _name_parts(name)
    if parts is None:
        p.add_term(name, label, kind, case_sensitive=True)
        return
    first, last = parts
    for title in TITLES:
        p.add_term(f"{title} {last}", label, kind, case_sensitive=True)
        p.add_term(f"{title}. {last}", label, kind, case_sensitive=True)
    # A first name alone is replaced only when one register entry has it: "Amy" could be
    # either of two Amys, so it is flagged by the fuzzy check's register words instead.
    if first_unique:
        p.add_term(first, label, kind, case_sensitive=True)
    p.add_term(last, label, kind, case_sensitive=True)
