"""A target field of a source kind (``TargetField``: its type, whether it is required, the header
names real exports use for it), and the fields several kinds share (the date, time, staff,
person, text and flag columns), from which ``rca.evidence.kinds`` builds each kind's schema.

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


def when(label: str = "Date", required: bool = True, *extra: str) -> TargetField:
    """The row's moment (``occurred_at``) under the headers every system uses, and ``extra``."""
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


TIME = TargetField(
    "time", "Time", "time", False, ("time", "visit time", "entry time", "time of entry", "at")
)
STAFF = TargetField(
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
PERSON = TargetField(
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
TEXT = TargetField(
    "text",
    "What happened",
    "text",
    True,
    ("note", "notes", "narrative", "details", "description", "entry", "text", "comments"),
)
CONCERN = TargetField(
    "concern",
    "Concern",
    "flag",
    False,
    ("concern", "concern?", "flag", "flagged", "escalated", "alert", "raise concern", "issue"),
)
LOCATION = TargetField(
    "location", "Location", "text", False, ("location", "site", "unit", "branch", "area", "floor")
)
ROLE = TargetField(
    "role", "Role", "role", False, ("role", "job title", "job role", "position", "grade", "title")
)
EMPLOYMENT = TargetField(
    "employment",
    "Employment",
    "employment",
    False,
    ("employment", "employment type", "contract", "contract type", "staff type", "worker type"),
)


#: A care note or handover that records a change in the person's needs (or risk): the start of
#: the "change in need reflected in the care plan within 5 working days" standard.
CHANGE_IN_NEED = TargetField(
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


def text_field(name: str, label: str, *synonyms: str, required: bool = False) -> TargetField:
    """A free-text field found under these header names."""
    return TargetField(name, label, "text", required, synonyms)


def required(field: TargetField) -> TargetField:
    """A shared field that this kind cannot do without."""
    return TargetField(field.name, field.label, field.type, True, field.synonyms, field.choices)


def needed_when_mapped(field: TargetField, why: str) -> TargetField:
    """A shared field whose blank cell refuses the row once the column is mapped, saying why."""
    return dataclasses.replace(field, needed_when_mapped=why)


#: A visit note or a care plan change is about someone: with a person column mapped, a row
#: whose cell is blank would be a record about nobody, so it goes to "needs attention".
#: (Handovers, incidents, calls and feedback may rightly concern the home as a whole.)
PERSON_OF_NOTE = needed_when_mapped(PERSON, "a care note has to say who it is about")
PERSON_OF_PLAN = needed_when_mapped(PERSON, "a care plan change belongs to someone's plan")
