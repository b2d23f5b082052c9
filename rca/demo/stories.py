"""The demo's reviews, each told as the steps demo users took, on the days they took them.

They follow the worked examples in the domain reading (repeated missed care-plan updates, agency
staff on evening shifts, delayed safeguarding escalation, medication omissions, a fall linked to
poor lighting, a near miss, a family complaint, an audit failure), so the demo shows the kind of
review a registered manager actually runs. All names are invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    """One thing a demo user did to a review, on a given day (``YYYY-MM-DD HH:MM``, UK time)."""

    at: str
    actor: str
    #: "create", "triage", "depth", "terms" or "stage".
    action: str
    data: dict[str, Any] = field(default_factory=dict)


def _stages(actor: str, *moves: tuple[str, str]) -> list[Step]:
    return [Step(at, actor, "stage", {"stage": stage}) for at, stage in moves]


# Each review: its service, the triage form as typed, and the steps that brought it to its stage.
REVIEWS: list[dict[str, Any]] = [
    {
        "service": "WIL",
        "triage": {
            "title": "Care plans not updated after changes in risk or family feedback",
            "trigger": "pattern",
            "occurred_on": "2026-02-27",
            "severity": "low",
            "people_affected": 3,
        },
        "steps": [
            Step("2026-03-02 09:40", "daniel.okafor", "create"),
            Step("2026-03-02 10:05", "daniel.okafor", "stage", {"stage": "scope"}),
            Step(
                "2026-03-04 14:20",
                "hannah.price",
                "terms",
                {
                    "question": "Why were changes in risk and family feedback not reflected in "
                    "care plans between formal reviews?",
                    "period_start": "2025-12-01",
                    "period_end": "2026-02-27",
                    "baseline_issue": "Care plans were updated after formal reviews but not after "
                    "daily changes in risk or family feedback; the February audit found 6 of 14 "
                    "identified changes still missing after 10 working days.",
                    "target_measure": "identified changes reflected in care plans within 5 "
                    "working days, with staff briefed before the next support delivery",
                    "target_threshold": "95",
                    "target_period_weeks": "12",
                    "lead": "hannah.price",
                    "panel": ["daniel.okafor", "joanne.price"],
                    "staff": ["Hannah Price", "Aisha Begum", "Sam Turner", "Ellie Robinson"],
                    "people": "WIL-P-004, WIL-P-009, WIL-P-012",
                },
            ),
            *_stages(
                "hannah.price",
                ("2026-03-09 11:00", "evidence"),
                ("2026-03-23 15:30", "analysis"),
                ("2026-04-06 10:15", "actions"),
                ("2026-04-20 16:45", "report"),
            ),
            *_stages("daniel.okafor", ("2026-05-05 09:10", "monitoring")),
            *_stages("tom.whitfield", ("2026-08-03 12:00", "closed")),
        ],
    },
    {
        "service": "OAK",
        "triage": {
            "title": "Agency staff not knowing people's routines on evening shifts",
            "trigger": "pattern",
            "occurred_on": "2026-05-18",
            "severity": "low",
            "people_affected": 4,
        },
        "steps": [
            Step("2026-05-20 08:55", "sarah.mitchell", "create"),
            Step("2026-05-20 09:10", "sarah.mitchell", "stage", {"stage": "scope"}),
            Step(
                "2026-05-21 13:30",
                "sarah.mitchell",
                "terms",
                {
                    "question": "Why do agency staff on evening shifts not know people's "
                    "routines, and what in induction and handover allows it?",
                    "period_start": "2026-04-01",
                    "period_end": "2026-05-18",
                    "baseline_issue": "Repeated concerns that agency staff did not know people's "
                    "routines on evening shifts: 5 complaints and 3 incidents in April and May, "
                    "all on shifts with two or more agency workers.",
                    "target_measure": "positive shift feedback on agency induction checks, with "
                    "fewer incidents linked to unfamiliar staff",
                    "target_threshold": "90",
                    "target_period_weeks": "8",
                    "lead": "sarah.mitchell",
                    "panel": ["amira.hussain", "tom.whitfield"],
                    "staff": ["Karen Whitlock", "Amira Hussain", "Chidi Eze", "Rosa Fernandes"],
                    "people": "OAK-P-007, OAK-P-014, OAK-P-022, OAK-P-027",
                },
            ),
            *_stages(
                "amira.hussain",
                ("2026-05-26 10:00", "evidence"),
                ("2026-06-08 14:00", "analysis"),
                ("2026-06-22 11:30", "actions"),
            ),
            *_stages(
                "sarah.mitchell", ("2026-07-06 16:00", "report"), ("2026-07-20 09:30", "monitoring")
            ),
        ],
    },
    {
        "service": "RIV",
        "triage": {
            "title": "Low-level safeguarding concerns in visit notes not escalated promptly",
            "trigger": "safeguarding-concern",
            "occurred_on": "2026-07-14",
            "severity": "moderate",
            "people_affected": 2,
            "safeguarding": True,
            "notified": True,
        },
        "steps": [
            Step("2026-07-15 09:20", "grace.adeyemi", "create"),
            Step("2026-07-15 09:45", "grace.adeyemi", "stage", {"stage": "scope"}),
            Step(
                "2026-07-17 15:10",
                "joanne.price",
                "terms",
                {
                    "question": "Why were safeguarding indicators recorded in visit notes not "
                    "escalated to a manager on the day?",
                    "period_start": "2026-05-01",
                    "period_end": "2026-07-14",
                    "baseline_issue": "Low-level concerns (unexplained bruising, missed meals, "
                    "a family member's behaviour) were written in visit notes but reached a "
                    "manager between 2 and 9 days later.",
                    "target_measure": "safeguarding indicators reviewed by management within 1 "
                    "working day",
                    "target_threshold": "100",
                    "target_period_weeks": "12",
                    "lead": "joanne.price",
                    "panel": ["grace.adeyemi", "kwame.mensah"],
                    "staff": ["Joanne Price", "Kwame Mensah", "Ryan Bell", "Owen Parry"],
                    "people": "RIV-P-113, RIV-P-130",
                },
            ),
            *_stages(
                "joanne.price",
                ("2026-07-22 10:30", "evidence"),
                ("2026-08-12 14:15", "analysis"),
                ("2026-09-02 11:00", "actions"),
                ("2026-10-14 16:20", "report"),
            ),
        ],
    },
    {
        "service": "OAK",
        "triage": {
            "title": "Repeated medication omissions on shifts covered by agency staff",
            "trigger": "incident",
            "occurred_on": "2026-08-29",
            "severity": "low",
            "people_affected": 1,
            "repeats_12m": 0,
        },
        "steps": [
            Step("2026-09-01 10:10", "amira.hussain", "create"),
            # The MAR audit found earlier omissions, so the repeat count is corrected on re-triage.
            Step(
                "2026-09-02 09:05",
                "amira.hussain",
                "triage",
                {"repeats_12m": 3, "people_affected": 2},
            ),
            Step("2026-09-02 09:20", "amira.hussain", "stage", {"stage": "scope"}),
            Step(
                "2026-09-03 14:00",
                "amira.hussain",
                "terms",
                {
                    "question": "Why are doses omitted on shifts covered by agency staff, and "
                    "what in MAR practice and induction allows it?",
                    "period_start": "2026-06-01",
                    "period_end": "2026-08-29",
                    "baseline_issue": "Four missed doses in three months, all on shifts where the "
                    "medication round was given by agency staff unfamiliar with the home's MAR "
                    "process and the eMAR prompts.",
                    "target_measure": "medication rounds with no unexplained omission on the "
                    "weekly MAR audit",
                    "target_threshold": "98",
                    "target_period_weeks": "8",
                    "lead": "amira.hussain",
                    "panel": ["sarah.mitchell", "lucy.evans"],
                    "staff": ["Lucy Evans", "Chidi Eze", "Rosa Fernandes", "Patrick Nolan"],
                    "people": "OAK-P-011, OAK-P-031",
                },
            ),
            *_stages(
                "amira.hussain",
                ("2026-09-08 09:00", "evidence"),
                ("2026-09-29 15:40", "analysis"),
                ("2026-10-19 11:25", "actions"),
            ),
        ],
    },
    {
        "service": "OAK",
        "triage": {
            "title": "Fall in the first-floor corridor at night linked to poor lighting",
            "trigger": "incident",
            "occurred_on": "2026-09-21",
            "severity": "moderate",
            "people_affected": 1,
        },
        "steps": [
            Step("2026-09-22 08:30", "sarah.mitchell", "create"),
            Step(
                "2026-09-22 08:45",
                "sarah.mitchell",
                "depth",
                {
                    "depth": "full-rca",
                    "reason": "Two corridor lights had been reported faulty for three weeks; "
                    "the cause may sit in the maintenance process and apply at every site, so "
                    "the review includes an environmental audit across all services.",
                },
            ),
            Step("2026-09-22 09:00", "sarah.mitchell", "stage", {"stage": "scope"}),
            Step(
                "2026-09-24 11:15",
                "sarah.mitchell",
                "terms",
                {
                    "question": "Why was the corridor poorly lit at night, and why were the "
                    "reported faults not fixed?",
                    "period_start": "2026-08-24",
                    "period_end": "2026-09-21",
                    "baseline_issue": "A resident fell at 02:10 in the first-floor corridor; two "
                    "ceiling lights there were logged as faulty on 31/08 and not repaired.",
                    "target_measure": "reported lighting faults in corridors and bedrooms "
                    "repaired within 2 working days",
                    "target_threshold": "95",
                    "target_period_weeks": "12",
                    "lead": "sarah.mitchell",
                    "panel": ["amira.hussain", "tom.whitfield"],
                    "staff": ["Patrick Nolan", "Jamal Ahmed", "Marek Nowak"],
                    "people": "OAK-P-018",
                },
            ),
            *_stages(
                "sarah.mitchell",
                ("2026-09-28 10:00", "evidence"),
                ("2026-10-26 14:30", "analysis"),
            ),
        ],
    },
    {
        "service": "WIL",
        "triage": {
            "title": "Family complaint about missed evening support and poor communication",
            "trigger": "complaint",
            "occurred_on": "2026-10-12",
            "severity": "low",
            "people_affected": 1,
        },
        "steps": [
            Step("2026-10-13 11:00", "hannah.price", "create"),
            Step("2026-10-13 11:20", "hannah.price", "stage", {"stage": "scope"}),
            Step(
                "2026-10-15 16:05",
                "hannah.price",
                "terms",
                {
                    "question": "Why was the agreed evening support visit missed twice, and why "
                    "did the family hear about it from the person rather than the service?",
                    "period_start": "2026-09-14",
                    "period_end": "2026-10-12",
                    "baseline_issue": "The family complained that evening support was missed on "
                    "two occasions in October and that no one from the service told them.",
                    "target_measure": "planned evening support sessions delivered as agreed, "
                    "with families told the same day when a session changes",
                    "target_threshold": "98",
                    "target_period_weeks": "8",
                    "lead": "hannah.price",
                    "panel": ["daniel.okafor"],
                    "staff": ["Liam Hughes", "Gabriela Silva", "Tom Reid"],
                    "people": "WIL-P-015",
                },
            ),
            *_stages("hannah.price", ("2026-10-19 09:30", "evidence")),
        ],
    },
    {
        "service": "RIV",
        "triage": {
            "title": "Missed lunchtime dose caught before administration",
            "trigger": "near-miss",
            "occurred_on": "2026-11-09",
            "severity": "no-harm",
            "people_affected": 2,
        },
        "steps": [
            Step("2026-11-10 10:40", "grace.adeyemi", "create"),
            Step(
                "2026-11-10 10:55",
                "grace.adeyemi",
                "depth",
                {
                    "depth": "learning-review",
                    "reason": "Caught by the second care worker before any dose was missed and "
                    "no harm resulted; a short learning review is proportionate, with the "
                    "near-miss log checked for a wider pattern.",
                },
            ),
            Step("2026-11-10 11:05", "grace.adeyemi", "stage", {"stage": "scope"}),
        ],
    },
    {
        "service": "WIL",
        "triage": {
            "title": "Quarterly medication audit failed: gaps in MAR records",
            "trigger": "audit-failure",
            "occurred_on": "2026-11-18",
            "severity": "no-harm",
            "people_affected": 1,
        },
        "steps": [Step("2026-11-19 15:15", "daniel.okafor", "create")],
    },
]
