"""The target schema of each source kind: which fields a timeline needs, which are required, their
types, and the header names real exports use for them (the mapping step matches on these).

Field types:
``datetime``  a date column, or a date-and-time column (a separate ``time`` field adds the time);
``date``      a calendar date; ``time`` a clock time (Europe/London);
``text``      free text, stored verbatim; ``staff`` a member of staff's name (matched in the
register); ``person`` a person supported's reference; ``flag`` a Y/N-ish concern indicator;
``choice``    one of the field's ``choices`` (normalised from what systems write);
``role``      a job title; ``employment`` permanent/bank/agency.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from rca.evidence.models import KINDS

FieldType = Literal[
    "datetime", "date", "time", "text", "staff", "person", "flag", "choice", "role", "employment"
]


@dataclass(frozen=True)
class TargetField:
    name: str
    label: str
    type: FieldType
    required: bool
    #: Header names seen in real exports (compared case- and punctuation-insensitively).
    synonyms: tuple[str, ...]
    #: For ``choice`` fields: the canonical values.
    choices: tuple[str, ...] = ()
    #: Why a blank cell makes the row unusable once the field IS mapped ("" = it does not): a
    #: file without the column is fine (a home's general log), a blank cell in it is not.
    needed_when_mapped: str = ""

    def blank_refusal(self, column: str) -> str | None:
        """The reason a row with this field's cell blank is refused, or None if it is not."""
        if not (self.required or self.needed_when_mapped):
            return None
        why = f": {self.needed_when_mapped}" if self.needed_when_mapped else ""
        return f"{self.label} (column {column!r}) is empty{why}"


def _when(label: str = "Date", required: bool = True, *extra: str) -> TargetField:
    return TargetField(
        "occurred_at",
        label,
        "datetime",
        required,
        (
            "date",
            "date time",
            "datetime",
            "date and time",
            "entry date time",
            "entry date",
            "visit date",
            "note date",
            "recorded",
            "recorded at",
            "timestamp",
            "when",
            *extra,
        ),
    )


_TIME = TargetField(
    "time", "Time", "time", False, ("time", "visit time", "entry time", "time of entry", "at")
)
_STAFF = TargetField(
    "staff",
    "Staff member",
    "staff",
    False,
    (
        "staff",
        "staff member",
        "staff name",
        "carer",
        "care worker",
        "worker",
        "employee",
        "author",
        "written by",
        "recorded by",
        "entered by",
        "user",
    ),
)
_PERSON = TargetField(
    "person",
    "Person supported (reference)",
    "person",
    False,
    (
        "client id",
        "client ref",
        "client reference",
        "service user ref",
        "service user id",
        "service user reference",
        "resident id",
        "resident ref",
        "person ref",
        "person id",
        "person reference",
        "customer id",
        "su ref",
        "nhs number",
    ),
)
_TEXT = TargetField(
    "text",
    "What happened",
    "text",
    True,
    ("note", "notes", "narrative", "details", "description", "entry", "text", "comments"),
)
_CONCERN = TargetField(
    "concern",
    "Concern",
    "flag",
    False,
    ("concern", "concern?", "flag", "flagged", "escalated", "alert", "raise concern", "issue"),
)
_LOCATION = TargetField(
    "location", "Location", "text", False, ("location", "site", "unit", "branch", "area", "floor")
)
_ROLE = TargetField(
    "role", "Role", "role", False, ("role", "job title", "job role", "position", "grade", "title")
)
_EMPLOYMENT = TargetField(
    "employment",
    "Employment",
    "employment",
    False,
    ("employment", "employment type", "contract", "contract type", "staff type", "worker type"),
)


#: A care note or handover that records a change in the person's needs (or risk): the start of
#: the "change in need reflected in the care plan within 5 working days" standard.
_CHANGE_IN_NEED = TargetField(
    "change_in_need",
    "Change in need",
    "flag",
    False,
    (
        "change in need",
        "change in needs",
        "change of need",
        "needs changed",
        "need changed",
        "risk changed",
        "change in risk",
        "care plan review needed",
        "plan review needed",
        "review care plan",
    ),
)


def _text(name: str, label: str, *synonyms: str, required: bool = False) -> TargetField:
    return TargetField(name, label, "text", required, synonyms)


def _required(field: TargetField) -> TargetField:
    return TargetField(field.name, field.label, field.type, True, field.synonyms, field.choices)


def _needed_when_mapped(field: TargetField, why: str) -> TargetField:
    return dataclasses.replace(field, needed_when_mapped=why)


#: A visit note or a care plan change is about someone: with a person column mapped, a row
#: whose cell is blank would be a record about nobody, so it goes to "needs attention".
#: (Handovers, incidents, calls and feedback may rightly concern the home as a whole.)
_PERSON_OF_NOTE = _needed_when_mapped(_PERSON, "a care note has to say who it is about")
_PERSON_OF_PLAN = _needed_when_mapped(_PERSON, "a care plan change belongs to someone's plan")


KIND_FIELDS: dict[str, tuple[TargetField, ...]] = {
    "care-notes": (_when(), _TIME, _STAFF, _PERSON_OF_NOTE, _TEXT, _CONCERN, _CHANGE_IN_NEED),
    "mar": (
        _when("Date", True, "administration date", "due date", "scheduled date"),
        # A MAR row happens at its round's scheduled time (eMARx "Scheduled", MedsRound "Due
        # Time"); the time it was signed for is the row's own detail.
        TargetField(
            "time",
            "Time",
            "time",
            False,
            ("scheduled", "scheduled time", "due time", "time due", "round time", *_TIME.synonyms),
        ),
        TargetField(
            "staff",
            "Administered by",
            "staff",
            False,
            ("administered by", "given by", "signed by", *_STAFF.synonyms),
        ),
        _required(_PERSON),
        _text("medication", "Medication", "medication", "medicine", "drug", "item", required=True),
        _text("dose", "Dose", "dose", "dosage", "quantity", "qty"),
        TargetField(
            "outcome",
            "Outcome",
            "choice",
            False,
            ("outcome", "status", "code", "result", "administration status"),
            ("given", "refused", "missed", "omitted", "not required", "other"),
        ),
        TargetField("text", "Notes", "text", False, _TEXT.synonyms + ("reason",)),
        _CONCERN,
    ),
    "care-plan-changes": (
        _when("Date changed", True, "date changed", "changed on", "review date", "updated"),
        TargetField("staff", "Changed by", "staff", False, ("changed by", *_STAFF.synonyms)),
        _PERSON_OF_PLAN,
        _text("section", "Care plan section", "section", "care plan section", "plan area", "need"),
        TargetField(
            "text", "Change", "text", True, ("change", "summary", "what changed", *_TEXT.synonyms)
        ),
        _CONCERN,
    ),
    "rota": (
        TargetField(
            "occurred_at", "Shift date", "date", True, ("shift date", "date", "day", "rota date")
        ),
        TargetField(
            "start", "Start", "time", True, ("start", "start time", "shift start", "from", "begin")
        ),
        TargetField("end", "End", "time", True, ("end", "end time", "shift end", "to", "finish")),
        _required(_STAFF),
        _ROLE,
        _EMPLOYMENT,
        _LOCATION,
    ),
    "staff": (
        TargetField(
            "staff",
            "Name",
            "staff",
            True,
            ("name", "full name", "employee name", "staff name", "employee", "staff member"),
        ),
        _ROLE,
        _EMPLOYMENT,
        TargetField(
            "start_date",
            "Start date",
            "date",
            False,
            ("start date", "started", "date started", "employment start", "join date", "joined"),
        ),
        _LOCATION,
    ),
    "supervision": (
        _when("Date", True, "supervision date", "session date", "meeting date"),
        TargetField(
            "staff",
            "Supervisee",
            "staff",
            True,
            ("supervisee", "staff member", "employee", "staff", "staff name", "name"),
        ),
        _text("supervisor", "Supervisor", "supervisor", "supervised by", "conducted by", "manager"),
        _text("type", "Type", "type", "supervision type", "session type"),
        TargetField("text", "Notes", "text", False, ("summary", "discussion", *_TEXT.synonyms)),
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
        _CONCERN,
    ),
    "training": (
        TargetField(
            "staff",
            "Staff member",
            "staff",
            True,
            ("staff member", "employee", "name", "learner", "staff", "staff name", "trainee"),
        ),
        _text("course", "Course", "course", "course name", "training", "module", required=True),
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
        _when("Date", True, "incident date", "date of incident", "date occurred", "occurred"),
        _TIME,
        TargetField("staff", "Reported by", "staff", False, ("reported by", *_STAFF.synonyms)),
        _PERSON,
        _text("category", "Category", "category", "type", "incident type", "incident category"),
        _text("severity", "Severity", "severity", "harm", "level of harm", "grade"),
        TargetField(
            "text", "Description", "text", True, ("what happened", "summary", *_TEXT.synonyms)
        ),
        _LOCATION,
        _CONCERN,
    ),
    "handover": (
        _when("Date", True, "handover date", "shift date"),
        _TIME,
        TargetField(
            "staff", "Handed over by", "staff", False, ("handed over by", *_STAFF.synonyms)
        ),
        _PERSON,
        _TEXT,
        _CONCERN,
        _CHANGE_IN_NEED,
    ),
    "communication": (
        _when("Date", True, "call date", "contact date", "sent"),
        _TIME,
        _STAFF,
        _PERSON,
        _text("channel", "Channel", "channel", "method", "type", "contact type", "medium"),
        _text("contact", "With", "with", "contact", "caller", "recipient", "from", "to whom"),
        TargetField("text", "Summary", "text", True, ("summary", "message", *_TEXT.synonyms)),
        _CONCERN,
    ),
    "feedback": (
        _when("Date received", True, "date received", "received", "submitted"),
        _PERSON,
        TargetField(
            "type",
            "Type",
            "choice",
            False,
            ("type", "feedback type", "category", "kind"),
            ("complaint", "compliment", "survey", "comment"),
        ),
        _text("source", "From", "from", "source", "submitted by", "complainant", "respondent"),
        TargetField("text", "Feedback", "text", True, ("feedback", "comment", *_TEXT.synonyms)),
        _CONCERN,
    ),
    "audit": (
        _when("Audit date", True, "audit date", "date of audit"),
        TargetField("staff", "Auditor", "staff", False, ("auditor", "audited by", "completed by")),
        _text("area", "Audit", "audit", "audit name", "area", "audit area", "topic"),
        _text("result", "Result", "result", "score", "outcome", "rating", "compliance"),
        TargetField(
            "text", "Findings", "text", True, ("findings", "actions", "summary", *_TEXT.synonyms)
        ),
        _CONCERN,
    ),
    "governance": (
        _when("Meeting date", True, "meeting date", "date of meeting"),
        _text("meeting", "Meeting", "meeting", "forum", "committee", "meeting name"),
        TargetField("staff", "Chair", "staff", False, ("chair", "chaired by", "owner", "lead")),
        TargetField(
            "text", "Minute", "text", True, ("minute", "minutes", "item", "agenda item", "summary")
        ),
        _text("decision", "Decision", "decision", "decisions", "action", "outcome"),
        _CONCERN,
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
