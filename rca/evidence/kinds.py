"""The target schema of each source kind: which fields a timeline needs, which are required, their
types, and the header names real exports use for them (the mapping step matches on these). The
fields themselves, and those several kinds share, are in ``rca.evidence.target_fields``.
"""

from __future__ import annotations

from rca.evidence.models import KINDS
from rca.evidence.target_fields import (
    CHANGE_IN_NEED,
    CONCERN,
    EMPLOYMENT,
    LOCATION,
    PERSON,
    PERSON_OF_NOTE,
    PERSON_OF_PLAN,
    ROLE,
    STAFF,
    TEXT,
    TIME,
    TargetField,
    required,
    text_field,
    when,
)

KIND_FIELDS: dict[str, tuple[TargetField, ...]] = {
    "care-notes": (when(), TIME, STAFF, PERSON_OF_NOTE, TEXT, CONCERN, CHANGE_IN_NEED),
    "mar": (
        when("Date", True, "administration date", "due date", "scheduled date"),
        # A MAR row happens at its round's scheduled time (eMARx "Scheduled", MedsRound "Due
        # Time"); the time it was signed for is the row's own detail.
        TargetField(
            "time",
            "Time",
            "time",
            False,
            ("scheduled", "scheduled time", "due time", "time due", "round time", *TIME.synonyms),
        ),
        TargetField(
            "staff",
            "Administered by",
            "staff",
            False,
            ("administered by", "given by", "signed by", *STAFF.synonyms),
        ),
        required(PERSON),
        text_field(
            "medication", "Medication", "medication", "medicine", "drug", "item", required=True
        ),
        text_field("dose", "Dose", "dose", "dosage", "quantity", "qty"),
        TargetField(
            "outcome",
            "Outcome",
            "choice",
            False,
            ("outcome", "status", "code", "result", "administration status"),
            ("given", "refused", "missed", "omitted", "not required", "other"),
        ),
        TargetField("text", "Notes", "text", False, TEXT.synonyms + ("reason",)),
        CONCERN,
    ),
    "care-plan-changes": (
        when("Date changed", True, "date changed", "changed on", "review date", "updated"),
        TargetField("staff", "Changed by", "staff", False, ("changed by", *STAFF.synonyms)),
        PERSON_OF_PLAN,
        text_field(
            "section", "Care plan section", "section", "care plan section", "plan area", "need"
        ),
        TargetField(
            "text", "Change", "text", True, ("change", "summary", "what changed", *TEXT.synonyms)
        ),
        CONCERN,
    ),
    "rota": (
        TargetField(
            "occurred_at", "Shift date", "date", True, ("shift date", "date", "day", "rota date")
        ),
        TargetField(
            "start", "Start", "time", True, ("start", "start time", "shift start", "from", "begin")
        ),
        TargetField("end", "End", "time", True, ("end", "end time", "shift end", "to", "finish")),
        required(STAFF),
        ROLE,
        EMPLOYMENT,
        LOCATION,
    ),
    "staff": (
        TargetField(
            "staff",
            "Name",
            "staff",
            True,
            ("name", "full name", "employee name", "staff name", "employee", "staff member"),
        ),
        ROLE,
        EMPLOYMENT,
        TargetField(
            "start_date",
            "Start date",
            "date",
            False,
            ("start date", "started", "date started", "employment start", "join date", "joined"),
        ),
        LOCATION,
    ),
    "supervision": (
        when("Date", True, "supervision date", "session date", "meeting date"),
        TargetField(
            "staff",
            "Supervisee",
            "staff",
            True,
            ("supervisee", "staff member", "employee", "staff", "staff name", "name"),
        ),
        text_field(
            "supervisor", "Supervisor", "supervisor", "supervised by", "conducted by", "manager"
        ),
        text_field("type", "Type", "type", "supervision type", "session type"),
        TargetField("text", "Notes", "text", False, ("summary", "discussion", *TEXT.synonyms)),
        # The export's own next date: the timeline takes "overdue" from it rather than from the
        # service's interval, and says when it was set later than the standard allows.
        TargetField(
            "next_due",
            "Next supervision due",
            "date",
            False,
            (
                "next due",
                "next due date",
                "next supervision due",
                "next supervision",
                "next supervision date",
                "next session due",
                "next session",
                "due date",
                "due",
                "review due",
            ),
        ),
        TargetField(
            "safeguarding",
            "Safeguarding discussed",
            "flag",
            False,
            (
                "safeguarding discussed",
                "safeguarding discussed?",
                "safeguarding",
                "safeguarding covered",
                "safeguarding reviewed",
            ),
        ),
        CONCERN,
    ),
    "training": (
        TargetField(
            "staff",
            "Staff member",
            "staff",
            True,
            ("staff member", "employee", "name", "learner", "staff", "staff name", "trainee"),
        ),
        text_field(
            "course", "Course", "course", "course name", "training", "module", required=True
        ),
        TargetField(
            "completed",
            "Completed",
            "date",
            True,
            ("completed", "completed on", "date completed", "completion date", "date", "passed"),
        ),
        TargetField(
            "expires",
            "Expires",
            "date",
            False,
            ("expires", "expiry", "expiry date", "expires on", "renewal date", "valid until"),
        ),
    ),
    "incidents": (
        when("Date", True, "incident date", "date of incident", "date occurred", "occurred"),
        TIME,
        TargetField("staff", "Reported by", "staff", False, ("reported by", *STAFF.synonyms)),
        PERSON,
        text_field(
            "category", "Category", "category", "type", "incident type", "incident category"
        ),
        text_field("severity", "Severity", "severity", "harm", "level of harm", "grade"),
        TargetField(
            "text", "Description", "text", True, ("what happened", "summary", *TEXT.synonyms)
        ),
        LOCATION,
        CONCERN,
    ),
    "handover": (
        when("Date", True, "handover date", "shift date"),
        TIME,
        TargetField("staff", "Handed over by", "staff", False, ("handed over by", *STAFF.synonyms)),
        PERSON,
        TEXT,
        CONCERN,
        CHANGE_IN_NEED,
    ),
    "communication": (
        when("Date", True, "call date", "contact date", "sent"),
        TIME,
        STAFF,
        PERSON,
        text_field("channel", "Channel", "channel", "method", "type", "contact type", "medium"),
        text_field("contact", "With", "with", "contact", "caller", "recipient", "from", "to whom"),
        TargetField("text", "Summary", "text", True, ("summary", "message", *TEXT.synonyms)),
        CONCERN,
    ),
    "feedback": (
        when("Date received", True, "date received", "received", "submitted"),
        PERSON,
        TargetField(
            "type",
            "Type",
            "choice",
            False,
            ("type", "feedback type", "category", "kind"),
            ("complaint", "compliment", "survey", "comment"),
        ),
        text_field("source", "From", "from", "source", "submitted by", "complainant", "respondent"),
        TargetField("text", "Feedback", "text", True, ("feedback", "comment", *TEXT.synonyms)),
        CONCERN,
    ),
    "audit": (
        when("Audit date", True, "audit date", "date of audit"),
        TargetField("staff", "Auditor", "staff", False, ("auditor", "audited by", "completed by")),
        text_field("area", "Audit", "audit", "audit name", "area", "audit area", "topic"),
        text_field("result", "Result", "result", "score", "outcome", "rating", "compliance"),
        TargetField(
            "text", "Findings", "text", True, ("findings", "actions", "summary", *TEXT.synonyms)
        ),
        CONCERN,
    ),
    "governance": (
        when("Meeting date", True, "meeting date", "date of meeting"),
        text_field("meeting", "Meeting", "meeting", "forum", "committee", "meeting name"),
        TargetField("staff", "Chair", "staff", False, ("chair", "chaired by", "owner", "lead")),
        TargetField(
            "text", "Minute", "text", True, ("minute", "minutes", "item", "agenda item", "summary")
        ),
        text_field("decision", "Decision", "decision", "decisions", "action", "outcome"),
        CONCERN,
    ),
}
assert set(KIND_FIELDS) == set(KINDS), "every source kind needs a target schema"

#: Kinds whose staff names create (or are matched in) the service's staff register; other kinds
#: only link to staff already known, so a typo in a care note never invents a colleague.
STAFF_CREATING_KINDS = frozenset({"rota", "staff", "supervision", "training"})

#: The field whose value becomes the evidence row's ``occurred_at`` (default ``occurred_at``).
WHEN_FIELD = {"staff": "start_date", "training": "completed"}

#: What systems write for employment types, normalised (compared lower-case, punctuation-free).
EMPLOYMENT_WORDS = {
    "permanent": (
        "permanent",
        "perm",
        "contracted",
        "employed",
        "full time",
        "part time",
        "ft",
        "pt",
        "salaried",
        "staff",
        "fixed term",
        "contract",
    ),
    "bank": ("bank", "bank staff", "relief", "casual", "zero hours", "zero hour", "as required"),
    "agency": ("agency", "agency staff", "agy", "temp", "temporary", "locum", "external"),
}

#: Cells that mean yes / no in a flag column.
FLAG_TRUE = frozenset({"y", "yes", "true", "1", "x", "✓", "✔", "t", "flag", "flagged", "concern"})
FLAG_FALSE = frozenset({"n", "no", "false", "0", "", "-", "f", "none", "n/a", "na"})


def field_named(kind: str, name: str) -> TargetField | None:
    return next((f for f in KIND_FIELDS[kind] if f.name == name), None)


def required_fields(kind: str) -> list[TargetField]:
    return [f for f in KIND_FIELDS[kind] if f.required]
