"""Contributory-factor frameworks: the bones of a review's fishbone.

Each review chooses one framework; its categories are the bones. The category lists come from:

- ``care-default``: the domain reading of how adult social care providers run root cause reviews
  (training gaps, workload pressure, unclear guidance, supervision quality, environment, systems
  reliability, communication, weak governance, and the person's own needs).
- ``npsa``: the NPSA/NPSF contributory factors classification (National Patient Safety Agency,
  "Seven steps to patient safety", 2004, and its Root Cause Analysis toolkit): patient,
  individual (staff), task, communication, team and social, education and training, equipment
  and resources, working conditions, organisational and strategic factors.
- ``london-protocol``: the London Protocol (Taylor-Adams and Vincent, 2004; Vincent et al.'s
  framework of contributory factors): patient, task and technology, individual (staff), team,
  work environment, organisational and management, institutional context factors.
- ``yorkshire``: the Yorkshire Contributory Factors Framework (Lawton et al., BMJ Quality &
  Safety 2012): situational (individual, team, task characteristics, patient), local working
  conditions (workload and staffing, leadership supervision and roles, drugs equipment and
  supplies, lines of responsibility, management of staff and staffing levels), organisational
  (physical environment, support from central functions, scheduling and bed management, staff
  training and education, policies and procedures), communication systems, external policy
  context, and safety culture.
- ``seips``: the SEIPS 2.0 work system (Holden et al., Ergonomics 2013): person(s), tasks, tools
  and technology, organisation, internal environment, external environment.

``areas`` names which of the five areas the ``staff-error-tested`` guidance rule needs examined
(supervision, training, workload and staffing, communication and handover, management oversight)
a category covers. ``concepts`` are broader shared keys (the areas plus "person", "staff",
"task", "equipment", "environment", "policy", "external", "culture", "team") that let a cause
move between frameworks: a cause goes to the one target category sharing the most concepts with
its own, and when no single category is best the switch asks rather than guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The five areas ``staff-error-tested`` needs examined, with the words people use for them.
AREAS: dict[str, str] = {
    "supervision": "Supervision",
    "training": "Training and induction",
    "workload": "Workload and staffing",
    "communication": "Communication and handover",
    "oversight": "Management oversight",
}


@dataclass(frozen=True)
class Category:
    """One bone: a contributory-factor category."""

    key: str
    label: str
    areas: frozenset[str] = frozenset()
    #: What the category asks about, for the hint beside the bone in the outline.
    description: str = ""
    #: Shared keys with other frameworks' categories (includes ``areas``); see the module doc.
    concepts: frozenset[str] = field(default=frozenset())

    @property
    def links(self) -> frozenset[str]:
        return self.concepts | self.areas


@dataclass(frozen=True)
class Framework:
    key: str
    label: str
    source: str
    categories: tuple[Category, ...]

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    @property
    def labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.categories}


def _c(
    key: str, label: str, areas: str = "", concepts: str = "", description: str = ""
) -> Category:
    return Category(key, label, frozenset(areas.split()), description, frozenset(concepts.split()))


CARE_DEFAULT = Framework(
    "care-default",
    "Adult social care (default)",
    "The domain reading on root cause reviews in adult social care",
    (
        _c(
            "staffing",
            "Staffing and workload",
            "workload",
            "",
            "Numbers on shift, skill mix, agency and bank use, workload pressure.",
        ),
        _c(
            "training",
            "Training and induction",
            "training",
            "staff",
            "Training in date, induction (agency staff included), competence checks.",
        ),
        _c(
            "supervision",
            "Supervision",
            "supervision",
            "",
            "Supervision held and followed up, practice observed, support sought.",
        ),
        _c(
            "guidance",
            "Guidance, policy and thresholds",
            "",
            "policy task",
            "Procedures, escalation thresholds, ownership written down and known.",
        ),
        _c(
            "communication",
            "Communication and handover",
            "communication",
            "team",
            "Handover, records passed on, families heard, messages between teams.",
        ),
        _c(
            "environment",
            "Environment",
            "",
            "environment",
            "Lighting, layout, noise, the building and its maintenance.",
        ),
        _c(
            "equipment",
            "Equipment and recording systems",
            "",
            "equipment",
            "Equipment, the care recording system, alerts and prompts, MAR.",
        ),
        _c(
            "governance",
            "Governance and oversight",
            "oversight",
            "culture",
            "Audits, management review, provider oversight, learning acted on.",
        ),
        _c(
            "person",
            "Factors of the person supported",
            "",
            "person",
            "The person's health, needs, wishes and changes in risk.",
        ),
    ),
)

NPSA = Framework(
    "npsa",
    "NPSA contributory factors",
    "National Patient Safety Agency, Seven steps to patient safety and Root Cause Analysis "
    "toolkit (2004): contributory factors classification",
    (
        _c("patient", "Patient factors", "", "person"),
        _c("individual", "Individual (staff) factors", "", "staff"),
        _c("task", "Task factors", "", "task policy"),
        _c("communication", "Communication factors", "communication"),
        _c("team", "Team and social factors", "supervision", "team"),
        _c("education", "Education and training factors", "training"),
        _c("equipment", "Equipment and resources factors", "", "equipment"),
        _c("working-conditions", "Working condition factors", "workload", "environment"),
        _c(
            "organisational",
            "Organisational and strategic factors",
            "oversight",
            "culture external",
        ),
    ),
)

LONDON = Framework(
    "london-protocol",
    "London Protocol",
    "Taylor-Adams and Vincent, Systems analysis of clinical incidents: the London Protocol "
    "(2004), framework of contributory factors",
    (
        _c("patient", "Patient factors", "", "person"),
        _c("task-technology", "Task and technology factors", "", "task policy equipment"),
        _c("individual", "Individual (staff) factors", "training", "staff"),
        _c("team", "Team factors", "communication supervision", "team"),
        _c("work-environment", "Work environment factors", "workload", "environment"),
        _c("organisational", "Organisational and management factors", "oversight", "culture"),
        _c("institutional", "Institutional context factors", "", "external"),
    ),
)

YORKSHIRE = Framework(
    "yorkshire",
    "Yorkshire Contributory Factors Framework",
    "Lawton et al., Development of an evidence-based framework of factors contributing to "
    "patient safety incidents in hospital settings, BMJ Quality & Safety 2012",
    (
        _c("individual", "Individual factors", "", "staff"),
        _c("team", "Team factors", "", "team"),
        _c("task", "Task characteristics", "", "task"),
        _c("patient", "Patient factors", "", "person"),
        _c("workload-staffing", "Workload and staffing issues", "workload"),
        _c("leadership", "Leadership, supervision and roles", "supervision"),
        _c("equipment", "Drugs, equipment and supplies", "", "equipment"),
        _c("responsibility", "Lines of responsibility", "", "policy"),
        _c("staff-management", "Management of staff and staffing levels", "oversight"),
        _c("physical-environment", "Physical environment", "", "environment"),
        _c("central-functions", "Support from central functions", "", ""),
        _c("scheduling", "Scheduling and bed management", "", ""),
        _c("training", "Staff training and education", "training"),
        _c("policies", "Policies and procedures", "", "policy"),
        _c("communication", "Communication systems", "communication"),
        _c("external", "External policy context", "", "external"),
        _c("safety-culture", "Safety culture", "", "culture"),
    ),
)

SEIPS = Framework(
    "seips",
    "SEIPS 2.0 work system",
    "Holden et al., SEIPS 2.0: a human factors framework for studying and improving the work "
    "of healthcare professionals and patients, Ergonomics 2013",
    (
        _c("persons", "Person(s)", "", "person staff"),
        _c("tasks", "Tasks", "", "task"),
        _c("tools", "Tools and technology", "", "equipment"),
        _c(
            "organisation",
            "Organisation",
            "supervision training workload communication oversight",
            "policy team culture",
        ),
        _c("internal-environment", "Internal environment", "", "environment"),
        _c("external-environment", "External environment", "", "external"),
    ),
)

FRAMEWORKS: dict[str, Framework] = {
    f.key: f for f in (CARE_DEFAULT, NPSA, LONDON, YORKSHIRE, SEIPS)
}
DEFAULT_FRAMEWORK = "care-default"


def map_category(category: str, source: Framework, target: Framework) -> str | None:
    """Where a cause on ``category`` of ``source`` goes in ``target``, or None to ask.

    Same key and same meaning first (both frameworks have "communication"); otherwise the one
    target category sharing the most (areas counting double, then concepts). A tie or nothing
    shared answers None.
    """
    if source.key == target.key:
        return category
    own = source.category(category)
    if own is None:
        return None
    same = target.category(category)
    if same is not None and same.links & own.links:
        return same.key
    # The five areas weigh double: they are what the guidance needs examined.
    scored = sorted(
        (
            (2 * len(c.areas & own.areas) + len(c.concepts & own.concepts), c.key)
            for c in target.categories
        ),
        reverse=True,
    )
    best, key = scored[0]
    if best == 0 or (len(scored) > 1 and scored[1][0] == best):
        return None
    return key


def to_default(category: str, framework: Framework) -> str | None:
    """The default framework's category for this one (for the vocabulary), or None."""
    return map_category(category, framework, FRAMEWORKS[DEFAULT_FRAMEWORK])
