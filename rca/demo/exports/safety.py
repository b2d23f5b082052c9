"""Demo reviews about safety: medication omissions, a fall linked to poor lighting, a lunchtime
near miss and a failed medication audit."""

from __future__ import annotations

from datetime import timedelta

from rca.demo.exports import logs, records
from rca.demo.exports.records import Context, at
from rca.demo.exports.reviews import D, DemoFile, put_on_shift

OMISSIONS = [
    (D(2026, 6, 14), 17, "OAK-P-011", "Chidi Eze"),
    (D(2026, 7, 5), 17, "OAK-P-031", "Rosa Fernandes"),
    (D(2026, 8, 2), 22, "OAK-P-011", "Zoë Barker"),
    (D(2026, 8, 29), 17, "OAK-P-031", "Chidi Eze"),
]


def medication_omissions(ctx: Context) -> list[DemoFile]:
    permanent = [n for n, _, emp in ctx.carers() if emp != "agency"]
    mar = records.mar(ctx, ["OAK-P-011", "OAK-P-031"], permanent)
    rota = records.rota(ctx, agency_evenings=1)
    incidents = logs.incidents(ctx, 3)
    for day, hour, person, name in OMISSIONS:
        for r in mar:
            if r["scheduled"] == at(day, hour) and r["person"] == person:
                r.update(given=None, code="O", staff=name)
        put_on_shift(rota, ctx, day, "late", name)
        incidents.append(
            {
                "at": at(day + timedelta(days=1), 8, 20),
                "staff": "Lucy Evans",
                "person": person,
                "type": "Medication",
                "severity": "Low",
                "text": f"{hour}:00 dose on {day:%d/%m} not given; MAR coded O "
                f"with no reason. Round done by agency staff.",
            }
        )
    training = records.training(ctx, {n: ("Medication Competency",) for n in ctx.agency()})
    return [
        DemoFile("emarx", mar, ("unreadable-time",), 1),
        DemoFile("shiftplan", rota),
        DemoFile("learnpoint", training),
        DemoFile("safelog", incidents),
    ]


def fall_poor_lighting(ctx: Context) -> list[DemoFile]:
    rota = records.rota(ctx)
    put_on_shift(rota, ctx, D(2026, 9, 20), "night", "Marek Nowak")
    incidents = logs.incidents(ctx, 3) + [
        {
            "at": at(D(2026, 9, 21), 2, 10),
            "staff": "Marek Nowak",
            "person": "OAK-P-018",
            "type": "Fall",
            "severity": "Moderate",
            "text": "Found on the floor in the first-floor "
            "corridor outside room 12 on the way to the bathroom. Two ceiling lights out.\n"
            "Graze to right knee, hip pain; 111 called, ambulance attended.",
        },
    ]
    calls = logs.communication(ctx, 5) + [
        {
            "at": at(D(2026, 8, 31), 7, 45),
            "staff": "Patrick Nolan",
            "person": None,
            "method": "Email",
            "direction": "Outgoing",
            "contact": "Maintenance",
            "text": "Two ceiling lights out in the first-floor corridor (rooms 11-12).",
        },
        {
            "at": at(D(2026, 9, 9), 10, 5),
            "staff": "Lucy Evans",
            "person": None,
            "method": "Phone",
            "direction": "Outgoing",
            "contact": "Maintenance",
            "text": "Chased the corridor lights; told the parts are on order.",
        },
        {
            "at": at(D(2026, 9, 21), 8, 30),
            "staff": "Sarah Mitchell",
            "person": "OAK-P-018",
            "method": "Phone",
            "direction": "Outgoing",
            "contact": "Son",
            "text": "Told him of the fall at 02:10 and the hospital visit.",
        },
    ]
    handover = logs.handover(ctx, 8) + [
        {
            "at": at(day, 7, 15),
            "shift": "Night",
            "staff": "Patrick Nolan",
            "person": None,
            "text": "Corridor lights upstairs still out; torches used on checks.",
        }
        for day in (D(2026, 9, 2), D(2026, 9, 10), D(2026, 9, 17))
    ]
    audits = logs.audits(ctx, 2) + [
        {
            "on": D(2026, 9, 1),
            "audit": "Environment audit",
            "staff": "Amira Hussain",
            "score": 78,
            "text": "Corridor lighting: 2 lights out on the first floor.",
            "action": "Maintenance to repair",
        },
    ]
    minutes = logs.governance(ctx, 2) + [
        {
            "on": D(2026, 9, 15),
            "meeting": "Health and safety",
            "item": "Maintenance backlog: first-floor corridor lights",
            "text": "Lighting repairs to be prioritised.",
            "staff": "Jamal Ahmed",
            "due": D(2026, 9, 18),
        },
    ]
    return [
        DemoFile("riskregister", incidents),
        DemoFile("contactlog", calls),
        DemoFile("handover-book", handover),
        DemoFile("rotaboard", rota),
        DemoFile("audit-tool", audits),
        DemoFile("minutes", minutes),
    ]


def lunchtime_near_miss(ctx: Context) -> list[DemoFile]:
    mar = records.mar(ctx, ["RIV-P-108", "RIV-P-124"], [n for n, *_ in ctx.carers()])
    for r in mar:  # MedsRound writes outcomes in words
        r["code"] = {"A": "Given", "R": "Refused"}[r["code"]]
        if r["scheduled"] == at(D(2026, 11, 9), 12) and r["person"] == "RIV-P-124":
            r.update(given=at(D(2026, 11, 9), 13, 10).time(), code="Given (late)")
    # Two earlier lunchtime near misses in the same log: with the reviewed one, three of one
    # type at RIV within 18 days, the demo's near-miss pattern (rca/governance/near_miss.py).
    incidents = logs.incidents(ctx, 3) + [
        {
            "at": at(D(2026, 10, 23), 12, 40),
            "staff": "Ryan Bell",
            "person": "RIV-P-113",
            "type": "Near miss",
            "severity": "No harm",
            "text": "Lunchtime blister pack for another person picked up at the office; noticed "
            "at the door before anything was given.",
        },
        {
            "at": at(D(2026, 11, 2), 12, 55),
            "staff": "Owen Parry",
            "person": "RIV-P-108",
            "type": "Near miss",
            "severity": "No harm",
            "text": "Lunch visit dropped from the run sheet after a rota change; the office rang "
            "at 12:30 and the dose was given on time.",
        },
        {
            "at": at(D(2026, 11, 9), 13, 5),
            "staff": "Ioana Popescu",
            "person": "RIV-P-124",
            "type": "Near miss",
            "severity": "No harm",
            "text": "Lunch visit moved to 14:00 on the "
            "rota; the 12:00 dose would have been missed. Second carer saw it and went at 13:00.",
        },
    ]
    return [
        DemoFile("medsround", mar),
        DemoFile("safelog", incidents),
        DemoFile("carelog", records.care_notes(ctx, 5)),
    ]


def medication_audit(ctx: Context) -> list[DemoFile]:
    mar = records.mar(ctx, ["WIL-P-005", "WIL-P-009"], [n for n, *_ in ctx.carers()])
    evenings = [r for r in mar if r["scheduled"].hour >= 17 and r["scheduled"].day % 6 == 0]
    for r in evenings[:14]:  # gaps: nothing signed, nothing coded
        r.update(given=None, code=None, staff=None)
    audits = logs.audits(ctx, 2) + [
        {
            "on": D(2026, 11, 18),
            "audit": "Quarterly medication audit",
            "staff": "Hannah Price",
            "score": 71,
            "text": "14 gaps in MAR records (no signature or code), all evening rounds.",
            "action": "Daily MAR check at handover",
        },
    ]
    return [
        DemoFile("audit-tool", audits),
        DemoFile("emarx", mar),
        DemoFile("minutes", logs.governance(ctx, 3)),
        DemoFile("carelog-plans", logs.care_plan_changes(ctx, 5)),
    ]
