"""Demo content for meetings: the review meetings of the demo reviews that reached analysis.

Each meeting opens shortly before its review's causes are added (the fishbone is built in the
room, ``rca.demo.analysis``), takes the decisions the domain reading's worked examples describe,
and closes with notes. Attendance comes from the review's lead and panel, with their job titles;
some send apologies, and someone from outside the system joins one meeting.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.db import LONDON
from rca.demo import data
from rca.demo.steps import DemoContext, add_steps, handles
from rca.demo.stories import Step
from rca.fishbone import meeting
from rca.fishbone.models import Cause
from rca.reviews.models import Review

JOBS = {u.name: u.job for u in data.USERS}


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON).astimezone(UTC)


@handles("meeting-start")
def start(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    record = meeting.start_meeting(
        session, review, ctx.users[step.actor],
        {"kind": step.data.get("kind", "analysis"), "purpose": step.data.get("purpose")},
        at=_utc(step.at),
    )  # fmt: skip
    away = {ctx.users[k].id for k in step.data.get("apologies", [])}
    for attendee in record.attendees:
        job = JOBS.get(attendee.name)
        if job:
            attendee.role = f"{attendee.role}, {job}"
        if attendee.user_id in away:
            attendee.attendance = "apologies"
    for name, role in step.data.get("guests", []):
        meeting.add_attendee(session, record, {"name": name, "role": role})
    session.flush()


@handles("meeting-decisions")
def decide(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    record = meeting.current_meeting(session, review)
    assert record is not None, "a meeting-start step must come first"
    roots = session.scalars(
        select(Cause.id).where(Cause.review_id == review.id, Cause.conclusion == "root")
        .order_by(Cause.id)
    ).all()  # fmt: skip
    for text, about_root in step.data["decisions"]:
        cause_id = roots[0] if about_root and roots else None
        meeting.add_decision(
            session, record, ctx.users[step.actor], {"text": text, "cause_id": cause_id},
            at=_utc(step.at),
        )  # fmt: skip


@handles("meeting-end")
def end(session: Session, review: Review, step: Step, ctx: DemoContext) -> None:
    record = meeting.current_meeting(session, review)
    assert record is not None, "a meeting-start step must come first"
    meeting.end_meeting(session, record, step.data.get("notes"), at=_utc(step.at))


def _meeting(
    title: str,
    actor: str,
    start_at: str,
    decide_at: str,
    end_at: str,
    decisions: list[tuple[str, bool]],
    notes: str,
    **start_data: object,
) -> None:
    add_steps(
        title,
        Step(start_at, actor, "meeting-start", dict(start_data)),
        Step(decide_at, actor, "meeting-decisions", {"decisions": decisions}),
        Step(end_at, actor, "meeting-end", {"notes": notes}),
    )


_meeting(
    "Care plans not updated after changes in risk or family feedback",
    "hannah.price", "2026-03-27 13:30", "2026-03-27 15:00", "2026-03-27 15:20",
    [
        ("Root cause agreed: nobody owned care-plan updates between formal reviews, so staff "
         "assumed someone else would update the plan.", True),
        ("Assign named responsibility for updating the plan after any change in risk or family "
         "feedback, recorded in the care planning allocation process.", False),
        ("Until two monthly audits meet the target, a senior signs off every high-risk change "
         "and audit sampling doubles.", False),
    ],
    "Timelines for the three people compared with handover and allocation records. Daily "
    "changes were seen and passed on, but no plan had a named owner for updates.",
    purpose="Walk the timeline for the three people and agree why changes did not reach the plans.",
    apologies=["joanne.price"],
    guests=[("Aisha Begum", "Key worker")],
)  # fmt: skip

_meeting(
    "Agency staff not knowing people's routines on evening shifts",
    "amira.hussain", "2026-06-12 14:30", "2026-06-12 16:00", "2026-06-12 16:15",
    [
        ("The concerns sit with weak induction, not with individual agency workers: no "
         "person-specific guidance was given before allocation.", True),
        ("Introduce a shift-start agency briefing checklist confirming key risks and routines "
         "before allocation, completed in the handover folder.", False),
        ("Review the agency supplier's induction evidence at the next contract meeting.", False),
    ],
    "Permanent staff from the sampled evening shifts described handovers too short to cover "
    "routines. Rota shows 3 of 4 staff on several evening shifts were agency.",
    purpose="Agree why agency staff did not know people's routines on evening shifts.",
)  # fmt: skip

_meeting(
    "Low-level safeguarding concerns in visit notes not escalated promptly",
    "joanne.price", "2026-08-19 11:00", "2026-08-19 12:30", "2026-08-19 12:45",
    [
        ("Root cause agreed: the recording system does not flag concerns clearly and the "
         "escalation threshold was unclear to staff; this is not a staff reminder issue.", True),
        ("Revise the alert prompts in the visit-notes app and add daily note screening by the "
         "care coordinator.", False),
        ("Field supervisors coach staff on escalation triggers with scenario questions in "
         "supervision.", False),
    ],
    "Staff asked whether issues were \u201cserious enough\u201d; the on-call decision tool "
    "gave no threshold.",
    purpose="Test why low-level concerns in visit notes were not escalated within a working day.",
)  # fmt: skip

_meeting(
    "Repeated medication omissions on shifts covered by agency staff",
    "amira.hussain", "2026-10-07 13:30", "2026-10-07 15:10", "2026-10-07 15:30",
    [
        ("Root cause agreed: agency staff unfamiliar with the MAR process were given medicines "
         "rounds without a competency check.", True),
        ("Refresher MAR training for all staff and a revised induction for agency workers.",
         False),
        ("Additional oversight by a senior during high-risk shifts until the weekly MAR audit "
         "meets the target.", False),
    ],
    "Supervision, training, workload, handover and management oversight each examined before "
    "the conclusion; staff error was ruled out as a root cause.",
    purpose="Agree the root causes of the omissions before planning actions.",
    apologies=["lucy.evans"],
)  # fmt: skip

_meeting(
    "Fall in the first-floor corridor at night linked to poor lighting",
    "sarah.mitchell", "2026-10-29 14:30", "2026-10-29 16:00", "2026-10-29 16:20",
    [
        ("Audit lighting in every service, not only Oakfield House.", False),
        ("Reported lighting faults are repaired within 2 working days, with the maintenance "
         "log reviewed weekly by the registered manager.", False),
    ],
    "Two ceiling lights logged faulty on 31/08 were not repaired; nobody chased the repair.",
    purpose="Walk the night of the fall and agree why the reported faults were not fixed.",
    guests=[("Marek Nowak", "Maintenance lead")],
)  # fmt: skip
