"""The CQC single assessment framework's quality statements, as data.

Five key questions, 34 quality statements, named as CQC names them in the single assessment
framework for health and social care. Keys (``safe.learning-culture``) are ours and stable: tags,
the admin mapping and the API store and answer them, so a statement's wording may be corrected
here without touching stored data. The order is CQC's, and every list and export follows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rca.validation import FieldErrors

KEY_QUESTIONS: dict[str, str] = {
    "safe": "Safe",
    "effective": "Effective",
    "caring": "Caring",
    "responsive": "Responsive",
    "well-led": "Well-led",
}


class QualityStatement(NamedTuple):
    key: str
    label: str

    @property
    def key_question(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def key_question_label(self) -> str:
        return KEY_QUESTIONS[self.key_question]


_BY_QUESTION: dict[str, tuple[tuple[str, str], ...]] = {
    "safe": (
        ("learning-culture", "Learning culture"),
        ("safe-systems-pathways-transitions", "Safe systems, pathways and transitions"),
        ("safeguarding", "Safeguarding"),
        ("involving-people-to-manage-risks", "Involving people to manage risks"),
        ("safe-environments", "Safe environments"),
        ("safe-effective-staffing", "Safe and effective staffing"),
        ("infection-prevention-control", "Infection prevention and control"),
        ("medicines-optimisation", "Medicines optimisation"),
    ),
    "effective": (
        ("assessing-needs", "Assessing needs"),
        ("evidence-based-care", "Delivering evidence-based care and treatment"),
        ("staff-teams-services-work-together", "How staff, teams and services work together"),
        ("supporting-healthier-lives", "Supporting people to live healthier lives"),
        ("monitoring-improving-outcomes", "Monitoring and improving outcomes"),
        ("consent-to-care", "Consent to care and treatment"),
    ),
    "caring": (
        ("kindness-compassion-dignity", "Kindness, compassion and dignity"),
        ("treating-people-as-individuals", "Treating people as individuals"),
        ("independence-choice-control", "Independence, choice and control"),
        ("responding-to-immediate-needs", "Responding to people’s immediate needs"),
        ("workforce-wellbeing", "Workforce wellbeing and enablement"),
    ),
    "responsive": (
        ("person-centred-care", "Person-centred care"),
        ("care-provision-integration-continuity", "Care provision, integration and continuity"),
        ("providing-information", "Providing information"),
        ("listening-involving-people", "Listening to and involving people"),
        ("equity-in-access", "Equity in access"),
        ("equity-in-experiences-outcomes", "Equity in experiences and outcomes"),
        ("planning-for-the-future", "Planning for the future"),
    ),
    "well-led": (
        ("shared-direction-culture", "Shared direction and culture"),
        ("capable-compassionate-leaders", "Capable, compassionate and inclusive leaders"),
        ("freedom-to-speak-up", "Freedom to speak up"),
        ("workforce-edi", "Workforce equality, diversity and inclusion"),
        ("governance-management-sustainability", "Governance, management and sustainability"),
        ("partnerships-communities", "Partnerships and communities"),
        ("learning-improvement-innovation", "Learning, improvement and innovation"),
        (
            "environmental-sustainability",
            "Environmental sustainability – sustainable development",
        ),
    ),
}

#: Every statement by key, in CQC's order.
STATEMENTS: dict[str, QualityStatement] = {
    f"{question}.{slug}": QualityStatement(f"{question}.{slug}", label)
    for question, items in _BY_QUESTION.items()
    for slug, label in items
}
_ORDER = {key: i for i, key in enumerate(STATEMENTS)}


def in_order(keys: Iterable[str]) -> list[str]:
    """Known keys, once each, in CQC's order (unknown keys are dropped: see ``check_keys``)."""
    return sorted({k for k in keys if k in STATEMENTS}, key=_ORDER.__getitem__)


def label(key: str) -> str:
    return STATEMENTS[key].label if key in STATEMENTS else key


def check_keys(keys: Iterable[str], field: str = "statements") -> list[str]:
    """The keys in CQC's order, or FieldErrors naming the first that is not a quality statement."""
    cleaned = [str(k).strip() for k in keys if str(k).strip()]
    unknown = [k for k in cleaned if k not in STATEMENTS]
    if unknown:
        raise FieldErrors(
            {
                field: f"{unknown[0][:64]} is not a CQC quality statement: use a key such as "
                "safe.learning-culture (the list is under “Quality statements”)."
            }
        )
    return in_order(cleaned)
