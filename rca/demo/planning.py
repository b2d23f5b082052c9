"""Demo content for actions: plans, progress, effectiveness checks and learning shared on the demo
reviews at actions stage or later, through the actions' domain functions.

From the domain reading: named owners by role, system changes ("make the shift lead own
care-plan updates"), individual ones (refresher MAR training), review points, and re-audits. The
care-plan review's checks pass and its learning reaches every in-scope member of staff; the
agency-induction review's first check fails, which reopens it at actions, a revised action is
planned and the next checks improve and then meet the target; the safeguarding and medication
reviews have actions in progress, some overdue against the demo's today (01/12/2026).

Actions link to the fishbone's causes by the short keys ``rca.demo.analysis`` keeps in
``DemoContext.memory["causes"]``; a key that is not there (analysis not loaded) links nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from rca.actions import effectiveness, learning, planning, progress
from rca.actions.models import Action
from rca.db import LONDON
from rca.demo.steps import DemoContext, add_steps, handles
from rca.demo.stories import Step
from rca.reviews.models import Review


def _at(step: Step) -> datetime:
    return datetime.strptime(step.at, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON).astimezone(UTC)


def _day(step: Step) -> date:
    return _at(step).astimezone(LONDON).date()


def _backdate(session: Session, row: Any, step: Step) -> None:
    """Date a row made by a step on the step's day. A Core UPDATE, like the loader's for
    reviews, so neither the audit trail nor the version counter sees it."""
    table = type(row).__table__
    session.execute(update(table).where(table.c.id == row.id).values(created_at=_at(step)))
    session.expire(row, ["created_at"])


def _actions(ctx: DemoContext) -> dict[str, int]:
    return ctx.memory.setdefault("actions", {})


def _action(session: Session, ctx: DemoContext, key: str) -> Action:
    action = session.get(Action, _actions(ctx)[key])
    assert action is not None
    return action


@handles("plan-action")
def plan_action(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d = step.data
    causes = ctx.memory.get("causes", {})
    raw = {k: d.get(k) for k in ("text", "action_type", "owner", "due", "measure", "target")}
    data = planning.parse_action(
        session,
        review,
        raw,
        [causes[k] for k in d.get("causes", ()) if k in causes],
        d.get("points", []),
    )
    action = planning.create_action(session, review, data, ctx.users[step.actor].id)
    # Planned on the step's day, so the SMART check judges it against that date.
    _backdate(session, action, step)
    _actions(ctx)[d["key"]] = action.id


@handles("action-progress")
def action_progress(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d = step.data
    action = _action(session, ctx, d["key"])
    note = progress.record_progress(
        session, action, d.get("note"), d.get("status"), ctx.users[step.actor].id, _day(step)
    )
    if note is not None:
        _backdate(session, note, step)


@handles("effectiveness")
def check(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d = dict(step.data)
    key = d.pop("key", None)
    action = _action(session, ctx, key) if key else None
    outcome = effectiveness.record_check(
        session, review, action, d, ctx.users[step.actor].id, _day(step)
    )
    _backdate(session, outcome.check, step)
    if outcome.follow_up is not None:
        _backdate(session, outcome.follow_up, step)


@handles("learning")
def add_learning(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    for text in step.data["points"]:
        _backdate(session, learning.add_learning_point(session, review, text), step)


@handles("dissemination")
def disseminate(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    d: dict[str, Any] = dict(step.data)
    staff = [ctx.staff[name] for name in d.pop("staff", [])]
    row = learning.add_dissemination(
        session, review, d, staff, ctx.users[step.actor].id, _day(step)
    )
    _backdate(session, row, step)


def _plan(at: str, actor: str, key: str, **data: Any) -> Step:
    return Step(at, actor, "plan-action", {"key": key, **data})


def _progress(at: str, actor: str, key: str, status: str, note: str) -> Step:
    return Step(at, actor, "action-progress", {"key": key, "status": status, "note": note})


def _check(at: str, actor: str, key: str | None, n: int, d: int, start: str, end: str,
           source: str) -> Step:  # fmt: skip
    data = {"numerator": n, "denominator": d, "period_start": start, "period_end": end}
    return Step(at, actor, "effectiveness", {"key": key, **data, "source": source})


CARE_PLANS = "% of identified changes reflected in care plans within 5 working days"

# fmt: off
add_steps(
    "Care plans not updated after changes in risk or family feedback",
    _plan(
        "2026-04-07 10:00", "hannah.price", "owner",
        text="Make the shift lead own care-plan updates after every change in risk or family "
        "feedback, named on the handover sheet",
        action_type="ownership", causes=["ownership", "assume"], owner="Ellie Robinson",
        due="2026-04-30", points=["2026-05-29", "2026-07-31"], measure=CARE_PLANS, target="95%",
    ),
    _plan(
        "2026-04-07 10:10", "hannah.price", "remind",
        text="Remind staff at the team meeting to update care plans when risk changes",
        action_type="reminder", causes=["ownership"], owner="Hannah Price", due="2026-04-14",
        points=["2026-05-29"], measure=CARE_PLANS, target="95%",
    ),
    _plan(
        "2026-04-07 10:20", "hannah.price", "handover",
        text="Add a 'changes in risk' column to the handover sheet, each change allocated to a "
        "named person",
        action_type="process", causes=["handover"], owner="Sam Turner", due="2026-04-24",
        points=["2026-05-29"], measure=CARE_PLANS, target="95%",
    ),
    _plan(
        "2026-04-07 10:30", "hannah.price", "family",
        text="Record family feedback straight into the care record instead of the office diary",
        action_type="tool", causes=["family"], owner="Aisha Begum", due="2026-04-30",
        points=["2026-05-29"], measure="% of family feedback entries found in the care record",
        target="100%",
    ),
    _plan(
        "2026-04-08 09:00", "daniel.okafor", "audit",
        text="Give every finding of the monthly care plan audit a named owner and a date to "
        "put it right",
        action_type="process", causes=["audit"], owner="Daniel Okafor", due="2026-04-30",
        points=["2026-06-30"], measure="% of audit findings closed by their date", target="90%",
    ),
    _progress(
        "2026-04-14 16:00", "hannah.price", "remind", "done",
        "Reminder given at the team meeting; minutes on file.",
    ),
    _progress(
        "2026-04-24 15:00", "hannah.price", "handover", "done",
        "New handover sheet in use from 24/04; Sam trained both teams.",
    ),
    _progress(
        "2026-04-29 12:00", "hannah.price", "owner", "done",
        "Procedure updated: the shift lead owns each change until the plan is updated.",
    ),
    _progress(
        "2026-04-30 11:00", "hannah.price", "family", "done",
        "Diary withdrawn; family feedback form now in the care record.",
    ),
    _progress(
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
    _check(
        "2026-05-29 15:00", "hannah.price", "owner", 19, 20, "2026-05-01", "2026-05-29",
        "Care plan audit, all identified changes",
    ),
    _check(
        "2026-07-31 15:00", "hannah.price", "owner", 24, 24, "2026-06-01", "2026-07-31",
        "Care plan audit, all identified changes",
    ),
    _check(
        "2026-07-31 15:30", "daniel.okafor", None, 39, 40, "2026-05-08", "2026-07-31",
        "Care plan audit, 12 weeks after the changes",
    ),
)
# fmt: on

AGENCY = "% of agency evening shifts with a signed person-specific induction checklist"

# fmt: off
add_steps(
    "Agency staff not knowing people's routines on evening shifts",
    _plan(
        "2026-06-23 10:00", "amira.hussain", "checklist",
        text="Make the shift lead sign off a person-specific induction checklist with every "
        "agency worker before the evening shift starts",
        action_type="ownership", causes=["induction", "routines"], owner="Amira Hussain",
        due="2026-07-17", points=["2026-08-14", "2026-09-25"], measure=AGENCY, target="90%",
    ),
    _plan(
        "2026-06-23 10:15", "amira.hussain", "briefing",
        text="Add a 15-minute shift-start briefing on each person's one-page profile to the "
        "evening rota",
        action_type="staffing", causes=["briefing"], owner="Karen Whitlock", due="2026-07-10",
        points=["2026-08-14"], measure="% of evening shifts with a recorded shift-start briefing",
        target="90%",
    ),
    _plan(
        "2026-06-23 10:30", "sarah.mitchell", "pool",
        text="Agree a regular pool of agency workers with the agency so the same people cover "
        "evenings",
        action_type="process", causes=["reliance"], owner="Sarah Mitchell", due="2026-07-31",
        points=["2026-09-25"], measure="% of agency evening shifts covered by pool workers",
        target="75%",
    ),
    _progress(
        "2026-07-10 16:00", "amira.hussain", "briefing", "done",
        "Briefing slot on the rota from 13/07; Karen books it with each shift.",
    ),
    _progress(
        "2026-07-16 12:00", "amira.hussain", "checklist", "done",
        "Checklist rewritten with a routines section per person; shift leads briefed.",
    ),
    _progress(
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
    _check(
        "2026-08-14 15:00", "amira.hussain", "checklist", 14, 20, "2026-07-20", "2026-08-14",
        "Induction checklist audit, evening shifts",
    ),
    _plan(
        "2026-08-18 10:00", "sarah.mitchell", "slot",
        text="Make the rota coordinator book every new agency worker a paid 30-minute "
        "induction slot before their first evening shift",
        action_type="staffing", causes=["induction"], owner="Karen Whitlock", due="2026-09-04",
        points=["2026-09-25", "2026-11-13"], measure=AGENCY, target="90%",
    ),
    _progress(
        "2026-09-03 16:00", "sarah.mitchell", "slot", "done",
        "Slots booked through the agency's portal from 07/09.",
    ),
    Step("2026-09-07 09:00", "sarah.mitchell", "stage", {"stage": "report"}),
    Step("2026-09-07 09:05", "sarah.mitchell", "stage", {"stage": "monitoring"}),
    _check(
        "2026-09-25 15:00", "amira.hussain", "checklist", 17, 20, "2026-09-07", "2026-09-25",
        "Induction checklist audit, evening shifts",
    ),
    _check(
        "2026-11-13 15:00", "amira.hussain", "slot", 28, 30, "2026-10-01", "2026-11-13",
        "Induction checklist audit, evening shifts",
    ),
    _check(
        "2026-11-13 15:30", "sarah.mitchell", None, 46, 50, "2026-09-14", "2026-11-08",
        "Shift feedback forms, evening shifts with agency staff",
    ),
)
# fmt: on

SAFEGUARDING = "% of safeguarding indicators reviewed by management within 1 working day"

# fmt: off
add_steps(
    "Low-level safeguarding concerns in visit notes not escalated promptly",
    _plan(
        "2026-09-03 10:00", "joanne.price", "guidance",
        text="Clarify the escalation guidance with examples of low-level indicators and a "
        "same-day route to the on-call manager",
        action_type="process", causes=["thresholds", "serious"], owner="Joanne Price",
        due="2026-09-30", points=["2026-10-30"], measure=SAFEGUARDING, target="100%",
    ),
    _plan(
        "2026-09-03 10:15", "grace.adeyemi", "alerts",
        text="Change the visit app so a ticked concern raises an alert to the on-call manager",
        action_type="tool", causes=["alerts"], owner="Grace Adeyemi", due="2026-10-30",
        points=["2026-11-27", "2027-01-29"], measure=SAFEGUARDING, target="100%",
    ),
    _plan(
        "2026-09-03 10:30", "joanne.price", "scenario",
        text="Deliver scenario-based training on escalation triggers to every care worker",
        action_type="training", causes=["serious"], owner="Kwame Mensah", due="2026-11-20",
        points=["2026-12-18"],
        measure="% of care workers answering the scenario questions correctly", target="90%",
    ),
    _plan(
        "2026-09-03 10:45", "joanne.price", "supervision",
        text="Bring overdue supervisions up to date and put escalation on every supervision "
        "agenda",
        action_type="process", causes=["supervision"], owner="Kwame Mensah", due="2026-10-16",
        points=["2026-11-13"], measure="% of staff in scope supervised in the last 8 weeks",
        target="100%",
    ),
    _progress(
        "2026-09-29 16:00", "joanne.price", "guidance", "done",
        "Guidance reissued with six examples and the same-day route.",
    ),
    _progress(
        "2026-10-09 11:00", "grace.adeyemi", "alerts", "in-progress",
        "Supplier has the change request; test build due in November.",
    ),
    _progress(
        "2026-10-14 12:00", "joanne.price", "supervision", "in-progress",
        "2 of 4 supervisions done; escalation added to the agenda template.",
    ),
)
# fmt: on

# fmt: off
add_steps(
    "Repeated medication omissions on shifts covered by agency staff",
    _plan(
        "2026-10-20 10:00", "amira.hussain", "refresher",
        text="Refresher MAR training for agency staff booked on evening medication rounds",
        action_type="training", causes=["mar"], owner="Lucy Evans", due="2026-11-13",
        points=["2026-12-11"],
    ),
    _plan(
        "2026-10-20 10:15", "amira.hussain", "induction",
        text="Revise the agency induction to include the home's eMAR and a signed competency "
        "check before a first medication round",
        action_type="process", causes=["mar", "competency", "induct"], owner="Amira Hussain",
        due="2026-12-11", points=["2027-01-15", "2027-02-12"],
        measure="% of agency medication rounds given by staff with a signed MAR competency",
        target="100%",
    ),
    _plan(
        "2026-10-20 10:30", "sarah.mitchell", "senior",
        text="Put a permanent senior on every shift where the medication lead is agency",
        action_type="staffing", causes=["oversight"], owner="Karen Whitlock", due="2026-11-27",
        points=["2026-12-18"],
        measure="% of agency-led medication rounds with a permanent senior on shift",
        target="100%",
    ),
    _plan(
        "2026-10-20 10:45", "sarah.mitchell", "supplier",
        text="Ask the eMAR supplier to show a due-later dose differently from a given one",
        action_type="tool", causes=["display"], owner="Sarah Mitchell", due="2027-01-29",
        points=["2027-02-26"],
        measure="medication rounds with no unexplained omission on the weekly MAR audit",
        target="98%",
    ),
    _plan(
        "2026-10-20 11:00", "amira.hussain", "reaudit",
        text="Re-audit every MAR chart daily until the end of the year", action_type="process",
        causes=["mar"], owner="Lucy Evans", due="2026-12-31", points=["2026-11-30"],
        measure="MAR charts with an unexplained gap", target="0%",
    ),
    _progress(
        "2026-10-27 09:00", "amira.hussain", "reaudit", "cancelled",
        "Replaced by the competency check: a daily re-audit finds gaps, it does not stop them.",
    ),
    _progress(
        "2026-11-04 15:00", "amira.hussain", "refresher", "in-progress",
        "First session held 03/11; two agency nurses still to attend.",
    ),
)
# fmt: on
