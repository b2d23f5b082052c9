"""The demo's earlier reviews as data (loaded by ``rca.demo.learning``); the story they tell is
in that module's docstring.

Each entry: (key, service, occurred on, trigger, severity, final stage, title, causes, actions,
checks). A cause is (text, factor code, conclusion), filed under its code's bone; an action is
(text, type, the cause it addresses by position, done on or None, measure, target); a check is
(action position, done on, numerator, denominator).
"""

from __future__ import annotations

MAR = "% of medication rounds with no unexplained gap on the MAR"
ESCALATION = "% of concern indicators reviewed by a manager within 1 working day"
PLANS = "% of identified changes reflected in the plan within 5 working days"

Cause = tuple[str, str, str]
Action = tuple[str, str, int, str | None, str | None, str | None]
Check = tuple[int, str, int, int]
Past = tuple[str, str, str, str, str, str, str, list[Cause], list[Action], list[Check]]

# fmt: off
HISTORY: list[Past] = [
    # --- agency staff and MAR, across the three services -----------------------------------------
    ("H1", "WIL", "2024-12-09", "incident", "low", "closed",
     "Missed morning medication on an agency shift",
     [
       ("Agency support worker had not used the service's MAR charts before", "training.agency-mar",
        "root"),
       ("Two of three morning shifts covered by agency staff", "staffing.agency-reliance",
        "contributory"),
       ("Gaps on the MAR not noticed until the evening round", "equipment.mar-gaps",
        "contributory"),
     ],
     [
       ("Refresher MAR training for agency support workers", "training", 0, "2025-01-20", MAR,
        "98%"),
     ],
     []),
    ("H2", "WIL", "2025-03-03", "incident", "low", "closed",
     "Evening dose given late by an agency support worker",
     [
       ("Agency worker unfamiliar with the MAR and the medicines cupboard", "training.agency-mar",
        "root"),
       ("Evening shift covered wholly by agency staff", "staffing.agency-reliance", "contributory"),
       ("Medication round on a high-risk shift with no senior on duty", "staffing.high-risk-shift",
        "contributory"),
     ],
     [
       ("Put a permanent senior on every shift where the medication lead is agency", "staffing", 0,
        "2025-04-14", MAR, "98%"),
     ],
     [(0, "2025-06-30", 49, 50)]),
    ("H3", "RIV", "2025-05-19", "incident", "moderate", "closed",
     "Missed lunchtime medication on an agency carer's visit",
     [
       ("Agency carer did not know how the eMAR prompts work", "training.agency-mar", "root"),
       ("Lunchtime run covered by agency carers for three weeks", "staffing.agency-reliance",
        "contributory"),
       ("No induction on the visit app for agency carers", "training.agency-induction-missing",
        "contributory"),
     ],
     [
       ("Remind agency carers to check the eMAR before leaving each visit", "reminder", 0,
        "2025-06-02", None, None),
     ],
     []),
    ("H4", "RIV", "2025-08-11", "incident", "moderate", "closed",
     "Double dose recorded on the eMAR by an agency carer",
     [
       ("Agency carer unfamiliar with the eMAR's administered and prompted entries",
        "training.agency-mar", "root"),
       ("Agency carers on half the medication visits that week", "staffing.agency-reliance",
        "contributory"),
       ("eMAR shows a prompt and an administration alike", "equipment.mar-gaps", "contributory"),
     ],
     [
       ("Agency carers shadow a permanent carer on two medication visits before working alone",
        "process", 0, "2025-09-15", MAR, "98%"),
     ],
     [(0, "2025-12-01", 118, 120)]),
    ("H5", "OAK", "2025-10-06", "incident", "moderate", "monitoring",
     "Missed evening insulin prompt on an agency-covered shift",
     [
       ("Agency nurse unfamiliar with the home's MAR and insulin chart", "training.agency-mar",
        "root"),
       ("Three of four evening staff from the agency", "staffing.agency-reliance", "contributory"),
       ("Agency induction checklist skips medication", "training.agency-induction-missing",
        "contributory"),
     ],
     [
       ("Refresher MAR training for agency staff on evening rounds", "training", 0, "2025-11-03",
        MAR, "98%"),
     ],
     [(0, "2026-01-12", 41, 48)]),
    ("H6", "OAK", "2026-01-26", "incident", "low", "closed",
     "Night medication round missed on an agency shift",
     [
       ("Agency worker did not know the night round is on the MAR", "training.agency-mar", "root"),
       ("Night covered by agency staff after two resignations", "staffing.agency-reliance",
        "contributory"),
       ("No senior on the high-risk night shift", "staffing.high-risk-shift", "contributory"),
     ],
     [
       ("Brief agency workers on the MAR process at the start of each shift", "briefing", 0,
        "2026-03-09", None, None),
     ],
     []),
    # --- escalation and alerts -------------------------------------------------------------------
    ("H7", "RIV", "2025-01-13", "safeguarding-concern", "moderate", "closed",
     "Bruising noted in visit notes, not escalated for four days",
     [
       ("Carers unsure when a mark is serious enough to escalate", "guidance.escalation-thresholds",
        "root"),
       ("The visit app does not flag a concern written in the notes",
        "equipment.concern-not-flagged", "contributory"),
       ("Escalation route not known by two of the three carers", "training.escalation-route",
        "contributory"),
     ],
     [
       ("Remind carers of the safeguarding escalation route at the team meeting", "reminder", 0,
        "2025-02-03", None, None),
     ],
     []),
    ("H8", "RIV", "2025-04-07", "safeguarding-concern", "low", "closed",
     "Weight loss recorded in visit notes but not passed to the office",
     [
       ("No threshold for when weight loss needs a call to the office",
        "guidance.escalation-thresholds", "root"),
       ("Concerns in free text are not flagged to anyone", "equipment.concern-not-flagged",
        "contributory"),
       ("Office review of visit notes a week late", "governance.management-review-late",
        "contributory"),
     ],
     [
       ("Scenario-based escalation training for all carers", "training", 0, "2025-05-12", None,
        None),
     ],
     []),
    ("H9", "RIV", "2025-09-22", "incident", "low", "closed",
     "Carer unsure whether a fall was serious enough to report",
     [
       ("Escalation thresholds still unclear after the training", "guidance.escalation-thresholds",
        "root"),
       ("Carer did not know the on-call number", "training.escalation-route", "contributory"),
       ("The app records the fall but alerts nobody", "equipment.concern-not-flagged", "root"),
     ],
     [
       ("Add a concern tick box to the visit app that alerts the on-call manager", "tool", 2,
        "2025-11-10", ESCALATION, "100%"),
       ("Publish one-page escalation thresholds with examples, reviewed in supervision", "process",
        0, "2025-10-20", ESCALATION, "100%"),
     ],
     [(0, "2026-01-26", 60, 60)]),
    ("H10", "WIL", "2025-06-16", "safeguarding-concern", "moderate", "closed",
     "Low-level concern about a tenant's money not raised",
     [
       ("Daily notes mention the concern; nothing flags it", "equipment.concern-not-flagged",
        "root"),
       ("Financial abuse indicators not in the escalation guidance",
        "guidance.escalation-thresholds", "contributory"),
       ("Support worker's supervision four months overdue", "supervision.overdue", "contributory"),
     ],
     [
       ("Shift lead screens daily notes for concern words every evening", "process", 0,
        "2025-07-14", ESCALATION, "100%"),
     ],
     []),
    ("H11", "WIL", "2026-03-23", "safeguarding-concern", "low", "monitoring",
     "Escalation over a weekend not reviewed until Tuesday",
     [
       ("No manager review of weekend on-call calls", "governance.management-review-late", "root"),
       ("On-call guidance silent on what waits until Monday", "guidance.escalation-thresholds",
        "contributory"),
       ("Provider does not see weekend escalations", "governance.provider-oversight",
        "contributory"),
     ],
     [
       ("Remind on-call managers to log weekend calls for Monday review", "reminder", 0,
        "2026-04-06", None, None),
     ],
     []),
    # --- care plans and ownership ----------------------------------------------------------------
    ("H12", "OAK", "2025-02-24", "incident", "moderate", "closed",
     "Care plan not updated after a hospital discharge",
     [
       ("No named owner for updating the plan after a discharge", "guidance.care-plan-ownership",
        "root"),
       ("Discharge letter filed without the changes passed on", "communication.change-not-shared",
        "contributory"),
       ("Care plan audit found the gap and nobody followed it up",
        "governance.audit-not-followed-up", "contributory"),
     ],
     [
       ("Make the senior on shift own the care-plan update after every discharge", "ownership", 0,
        "2025-03-24", PLANS, "95%"),
     ],
     [(0, "2025-06-16", 20, 20)]),
    ("H13", "WIL", "2025-04-28", "complaint", "low", "closed",
     "Family raised the same concern twice before the plan changed",
     [
       ("Family calls logged in the diary, not the support plan", "communication.family-feedback",
        "root"),
       ("No owner for plan updates between reviews", "guidance.care-plan-ownership",
        "contributory"),
       ("Change not passed on at handover", "communication.change-not-shared", "contributory"),
     ],
     [
       ("Remind key workers to update plans after family calls", "reminder", 0, "2025-05-12", None,
        None),
     ],
     []),
    ("H14", "WIL", "2025-07-21", "incident", "moderate", "closed",
     "Mobility change not in the support plan for three weeks",
     [
       ("Key workers assume the senior updates the plan", "guidance.care-plan-ownership", "root"),
       ("Physio's advice passed on verbally only", "communication.change-not-shared",
        "contributory"),
       ("Family told staff twice; not recorded", "communication.family-feedback", "contributory"),
     ],
     [
       ("Key worker briefing on support plan updates", "briefing", 0, "2025-09-08", None, None),
     ],
     []),
    ("H15", "RIV", "2025-11-17", "incident", "low", "closed",
     "New catheter care not in the visit plan",
     [
       ("District nurse's change reached one carer, not the office",
        "communication.change-not-shared", "root"),
       ("No owner for visit plan changes between reviews", "guidance.care-plan-ownership",
        "contributory"),
       ("Change not written in the visit handover", "communication.handover-not-recorded",
        "contributory"),
     ],
     [
       ("The office updates the visit plan the same day a change is reported", "process", 0,
        "2025-12-15", PLANS, "95%"),
     ],
     []),
    # --- environment and lighting ----------------------------------------------------------------
    ("H16", "WIL", "2025-03-17", "incident", "moderate", "closed",
     "Tenant fell on a dark stairway at night",
     [
       ("Stairway light on a timer that ends before the night checks", "environment.poor-lighting",
        "root"),
       ("Broken landing light reported twice, not repaired", "environment.maintenance",
        "contributory"),
       ("Loose stair carpet at the turn", "environment.layout-hazard", "contributory"),
     ],
     [
       ("Environmental audit of lighting in every service, not only Willow Lane", "environment", 0,
        "2025-04-28", None, None),
     ],
     []),
    ("H17", "RIV", "2025-10-13", "incident", "moderate", "closed",
     "Fall in a person's hallway with a broken bulb reported twice",
     [
       ("Hallway unlit at the evening visit", "environment.poor-lighting", "root"),
       ("Hazard reported to the office twice, no one told the family", "environment.maintenance",
        "contributory"),
       ("Hazard not written in the visit handover", "communication.handover-not-recorded",
        "contributory"),
     ],
     [
       ("Carers report home hazards through the app's hazard form, followed up within 2 days",
        "tool", 1, "2025-11-24", None, None),
     ],
     []),
    ("H18", "OAK", "2026-03-30", "incident", "low", "closed",
     "Trip over a rug in the lounge at dusk",
     [
       ("Rug at the lounge door", "environment.layout-hazard", "root"),
       ("Lounge lights not on at dusk", "environment.poor-lighting", "contributory"),
     ],
     [
       ("Remind staff to put the lounge lights on at dusk", "reminder", 1, "2026-04-13", None,
        None),
     ],
     []),
    # --- handover, staffing, supervision ---------------------------------------------------------
    ("H19", "OAK", "2025-05-12", "incident", "moderate", "closed",
     "Pressure area missed at handover",
     [
       ("Skin check findings not in the written handover", "communication.handover-not-recorded",
        "root"),
       ("No senior carer on the afternoon shift", "staffing.skill-mix", "contributory"),
       ("Skin checks never observed in supervision", "supervision.practice-not-observed",
        "contributory"),
     ],
     [
       ("A written handover sheet with a skin-check line for every resident", "process", 0,
        "2025-06-09", None, None),
     ],
     []),
    ("H20", "WIL", "2025-09-29", "incident", "low", "closed",
     "Night support missed after a rota change",
     [
       ("One sleep-in instead of two after the rota change", "staffing.short-staffed", "root"),
       ("Night staff covering two houses", "staffing.workload-pressure", "contributory"),
       ("Rota change not passed to the night team", "communication.handover-insufficient",
        "contributory"),
     ],
     [
       ("Rota changes confirmed with the night team by phone before the shift", "process", 0,
        "2025-10-27", None, None),
     ],
     []),
    ("H21", "RIV", "2026-02-02", "pattern", "low", "actions",
     "Repeated late calls on the Tuesday evening run",
     [
       ("Tuesday evening run has more visits than time", "staffing.workload-pressure", "root"),
       ("One carer off sick every other Tuesday, not covered", "staffing.short-staffed",
        "contributory"),
       ("New carers on the run without double-up experience", "staffing.skill-mix", "contributory"),
     ],
     [
       ("Add a second carer to the Tuesday evening run", "staffing", 0, "2026-03-02", None, None),
     ],
     []),
    ("H22", "OAK", "2025-08-18", "near-miss", "no-harm", "closed",
     "Supervision actions not followed up after a near miss",
     [
       ("Actions from supervision not tracked", "supervision.no-follow-up", "root"),
       ("Two carers' supervision overdue", "supervision.overdue", "contributory"),
       ("Learning from the near miss not shared with the night team",
        "governance.learning-not-embedded", "contributory"),
     ],
     [
       ("Registered manager reviews the supervision tracker monthly", "process", 0, "2025-09-15",
        None, None),
     ],
     []),
    ("H23", "RIV", "2026-04-20", "incident", "moderate", "monitoring",
     "Missed visit after a change in a person's needs",
     [
       ("Change reported by the family never reached the office", "communication.change-not-shared",
        "root"),
       ("Person's needs changed after a hospital stay", "person.change-in-need", "contributory"),
       ("Change not in the visit handover", "communication.handover-not-recorded", "contributory"),
     ],
     [
       ("Families given the office's direct line for changes", "process", 0, None, None, None),
     ],
     []),
    ("H24", "WIL", "2026-06-08", "incident", "low", "monitoring",
     "Refused medication not reported to the GP",
     [
       ("No threshold for when refusals go to the GP", "guidance.escalation-thresholds", "root"),
       ("Tenant declining medication more often since May", "person.refused-care", "contributory"),
       ("Tenant's communication needs not in the plan", "person.communication-needs",
        "contributory"),
     ],
     [
       ("Refusal thresholds added to each medication profile", "process", 0, "2026-07-06", None,
        None),
     ],
     []),
    ("H25", "OAK", "2026-06-29", "near-miss", "no-harm", "actions",
     "Choking risk not passed on to an agency worker",
     [
       ("No person-specific guidance for the agency worker", "guidance.person-specific-missing",
        "root"),
       ("Lunch covered by agency staff", "staffing.agency-reliance", "contributory"),
       ("Handover did not cover eating and drinking plans", "communication.handover-insufficient",
        "contributory"),
     ],
     [
       ("One-page eating and drinking profiles in the agency induction pack", "process", 0, None,
        None, None),
     ],
     []),
    ("H26", "WIL", "2026-08-17", "incident", "moderate", "actions",
     "Agency support worker gave medication from the wrong MAR",
     [
       ("Agency worker unfamiliar with the house's MAR folders", "training.agency-mar", "root"),
       ("Agency cover on the medication round", "staffing.agency-reliance", "contributory"),
       ("MAR folders for two tenants look alike", "equipment.mar-gaps", "contributory"),
     ],
     [
       ("Photographs on every MAR chart and separate folders per tenant", "tool", 2, None, MAR,
        "98%"),
     ],
     []),
]
# fmt: on
