"""Demo reviews about practice: care plans not updated, agency staff on evening shifts, a
delayed safeguarding escalation and a family complaint about missed evening support."""

from __future__ import annotations

from datetime import timedelta

from rca.demo.exports import logs, records
from rca.demo.exports.records import Context, at
from rca.demo.exports.reviews import D, DemoFile, note, working_days_after


def care_plans_not_updated(ctx: Context) -> list[DemoFile]:
    notes = records.care_notes(ctx, 4) + [
        note(
            D(2025, 12, 9),
            14,
            20,
            "Aisha Begum",
            "WIL-P-004",
            "Son visited, worried she is "
            "not drinking enough; asked for a fluid chart. Told him I'd pass it on.",
            True,
        ),
        note(
            D(2026, 1, 6),
            19,
            5,
            "Sam Turner",
            "WIL-P-009",
            "Near fall in the kitchen reaching "
            "for the kettle, I steadied him. Says his knees are worse.\nNot in the falls plan.",
            True,
        ),
        note(
            D(2026, 1, 21),
            10,
            30,
            "Liam Hughes",
            "WIL-P-012",
            "Daughter rang: GP diagnosed type 2 diabetes yesterday. Diet sheet left in the office.",
            False,
        ),
        note(
            D(2026, 2, 10),
            16,
            45,
            "Aisha Begum",
            "WIL-P-004",
            "Fluids low again (about 600ml). Still no fluid chart in her folder.",
            True,
        ),
    ]
    plans = logs.care_plan_changes(ctx, 6) + [
        {
            "at": at(D(2026, 2, 16), 11, 0),
            "staff": "Hannah Price",
            "person": "WIL-P-012",
            "section": "Nutrition",
            "text": "Diabetic diet added; GP letter of 20/01 filed.",
            "reason": "Formal review",
        },
    ]
    feedback = logs.feedback(ctx, 3) + [
        {
            "on": D(2026, 1, 22),
            "type": "Complaint",
            "source": "Relative",
            "person": "WIL-P-012",
            "text": "Asked why the care plan still has no diabetic diet "
            "two days after she told staff.",
            "outcome": "Apologised; plan to be updated",
        },
    ]
    audits = logs.audits(ctx, 2) + [
        {
            "on": D(2026, 2, 24),
            "audit": "Care plan audit",
            "staff": "Hannah Price",
            "score": 57,
            "text": "6 of 14 changes seen in daily notes or family feedback were not in the care "
            "plan after 10 working days.",
            "action": "Update within 5 working days; brief staff",
        },
    ]
    return [
        DemoFile("carelog", notes, ("impossible-date", "unreadable-time"), 1),
        DemoFile("carelog-plans", plans),
        DemoFile("feedback-tracker", feedback),
        DemoFile("audit-tool", audits),
    ]


def agency_evenings(ctx: Context) -> list[DemoFile]:
    agency = ("Chidi Eze", "Rosa Fernandes", "Zoë Barker")
    missing = {n: ("Induction (Care Certificate)",) for n in agency}
    training = records.training(ctx, missing)
    for r in training:  # LearnPoint drops accents: the register will suggest "Zoe" = "Zoë".
        r["staff"] = r["staff"].replace("Zoë", "Zoe")
    incidents = logs.incidents(ctx, 3) + [
        {
            "at": at(D(2026, 4, 16), 19, 40),
            "staff": "Chidi Eze",
            "person": "OAK-P-014",
            "type": "Behaviour",
            "severity": "Low",
            "text": "Distressed when an agency carer "
            "offered help with her evening wash; she prefers a female carer (in care plan).",
        },
        {
            "at": at(D(2026, 5, 2), 20, 15),
            "staff": "Rosa Fernandes",
            "person": "OAK-P-022",
            "type": "Fall",
            "severity": "Low",
            "text": "Found on floor by bed; walking frame had "
            "been put out of reach. No injury seen.",
        },
        {
            "at": at(D(2026, 5, 14), 18, 50),
            "staff": "Zoë Barker",
            "person": "OAK-P-027",
            "type": "Choking",
            "severity": "Moderate",
            "text": "Given a standard sandwich; he is on "
            "a soft diet (IDDSI 6). Coughing, recovered with back blows.",
        },
    ]
    complaints = [
        (
            D(2026, 4, 9),
            "OAK-P-007",
            "Mum was put to bed at 19:30, far earlier than she likes, and "
            "not offered her usual cocoa.",
        ),
        (D(2026, 4, 23), "OAK-P-014", "Evening carer did not know she needs a female carer."),
        (D(2026, 4, 30), "OAK-P-022", "Dad's frame was out of reach again in the evening."),
        (D(2026, 5, 7), "OAK-P-027", "Staff on the evening shift did not know his diet."),
        (D(2026, 5, 16), "OAK-P-007", 'Nobody on in the evening "knew her at all".'),
    ]
    feedback = [
        {
            "on": day,
            "type": "Complaint",
            "source": "Relative",
            "person": person,
            "text": text,
            "outcome": "Acknowledged",
        }
        for day, person, text in complaints
    ]
    handover = logs.handover(ctx, 12) + [
        {
            "at": at(D(2026, 4, 16), 14, 20),
            "shift": "Late",
            "staff": "Lucy Evans",
            "person": "OAK-P-014",
            "text": "Agency staff arrived after handover; briefed verbally "
            "in the corridor. No time to go through routines.",
        },
    ]
    return [
        DemoFile("rotaboard", records.rota(ctx, agency_evenings=1), ("unreadable-time",)),
        DemoFile("learnpoint", training, ("blank-required",), 1),
        DemoFile(
            "staffhub-supervision",
            records.supervision(ctx, ("Bethany Cole", "Marek Nowak"), stretched=("Lucy Evans",)),
        ),
        DemoFile("staffhub", records.staff_list(ctx)),
        DemoFile("feedback-tracker", feedback),
        DemoFile("safelog", incidents),
        DemoFile("handover-book", handover),
    ]


def safeguarding_escalation(ctx: Context) -> list[DemoFile]:
    concerns = [
        (
            D(2026, 5, 12),
            8,
            40,
            "Ryan Bell",
            "RIV-P-113",
            'Bruising on both upper arms, yellow and green. Said she "bumped into the door".',
            2,
        ),
        (
            D(2026, 5, 28),
            12,
            15,
            "Owen Parry",
            "RIV-P-130",
            "Yesterday's lunch untouched in the "
            "fridge; says her nephew takes her food money. Fridge nearly empty.",
            3,
        ),
        (
            D(2026, 6, 17),
            17,
            30,
            "Siân Morgan",
            "RIV-P-130",
            "Nephew shouting when I arrived; "
            "she seemed frightened.\nHe left when I started the visit.",
            9,
        ),
        (
            D(2026, 7, 3),
            8,
            5,
            "Ryan Bell",
            "RIV-P-113",
            "New bruise on right wrist, about 2cm. No explanation given.",
            2,
        ),
        (
            D(2026, 7, 10),
            12,
            30,
            "Fatima Malik",
            "RIV-P-130",
            "Lunch packs untouched on 3 of the last 4 visits. Looks thinner.",
            2,
        ),
    ]
    notes = records.care_notes(ctx, 5)
    calls = logs.communication(ctx, 6)
    for day, hh, mm, staff, person, text, delay in concerns:
        notes.append(note(day, hh, mm, staff, person, text, True))
        seen = working_days_after(day, delay)
        manager = "Joanne Price" if delay != 9 else "Kwame Mensah"
        notes.append(
            note(
                seen,
                9,
                30,
                manager,
                person,
                f"Manager review of the visit note of "
                f"{day:%d/%m/%Y}: read today. Safeguarding referral to be made.",
                True,
            )
        )
        calls.append(
            {
                "at": at(seen, 11, 15),
                "staff": manager,
                "person": person,
                "method": "Phone",
                "direction": "Outgoing",
                "contact": "Local authority safeguarding team",
                "text": f"Referral about the note of {day:%d/%m}.",
            }
        )
    training = records.training(
        ctx,
        {
            "Ryan Bell": ("Safeguarding Adults",),
            "Owen Parry": ("Safeguarding Adults",),
            "Siân Morgan": ("Safeguarding Adults", "Induction (Care Certificate)"),
        },
    )
    training.append(
        {
            "staff": "Ryan Bell",
            "course": "Safeguarding Adults",
            "completed": D(2025, 4, 10),
            "expires": D(2026, 4, 10),
            "status": "Expired",
        }
    )
    return [
        DemoFile("visitpoint", notes, ("blank-required",), 1),
        DemoFile("contactlog", calls),
        DemoFile("peoplefile-supervision", records.supervision(ctx, ("Ryan Bell",))),
        DemoFile("traintrack", training),
        DemoFile("peoplefile", records.staff_list(ctx)),
    ]


MISSED_EVENINGS = (D(2026, 10, 3), D(2026, 10, 8))


def family_complaint(ctx: Context) -> list[DemoFile]:
    rota = [
        r
        for r in records.rota(ctx)
        if not (
            r["start"].date() in MISSED_EVENINGS
            and r["start"].hour == 14
            and r["location"].endswith("5-8")
        )
    ]
    notes = records.care_notes(ctx, 4)
    notes = [
        n
        for n in notes
        if not (
            n["person"] == "WIL-P-015" and n["at"].hour >= 17 and n["at"].date() in MISSED_EVENINGS
        )
    ]
    notes += [
        note(
            day + timedelta(days=1),
            9,
            10,
            "Tom Reid",
            "WIL-P-015",
            "Said nobody came last night; made his own tea. Not told about any change.",
            True,
        )
        for day in MISSED_EVENINGS
    ]
    calls = logs.communication(ctx, 4) + [
        {
            "at": at(D(2026, 10, 9), 16, 40),
            "staff": "Hannah Price",
            "person": "WIL-P-015",
            "method": "Phone",
            "direction": "Incoming",
            "contact": "Mother",
            "text": "Upset that evening support was missed twice and nobody told her.",
        },
    ]
    feedback = [
        {
            "on": D(2026, 10, 12),
            "type": "Complaint",
            "source": "Relative",
            "person": "WIL-P-015",
            "text": "Evening support missed on 3 and 8 October; family found out from him, not the "
            "service.",
            "outcome": "Under review",
        },
    ]
    return [
        DemoFile("shiftplan", rota, ("impossible-date",)),
        DemoFile("dailynotes", notes),
        DemoFile("contactlog", calls),
        DemoFile("feedback-tracker", feedback),
    ]
