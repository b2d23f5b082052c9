"""The demo reviews' actions content: plans, progress notes, effectiveness checks and learning
shared, per review, built with the step builders of ``rca.demo.planning`` (see its docstring for
what each review's story shows).
"""

from __future__ import annotations

from rca.demo.planning import check_step, plan_step, progress_step
from rca.demo.steps import add_steps
from rca.demo.stories import Step

CARE_PLANS = "% of identified changes reflected in care plans within 5 working days"

# fmt: off
add_steps(
    "Care plans not updated after changes in risk or family feedback",
    plan_step(
        "2026-04-07 10:00", "hannah.price", "owner",
        text="Make the shift lead own care-plan updates after every change in risk or family "
        "feedback, named on the handover sheet",
        action_type="ownership", causes=["ownership", "assume"], owner="Ellie Robinson",
        due="2026-04-30", points=["2026-05-29", "2026-07-31"], measure=CARE_PLANS, target="95%",
    ),
    plan_step(
        "2026-04-07 10:10", "hannah.price", "remind",
        text="Remind staff at the team meeting to update care plans when risk changes",
        action_type="reminder", causes=["ownership"], owner="Hannah Price", due="2026-04-14",
        points=["2026-05-29"], measure=CARE_PLANS, target="95%",
    ),
    plan_step(
        "2026-04-07 10:20", "hannah.price", "handover",
        text="Add a 'changes in risk' column to the handover sheet, each change allocated to a "
        "named person",
        action_type="process", causes=["handover"], owner="Sam Turner", due="2026-04-24",
        points=["2026-05-29"], measure=CARE_PLANS, target="95%",
    ),
    plan_step(
        "2026-04-07 10:30", "hannah.price", "family",
        text="Record family feedback straight into the care record instead of the office diary",
        action_type="tool", causes=["family"], owner="Aisha Begum", due="2026-04-30",
        points=["2026-05-29"], measure="% of family feedback entries found in the care record",
        target="100%",
    ),
    plan_step(
        "2026-04-08 09:00", "daniel.okafor", "audit",
        text="Give every finding of the monthly care plan audit a named owner and a date to "
        "put it right",
        action_type="process", causes=["audit"], owner="Daniel Okafor", due="2026-04-30",
        points=["2026-06-30"], measure="% of audit findings closed by their date", target="90%",
    ),
    progress_step(
        "2026-04-14 16:00", "hannah.price", "remind", "done",
        "Reminder given at the team meeting; minutes on file.",
    ),
    progress_step(
        "2026-04-24 15:00", "hannah.price", "handover", "done",
        "New handover sheet in use from 24/04; Sam trained both teams.",
    ),
    progress_step(
        "2026-04-29 12:00", "hannah.price", "owner", "done",
        "Procedure updated: the shift lead owns each change until the plan is updated.",
    ),
    progress_step(
        "2026-04-30 11:00", "hannah.price", "family", "done",
        "Diary withdrawn; family feedback form now in the care record.",
    ),
    progress_step(
        "2026-04-30 17:00", "daniel.okafor", "audit", "done",
        "Audit template has owner and due-date columns.",
    ),
    Step(
        "2026-05-06 10:00", "hannah.price", "learning",
        {
            "points": [
                "A change nobody owns does not get done: each change in risk now has a named "
                "owner on the handover sheet until the care plan is updated.",
                "Family feedback is evidence about risk: it goes in the care record, not a diary.",
            ],
        },
    ),
    Step(
        "2026-05-12 14:00", "hannah.price", "dissemination",
        {
            "on": "2026-05-12", "method": "team-meeting", "teams": "Day and evening teams",
            "staff": ["Aisha Begum", "Sam Turner", "Ellie Robinson"], "understanding_checked": "y",
            "notes": "Scenario questions: who updates the plan when a family rings with a change?",
        },
    ),
    Step(
        "2026-05-20 11:00", "daniel.okafor", "dissemination",
        {
            "on": "2026-05-20", "method": "supervision", "staff": ["Hannah Price"],
            "understanding_checked": "y",
            "notes": "Deputy's supervision: oversight of the new sheet.",
        },
    ),
    Step(
        "2026-05-21 09:00", "hannah.price", "dissemination",
        {
            "on": "2026-05-21", "method": "briefing-sheet",
            "teams": "Bank and agency support workers", "staff": ["Liam Hughes", "Gabriela Silva"],
            "notes": "One-page briefing in the rota folder.",
        },
    ),
    check_step(
        "2026-05-29 15:00", "hannah.price", "owner", 19, 20, "2026-05-01", "2026-05-29",
        "Care plan audit, all identified changes",
    ),
    check_step(
        "2026-07-31 15:00", "hannah.price", "owner", 24, 24, "2026-06-01", "2026-07-31",
        "Care plan audit, all identified changes",
    ),
    check_step(
        "2026-07-31 15:30", "daniel.okafor", None, 39, 40, "2026-05-08", "2026-07-31",
        "Care plan audit, 12 weeks after the changes",
    ),
)
# fmt: on

AGENCY = "% of agency evening shifts with a signed person-specific induction checklist"

# fmt: off
add_steps(
    "Agency staff not knowing people's routines on evening shifts",
    plan_step(
        "2026-06-23 10:00", "amira.hussain", "checklist",
        text="Make the shift lead sign off a person-specific induction checklist with every "
        "agency worker before the evening shift starts",
        action_type="ownership", causes=["induction", "routines"], owner="Amira Hussain",
        due="2026-07-17", points=["2026-08-14", "2026-09-25"], measure=AGENCY, target="90%",
    ),
    plan_step(
        "2026-06-23 10:15", "amira.hussain", "briefing",
        text="Add a 15-minute shift-start briefing on each person's one-page profile to the "
        "evening rota",
        action_type="staffing", causes=["briefing"], owner="Karen Whitlock", due="2026-07-10",
        points=["2026-08-14"], measure="% of evening shifts with a recorded shift-start briefing",
        target="90%",
    ),
    plan_step(
        "2026-06-23 10:30", "sarah.mitchell", "pool",
        text="Agree a regular pool of agency workers with the agency so the same people cover "
        "evenings",
        action_type="process", causes=["reliance"], owner="Sarah Mitchell", due="2026-07-31",
        points=["2026-09-25"], measure="% of agency evening shifts covered by pool workers",
        target="75%",
    ),
    progress_step(
        "2026-07-10 16:00", "amira.hussain", "briefing", "done",
        "Briefing slot on the rota from 13/07; Karen books it with each shift.",
    ),
    progress_step(
        "2026-07-16 12:00", "amira.hussain", "checklist", "done",
        "Checklist rewritten with a routines section per person; shift leads briefed.",
    ),
    progress_step(
        "2026-07-30 17:00", "sarah.mitchell", "pool", "in-progress",
        "Agency agreed a pool of 6; two more to be inducted in August.",
    ),
    Step(
        "2026-07-22 10:00", "amira.hussain", "learning",
        {
            "points": [
                "Agency staff can only follow routines they have been shown: the induction "
                "covers people, not only the building.",
            ],
        },
    ),
    Step(
        "2026-07-24 14:00", "amira.hussain", "dissemination",
        {
            "on": "2026-07-24", "method": "team-meeting", "teams": "Evening team",
            "staff": ["Karen Whitlock", "Chidi Eze"], "understanding_checked": "y",
        },
    ),
    check_step(
        "2026-08-14 15:00", "amira.hussain", "checklist", 14, 20, "2026-07-20", "2026-08-14",
        "Induction checklist audit, evening shifts",
    ),
    plan_step(
        "2026-08-18 10:00", "sarah.mitchell", "slot",
        text="Make the rota coordinator book every new agency worker a paid 30-minute "
        "induction slot before their first evening shift",
        action_type="staffing", causes=["induction"], owner="Karen Whitlock", due="2026-09-04",
        points=["2026-09-25", "2026-11-13"], measure=AGENCY, target="90%",
    ),
    progress_step(
        "2026-09-03 16:00", "sarah.mitchell", "slot", "done",
        "Slots booked through the agency's portal from 07/09.",
    ),
    Step("2026-09-07 09:00", "sarah.mitchell", "stage", {"stage": "report"}),
    Step("2026-09-07 09:05", "sarah.mitchell", "stage", {"stage": "monitoring"}),
    check_step(
        "2026-09-25 15:00", "amira.hussain", "checklist", 17, 20, "2026-09-07", "2026-09-25",
        "Induction checklist audit, evening shifts",
    ),
    check_step(
        "2026-11-13 15:00", "amira.hussain", "slot", 28, 30, "2026-10-01", "2026-11-13",
        "Induction checklist audit, evening shifts",
    ),
    check_step(
        "2026-11-13 15:30", "sarah.mitchell", None, 46, 50, "2026-09-14", "2026-11-08",
        "Shift feedback forms, evening shifts with agency staff",
    ),
)
# fmt: on

SAFEGUARDING = "% of safeguarding indicators reviewed by management within 1 working day"

# fmt: off
add_steps(
    "Low-level safeguarding concerns in visit notes not escalated promptly",
    plan_step(
        "2026-09-03 10:00", "joanne.price", "guidance",
        text="Clarify the escalation guidance with examples of low-level indicators and a "
        "same-day route to the on-call manager",
        action_type="process", causes=["thresholds", "serious"], owner="Joanne Price",
        due="2026-09-30", points=["2026-10-30"], measure=SAFEGUARDING, target="100%",
    ),
    plan_step(
        "2026-09-03 10:15", "grace.adeyemi", "alerts",
        text="Change the visit app so a ticked concern raises an alert to the on-call manager",
        action_type="tool", causes=["alerts"], owner="Grace Adeyemi", due="2026-10-30",
        points=["2026-11-27", "2027-01-29"], measure=SAFEGUARDING, target="100%",
    ),
    plan_step(
        "2026-09-03 10:30", "joanne.price", "scenario",
        text="Deliver scenario-based training on escalation triggers to every care worker",
        action_type="training", causes=["serious"], owner="Kwame Mensah", due="2026-11-20",
        points=["2026-12-18"],
        measure="% of care workers answering the scenario questions correctly", target="90%",
    ),
    plan_step(
        "2026-09-03 10:45", "joanne.price", "supervision",
        text="Bring overdue supervisions up to date and put escalation on every supervision "
        "agenda",
        action_type="process", causes=["supervision"], owner="Kwame Mensah", due="2026-10-16",
        points=["2026-11-13"], measure="% of staff in scope supervised in the last 8 weeks",
        target="100%",
    ),
    progress_step(
        "2026-09-29 16:00", "joanne.price", "guidance", "done",
        "Guidance reissued with six examples and the same-day route.",
    ),
    progress_step(
        "2026-10-09 11:00", "grace.adeyemi", "alerts", "in-progress",
        "Supplier has the change request; test build due in November.",
    ),
    progress_step(
        "2026-10-14 12:00", "joanne.price", "supervision", "in-progress",
        "2 of 4 supervisions done; escalation added to the agenda template.",
    ),
)
# fmt: on

# fmt: off
add_steps(
    "Repeated medication omissions on shifts covered by agency staff",
    plan_step(
        "2026-10-20 10:00", "amira.hussain", "refresher",
        text="Refresher MAR training for agency staff booked on evening medication rounds",
        action_type="training", causes=["mar"], owner="Lucy Evans", due="2026-11-13",
        points=["2026-12-11"],
    ),
    plan_step(
        "2026-10-20 10:15", "amira.hussain", "induction",
        text="Revise the agency induction to include the home's eMAR and a signed competency "
        "check before a first medication round",
        action_type="process", causes=["mar", "competency", "induct"], owner="Amira Hussain",
        due="2026-12-11", points=["2027-01-15", "2027-02-12"],
        measure="% of agency medication rounds given by staff with a signed MAR competency",
        target="100%",
    ),
    plan_step(
        "2026-10-20 10:30", "sarah.mitchell", "senior",
        text="Put a permanent senior on every shift where the medication lead is agency",
        action_type="staffing", causes=["oversight"], owner="Karen Whitlock", due="2026-11-27",
        points=["2026-12-18"],
        measure="% of agency-led medication rounds with a permanent senior on shift",
        target="100%",
    ),
    plan_step(
        "2026-10-20 10:45", "sarah.mitchell", "supplier",
        text="Ask the eMAR supplier to show a due-later dose differently from a given one",
        action_type="tool", causes=["display"], owner="Sarah Mitchell", due="2027-01-29",
        points=["2027-02-26"],
        measure="medication rounds with no unexplained omission on the weekly MAR audit",
        target="98%",
    ),
    plan_step(
        "2026-10-20 11:00", "amira.hussain", "reaudit",
        text="Re-audit every MAR chart daily until the end of the year", action_type="process",
        causes=["mar"], owner="Lucy Evans", due="2026-12-31", points=["2026-11-30"],
        measure="MAR charts with an unexplained gap", target="0%",
    ),
    progress_step(
        "2026-10-27 09:00", "amira.hussain", "reaudit", "cancelled",
        "Replaced by the competency check: a daily re-audit finds gaps, it does not stop them.",
    ),
    progress_step(
        "2026-11-04 15:00", "amira.hussain", "refresher", "in-progress",
        "First session held 03/11; two agency nurses still to attend.",
    ),
)
# fmt: on
