"""The words that make a cause read as "staff error" and an action read as fixing one instance.

Kept in one place so the gate (refusing a conclusion), the rules (the panel) and their tests agree.
Both lists are deliberately about *wording*: the guidance does not forbid blaming a person, it
asks that the system around them was examined first (the domain reading: "avoid vague
conclusions such as 'staff error' unless the provider has tested supervision, training, workload,
communication and management oversight"), and that a root cause gets a change to the system, not
only a fix of the case in front of us ("a care plan may be updated, a staff member may be
reminded or an audit may be repeated, but the same risk can return").
"""

from __future__ import annotations

import re

#: Things people do (or fail to do) in care work; "failed to <one of these>" blames a person.
_DUTIES = (
    r"follow|read|check|record|sign|report|escalate|notice|spot|give|administer|complete|"
    r"update|tell|inform|hand ?over|pass on|document|chart|attend|respond|act|wash|use|"
    r"reposition|observe|monitor|ask|listen|lock|count"
)

#: Each pattern, case-insensitive, matched anywhere in a cause's text.
STAFF_ERROR_PATTERNS: tuple[str, ...] = (
    r"\b(staff|human|individual|user|operator|carer|care worker|nurse|personal|agency) errors?\b",
    r"\berrors? (by|of|from) (the |a |an )?(staff|carer|care worker|nurse|worker|employee|"
    r"colleague|agency)",
    r"\bforg[oe]t(ten)?\b",
    r"\bforgetful(ness)?\b",
    r"\bnot follow(ing|ed)? (the )?(policy|procedure|protocol|guidance|process|care plan)",
    r"\b(breach|disregard|ignor(ed|ing)) (of )?(the )?(policy|procedure|protocol)",
    r"\bcareless(ness|ly)?\b",
    r"\bnegligen(t|ce)\b",
    r"\b(lack of|poor) (attention|concentration|care and attention|diligence|effort)\b",
    r"\b(inattenti(ve|on)|complacen(t|cy)|laziness|lazy)\b",
    r"\bnot (paying|pay) attention\b",
    r"\bshould have (known|checked|noticed|read|reported)\b",
    r"\b(mistake|slip|lapse) (by|of|from) (the )?(staff|carer|worker|nurse|agency)",
    r"\b(staff|carer|worker|nurse)s?'? (mistake|slip|lapse|fault)\b",
    r"\bmisconduct\b",
)
_STAFF_ERROR = re.compile("|".join(f"(?:{p})" for p in STAFF_ERROR_PATTERNS), re.IGNORECASE)

#: "Did not / failed to <duty>" blames a person only when a person is its subject: "the carer
#: did not read the notes" does, "the app did not record the concern" does not.
OMISSION_PATTERN = (
    rf"\b(did ?n[o']?t|failed to|fails to|failing to|neglected to|omitted to|chose not to) "
    rf"({_DUTIES})\b"
)
_OMISSION = re.compile(OMISSION_PATTERN, re.IGNORECASE)
#: Subjects that make an omission the system's: tools, records, processes, the organisation.
_SYSTEM_SUBJECT = re.compile(
    r"\b(system|app|software|tool|e-?mar|mar|alert|prompt|form|sheet|template|record|rota|"
    r"process|procedure|policy|guidance|protocol|handover|audit|induction|training|supervision|"
    r"oversight|management|governance|service|provider|organisation|office|sensor|light|"
    r"equipment|checklist|plan)s?\b",
    re.IGNORECASE,
)


def _blames_a_person(text: str) -> bool:
    for match in _OMISSION.finditer(text):
        # The subject: the words before the omission, back to the start of the clause.
        before = re.split(r"[.;:,]|\b(?:and|but|because|so|when|as)\b", text[: match.start()])[-1]
        if not _SYSTEM_SUBJECT.search(before):
            return True
    return False


#: Wording of an action that fixes the instance in front of the review, not the system.
INSTANCE_ONLY_PATTERNS: tuple[str, ...] = (
    r"\bupdate (this|the|his|her|their|[a-z]+'s|person [a-z]{1,2}'s) (care |support )?plans?\b",
    r"\bupdate (the )?(care |support )?plans? (for|of) (person|this|the resident|him|her)",
    r"\bremind(er|ers|ing)? (to |for )?(all |the )?(staff|carers?|team|workers?|colleagues|"
    r"nurses?)\b",
    r"\bre-?audit\b",
    r"\b(repeat|redo|rerun) (the |this )?audit\b",
    r"\baudit (it |this )?again\b",
    r"\b(speak|talk) (to|with) (the )?(carer|staff member|worker|nurse|individual)\b",
    r"\bapologi[sz]e\b",
    r"\bre-?train (the |this )?(carer|staff member|worker|nurse|individual)\b",
    r"\b(correct|amend|fix) (the |this )?(record|entry|mar|note)s?\b",
    r"\bone-off\b",
)
_INSTANCE_ONLY = re.compile("|".join(f"(?:{p})" for p in INSTANCE_ONLY_PATTERNS), re.IGNORECASE)


def looks_like_staff_error(text: str | None) -> bool:
    """Whether a cause's wording puts it down to a person's error or omission."""
    text = text or ""
    return bool(_STAFF_ERROR.search(text)) or _blames_a_person(text)


def fixes_instance_only(text: str | None) -> bool:
    """Whether an action's wording only fixes this case (a plan, a reminder, a re-audit)."""
    return bool(_INSTANCE_ONLY.search(text or ""))
