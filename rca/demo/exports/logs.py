"""Background entries for the log-like kinds: incidents, handover, communication, feedback,
audits, governance minutes and care plan changes, spread over a context's period."""

from __future__ import annotations

from datetime import timedelta

from rca.demo.exports.records import Context, at
from rca.demo.exports.writing import Record

INCIDENTS = [
    ("Fall", "Low", "Found sitting on bedroom floor, no injury seen. Obs taken, GP informed."),
    ("Skin", "Low", "Small skin tear on left forearm noticed during personal care. Dressed."),
    ("Behaviour", "Low", "Became distressed after a phone call; reassured, settled with music."),
    ("Medication", "No harm", "MAR not signed for the 17:00 dose; dose confirmed given by carer."),
    ("Near miss", "No harm", "Wrong MAR chart picked up, noticed before anything was given."),
]
HANDOVER = [
    "All settled. Fluids charted. Nothing to pass on.",
    "Bowels not opened for 3 days, please monitor and record.",
    "Family visiting tomorrow at 11, please have room tidy.",
    "New cream started today (see MAR). Apply twice daily.",
    "Low mood this afternoon, ate little at tea. Encourage snacks.",
]
CALLS = [
    ("Phone", "Outgoing", "Daughter", "Updated on appointment and general wellbeing."),
    ("Phone", "Incoming", "GP surgery", "Repeat prescription ready for collection, pharmacy told."),
    ("Email", "Outgoing", "District nurse", "Asked for a review of pressure areas, visit booked."),
    ("Text", "Incoming", "Son", "Asked if his mum could have her hair done on Thursday."),
    ("Phone", "Outgoing", "Pharmacy", "Chased the missing Lactulose delivery."),
]
FEEDBACK = [
    ("Compliment", "Relative", "Thank you card for the care given over the summer.", "Shared"),
    ("Survey", "Person supported", "Happy with staff; would like more trips out.", "Noted"),
    ("Complaint", "Relative", "Laundry came back with another resident's name in it.", "Resolved"),
    ("Compliment", "Visiting professional", "Staff knew the resident's needs well.", "Shared"),
]
AUDITS = [
    ("Care plan audit", "Reviews in date; two risk assessments unsigned.", "Sign off by Friday"),
    ("Medication audit", "Stock counts correct; one MAR gap, explained.", "Discuss at meeting"),
    ("Infection control audit", "Sluice tidy; one hand gel dispenser empty.", "Refill and check"),
    ("Environment audit", "All areas clean; window restrictor loose in room 9.", "Maintenance"),
]
MEETINGS = [
    ("Clinical governance", "Falls review", "Continue monthly falls analysis."),
    ("Health and safety", "Maintenance log", "Faults to be logged on the day they are seen."),
    ("Team meeting", "Recording", "Daily notes to include what the person said in their words."),
    ("Quality meeting", "Audit results", "Action plans to be reviewed at next meeting."),
]
PLAN_SECTIONS = [
    ("Mobility", "Frame to be used at all times when walking.", "Formal review"),
    ("Nutrition", "Fortified diet, weigh weekly.", "Weight loss noted"),
    ("Personal care", "Prefers a shower in the evening.", "Person's request"),
    ("Communication", "Hearing aid in left ear, check battery daily.", "Formal review"),
]


def _spread(ctx: Context, count: int) -> list:
    """``count`` distinct days across the period, in order."""
    span = (ctx.end - ctx.start).days + 1
    offsets = sorted(ctx.rng.sample(range(span), min(count, span)))
    return [ctx.start + timedelta(days=o) for o in offsets]


def _name(ctx: Context) -> str:
    return ctx.rng.choice([n for n, *_ in ctx.carers()])


def incidents(ctx: Context, count: int = 6) -> list[Record]:
    out = []
    for day in _spread(ctx, count):
        kind, severity, text = ctx.rng.choice(INCIDENTS)
        out.append(
            {
                "at": at(day, ctx.rng.randrange(6, 23), ctx.rng.randrange(0, 60, 5)),
                "staff": _name(ctx),
                "person": ctx.rng.choice(ctx.people),
                "type": kind,
                "severity": severity,
                "text": text,
            }
        )
    return out


def handover(ctx: Context, count: int = 12) -> list[Record]:
    out = []
    for day in _spread(ctx, count):
        shift, hour = ctx.rng.choice((("Early", 14), ("Late", 21), ("Night", 7)))
        out.append(
            {
                "at": at(day, hour, 15),
                "shift": shift,
                "staff": _name(ctx),
                "person": ctx.rng.choice(ctx.people),
                "text": ctx.rng.choice(HANDOVER),
            }
        )
    return out


def communication(ctx: Context, count: int = 10) -> list[Record]:
    out = []
    for day in _spread(ctx, count):
        method, direction, contact, text = ctx.rng.choice(CALLS)
        out.append(
            {
                "at": at(day, ctx.rng.randrange(9, 18), ctx.rng.randrange(0, 60, 5)),
                "staff": ctx.rng.choice(ctx.managers() + [_name(ctx)]),
                "person": ctx.rng.choice(ctx.people),
                "method": method,
                "direction": direction,
                "contact": contact,
                "text": text,
            }
        )
    return out


def feedback(ctx: Context, count: int = 4) -> list[Record]:
    out = []
    for day in _spread(ctx, count):
        kind, source, text, outcome = ctx.rng.choice(FEEDBACK)
        out.append(
            {
                "on": day,
                "type": kind,
                "source": source,
                "person": ctx.rng.choice(ctx.people),
                "text": text,
                "outcome": outcome,
            }
        )
    return out


def audits(ctx: Context, count: int = 4) -> list[Record]:
    out = []
    for day in _spread(ctx, count):
        name, finding, action = ctx.rng.choice(AUDITS)
        out.append(
            {
                "on": day,
                "audit": name,
                "staff": ctx.rng.choice(ctx.managers()),
                "score": ctx.rng.randrange(82, 99),
                "text": finding,
                "action": action,
            }
        )
    return out


def governance(ctx: Context, count: int = 3) -> list[Record]:
    out = []
    for day in _spread(ctx, count):
        meeting, item, decision = ctx.rng.choice(MEETINGS)
        out.append(
            {
                "on": day,
                "meeting": meeting,
                "item": item,
                "text": decision,
                "staff": ctx.rng.choice(ctx.managers()),
                "due": day + timedelta(days=28),
            }
        )
    return out


def care_plan_changes(ctx: Context, count: int = 8) -> list[Record]:
    out = []
    for day in _spread(ctx, count):
        section, change, reason = ctx.rng.choice(PLAN_SECTIONS)
        out.append(
            {
                "at": at(day, ctx.rng.randrange(9, 17), ctx.rng.randrange(0, 60, 5)),
                "staff": ctx.rng.choice(ctx.managers()),
                "person": ctx.rng.choice(ctx.people),
                "section": section,
                "text": change,
                "reason": reason,
            }
        )
    return out
