"""The source systems whose exports the generator imitates, per kind.

The products are fictional; their habits are the ones real care, rota and HR exports show: each
names its columns its own way, and they differ in delimiter, encoding, date style and file type.
Common kinds have at least two systems so a mapping profile per system is worth saving.
"""

from __future__ import annotations

from rca.demo.exports.writing import Column, System

C = Column

SYSTEMS: tuple[System, ...] = (
    # --- care notes -------------------------------------------------------------------------
    System(
        "carelog",
        "CareLog visit notes",
        "care-notes",
        (
            C("Date", "at", "date"),
            C("Time", "at", "time"),
            C("Carer", "staff"),
            C("Client ID", "person"),
            C("Note", "text"),
            C("Concern?", "concern", "flag"),
        ),
        required="Date",
        flag_style="Y/",
    ),
    System(
        "visitpoint",
        "VisitPoint daily records",
        "care-notes",
        (
            C("Entry Date/Time", "at", "datetime"),
            C("Staff Member", "staff"),
            C("Service User Ref", "person"),
            C("Narrative", "text"),
            C("Safeguarding flag", "concern", "flag"),
        ),
        delimiter=";",
        encoding="cp1252",
        date_style="d mon yyyy",
        required="Entry Date/Time",
    ),
    System(
        "dailynotes",
        "DailyNotes workbook",
        "care-notes",
        (
            C("Date", "at", "date"),
            C("Time", "at", "time"),
            C("Written By", "staff"),
            C("Resident", "person"),
            C("Entry", "text"),
            C("Concern", "concern", "flag"),
        ),
        file_type="xlsx",
        sheet="Notes",
        sheets_before=("Cover",),
        required="Date",
    ),
    # --- rota --------------------------------------------------------------------------------
    System(
        "shiftplan",
        "ShiftPlan rota",
        "rota",
        (
            C("Staff Name", "staff"),
            C("Role", "role"),
            C("Contract", "employment"),
            C("Shift Date", "start", "date"),
            C("Start", "start", "time"),
            C("End", "end", "time"),
            C("Location", "location"),
        ),
        required="Staff Name",
    ),
    System(
        "rotaboard",
        "RotaBoard shifts",
        "rota",
        (
            C("Employee", "staff"),
            C("Job Title", "role"),
            C("Employment Type", "employment"),
            C("Date", "start", "date"),
            C("From", "start", "time"),
            C("To", "end", "time"),
            C("Site", "location"),
        ),
        file_type="xlsx",
        sheet="Shifts",
        sheets_after=("Summary", "Key"),
        required="Employee",
    ),
    # --- staff list --------------------------------------------------------------------------
    System(
        "staffhub",
        "StaffHub staff list",
        "staff",
        (
            C("Name", "staff"),
            C("Job Title", "role"),
            C("Contract", "employment"),
            C("Start Date", "start_date", "date"),
            C("Location", "location"),
        ),
        required="Name",
    ),
    System(
        "peoplefile",
        "PeopleFile employee report",
        "staff",
        (
            C("Employee Name", "staff"),
            C("Position", "role"),
            C("Employment Type", "employment"),
            C("Date Started", "start_date", "date"),
            C("Site", "location"),
        ),
        delimiter="\t",
        encoding="utf-16",
        date_style="iso",
        required="Employee Name",
    ),
    # --- supervision ---------------------------------------------------------------------------
    System(
        "staffhub-supervision",
        "StaffHub supervision log",
        "supervision",
        (
            C("Staff Name", "staff"),
            C("Supervisor", "supervisor"),
            C("Supervision Date", "on", "date"),
            C("Type", "type"),
            C("Next Due", "next_due", "date"),
            C("Safeguarding Discussed?", "safeguarding"),
            C("Notes", "text"),
        ),
        required="Supervision Date",
    ),
    System(
        "peoplefile-supervision",
        "PeopleFile one-to-ones",
        "supervision",
        (
            C("Employee", "staff"),
            C("Supervised By", "supervisor"),
            C("Date of Session", "on", "date"),
            C("Session Type", "type"),
            C("Next Supervision", "next_due", "date"),
            C("Safeguarding discussed", "safeguarding"),
            C("Summary", "text"),
        ),
        delimiter="\t",
        encoding="cp1252",
        date_style="dd-mon-yy",
        required="Date of Session",
    ),
    # --- training ------------------------------------------------------------------------------
    System(
        "learnpoint",
        "LearnPoint training matrix",
        "training",
        (
            C("Staff Name", "staff"),
            C("Course", "course"),
            C("Completed", "completed", "date"),
            C("Expires", "expires", "date"),
        ),
        required="Staff Name",
    ),
    System(
        "traintrack",
        "TrainTrack learner records",
        "training",
        (
            C("Learner", "staff"),
            C("Module", "course"),
            C("Date Completed", "completed", "date"),
            C("Expiry Date", "expires", "date"),
            C("Status", "status"),
        ),
        file_type="xlsx",
        sheet="Learners",
        sheets_before=("Read me",),
        required="Learner",
    ),
    # --- medication ------------------------------------------------------------------------------
    System(
        "emarx",
        "eMARx administration report",
        "mar",
        (
            C("Date", "scheduled", "date"),
            C("Resident", "person"),
            C("Medicine", "medicine"),
            C("Dose", "dose"),
            C("Scheduled", "scheduled", "time"),
            C("Given", "given", "time"),
            C("Code", "code"),
            C("Staff", "staff"),
        ),
        required="Date",
    ),
    System(
        "medsround",
        "MedsRound MAR export",
        "mar",
        (
            C("Administration Date", "scheduled", "date"),
            C("Service User", "person"),
            C("Drug", "medicine"),
            C("Strength/Dose", "dose"),
            C("Due Time", "scheduled", "time"),
            C("Time Given", "given", "time"),
            C("Outcome Code", "code"),
            C("Administered By", "staff"),
        ),
        file_type="xlsx",
        sheet="MAR",
        required="Administration Date",
    ),
    # --- incidents -------------------------------------------------------------------------------
    System(
        "safelog",
        "SafeLog incident register",
        "incidents",
        (
            C("Incident Date", "at", "date"),
            C("Time", "at", "time"),
            C("Reported By", "staff"),
            C("Client Ref", "person"),
            C("Type", "type"),
            C("Severity", "severity"),
            C("Description", "text"),
        ),
        required="Incident Date",
    ),
    System(
        "riskregister",
        "RiskRegister events",
        "incidents",
        (
            C("Date/Time of Event", "at", "datetime"),
            C("Reporter", "staff"),
            C("Resident Ref", "person"),
            C("Category", "type"),
            C("Harm Level", "severity"),
            C("What happened", "text"),
        ),
        delimiter=";",
        date_style="iso",
        required="Date/Time of Event",
    ),
    # --- the rest: one system each ----------------------------------------------------------------
    System(
        "carelog-plans",
        "CareLog care plan history",
        "care-plan-changes",
        (
            C("Date Changed", "at", "datetime"),
            C("Changed By", "staff"),
            C("Client ID", "person"),
            C("Section", "section"),
            C("Change", "text"),
            C("Reason", "reason"),
        ),
        required="Date Changed",
    ),
    System(
        "handover-book",
        "Handover book",
        "handover",
        (
            C("Date", "at", "date"),
            C("Shift", "shift"),
            C("Time", "at", "time"),
            C("Handed Over By", "staff"),
            C("Resident", "person"),
            C("Handover Note", "text"),
        ),
        file_type="xlsx",
        sheet="Handover",
        required="Date",
    ),
    System(
        "contactlog",
        "Contact log",
        "communication",
        (
            C("Date", "at", "date"),
            C("Time", "at", "time"),
            C("Staff", "staff"),
            C("Client ID", "person"),
            C("Method", "method"),
            C("Direction", "direction"),
            C("Contact", "contact"),
            C("Summary", "text"),
        ),
        encoding="cp1252",
        required="Date",
    ),
    System(
        "feedback-tracker",
        "Feedback tracker",
        "feedback",
        (
            C("Date Received", "on", "date"),
            C("Type", "type"),
            C("From", "source"),
            C("Client Ref", "person"),
            C("Details", "text"),
            C("Outcome", "outcome"),
        ),
        date_style="d mon yyyy",
        required="Date Received",
    ),
    System(
        "audit-tool",
        "Quality audit tool",
        "audit",
        (
            C("Audit Date", "on", "date"),
            C("Audit", "audit"),
            C("Auditor", "staff"),
            C("Score %", "score", "number"),
            C("Finding", "text"),
            C("Follow-up", "action"),
        ),
        file_type="xlsx",
        sheet="Audits",
        sheets_after=("Scoring",),
        required="Audit Date",
    ),
    System(
        "minutes",
        "Governance minutes register",
        "governance",
        (
            C("Meeting Date", "on", "date"),
            C("Meeting", "meeting"),
            C("Item", "item"),
            C("Decision", "text"),
            C("Owner", "staff"),
            C("Due", "due", "date"),
        ),
        required="Meeting Date",
    ),
)

BY_NAME: dict[str, System] = {s.name: s for s in SYSTEMS}


def systems_for(kind: str) -> list[System]:
    return [s for s in SYSTEMS if s.kind == kind]


def file_name(system: System) -> str:
    """``care-notes-carelog.csv``: the kind, then the system, with the kind said only once."""
    label = system.name.removesuffix("-" + system.kind).removeprefix(system.kind + "-")
    ext = "xlsx" if system.file_type == "xlsx" else "txt" if system.delimiter == "\t" else "csv"
    return f"{system.kind}-{label}.{ext}"
