"""Which tables a review bundle carries, found from the SQLAlchemy metadata, not a list per model.

A table travels when one of its foreign keys points at the review or at a table that travels
(evidence rows, causes, actions, their links, checks, meetings, issued reports...), so a table or
column added later by another area travels the day it is added. What stays behind is named here:

- the *registers* every review draws on (services, user accounts, staff, people supported): they
  belong to the instance, so a bundle names their rows by natural key and the receiving
  instance matches them (``rca.portability.registers``);
- *local* state that means nothing elsewhere (who is looking at a meeting now, this instance's
  undo pointers);
- the History (``audit_entry``), which carries ``review_id`` without a foreign key (entries must
  outlive deletes); it travels too, read by that column, with its ids remapped.

Any other table a travelling row points at (a mapping profile, say) is instance configuration:
the reference is left empty, or the row stays behind when the reference is required.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, MetaData, Select, Table, or_, select

ROOT = "review"
HISTORY = "audit_entry"
#: Register tables and the columns that name a row on another instance (with the columns a
#: bundle carries for each, so the receiving instance can add a staff member or person it lacks).
#: Never a user's password hash or tokens: only who they are.
REGISTERS: dict[str, tuple[str, ...]] = {
    "service": ("code", "name", "kind", "nation"),
    "user_account": ("email", "name"),
    "staff_member": ("service_id", "name", "role", "employment", "start_date", "managerial"),
    "person_supported": ("service_id", "reference", "name"),
}
#: Tables that hang off a review but hold only this instance's state, and why.
LOCAL: dict[str, str] = {
    "meeting_presence": "who has a meeting open right now",
    "cause_undo": "this instance's undo pointers (imported History is sealed against undo)",
    # Unique per run of this instance's incidents: carried back into the instance it came from
    # it would clash with itself; the review it started travels without it.
    "near_miss_decision": "this instance's decision on a run of its own incidents",
    # Unique per (factor, service of this instance): the check it planned travels with the
    # source review's plan; the decision stays with the services it was about.
    "suggestion_decision": "this instance's decision on a suggestion to one of its services",
}


@dataclass(frozen=True)
class Reference:
    """A column of a carried table that holds another row's id."""

    column: str
    target: str
    nullable: bool
    #: "carried" (remapped to the new row), "register" (matched by natural key) or "outside"
    #: (instance configuration: left empty).
    kind: str


@dataclass(frozen=True)
class Carried:
    """One table a bundle carries, with what its columns point at."""

    table: Table
    references: tuple[Reference, ...]

    @property
    def name(self) -> str:
        return self.table.name

    def reference(self, column: str) -> Reference | None:
        return next((r for r in self.references if r.column == column), None)

    @property
    def self_references(self) -> tuple[Reference, ...]:
        """Columns pointing at the same table (a cause's parent): written after the rows."""
        return tuple(r for r in self.references if r.target == self.name)


@dataclass(frozen=True)
class Plan:
    """What a bundle carries, for one metadata."""

    metadata: MetaData
    tables: tuple[Carried, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(c.name for c in self.tables)

    def table(self, name: str) -> Carried:
        return next(c for c in self.tables if c.name == name)

    def row_ids(self, name: str, review_id: int) -> Select:
        """``SELECT id`` of the rows of table ``name`` that belong to the review."""
        table = self.metadata.tables[name]
        if name == ROOT:
            return select(table.c.id).where(table.c.id == review_id)
        if name == HISTORY:
            return select(table.c.id).where(table.c.review_id == review_id)
        direct = [fk for fk in table.foreign_keys if fk.column.table.name == ROOT]
        if direct:
            return select(table.c.id).where(direct[0].parent == review_id)
        parents = [
            fk
            for fk in table.foreign_keys
            if fk.column.table.name in self.names and fk.column.table.name != name
        ]
        return select(table.c.id).where(
            or_(*(fk.parent.in_(self.row_ids(fk.column.table.name, review_id)) for fk in parents))
        )


_PLANS: dict[int, Plan] = {}


def plan(metadata: MetaData) -> Plan:
    """The carried tables in dependency order (a row's targets come first), History last."""
    found = _PLANS.get(id(metadata))
    if found is None:
        names = _carried_names(metadata)
        tables = [t for t in metadata.sorted_tables if t.name in names]
        tables.append(metadata.tables[HISTORY])
        for table in tables:
            check_shape(table)
        found = Plan(metadata, tuple(Carried(t, _references(t, names)) for t in tables))
        _PLANS[id(metadata)] = found
    return found


def _carried_names(metadata: MetaData) -> frozenset[str]:
    names = {ROOT}
    skip = set(REGISTERS) | set(LOCAL) | {HISTORY}
    grew = True
    while grew:
        grew = False
        for table in metadata.sorted_tables:
            if table.name in names or table.name in skip:
                continue
            if any(fk.column.table.name in names for fk in table.foreign_keys):
                names.add(table.name)
                grew = True
    return frozenset(names)


def _kind(target: str, names: frozenset[str]) -> str:
    if target in REGISTERS:
        return "register"
    return "carried" if target in names or target == HISTORY else "outside"


def _references(table: Table, names: frozenset[str]) -> tuple[Reference, ...]:
    refs = [
        Reference(
            fk.parent.name,
            fk.column.table.name,
            bool(fk.parent.nullable),
            _kind(fk.column.table.name, names),
        )
        for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)
    ]
    if table.name == HISTORY:
        # audit_entry.review_id has no foreign key on purpose; it is the review's all the same.
        refs.append(Reference("review_id", ROOT, True, "carried"))
    return tuple(refs)


def check_shape(table: Table) -> Column:
    """A carried table must have one integer primary key called ``id``: rows are remapped by it."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or pk[0].name != "id":
        raise TypeError(f"{table.name}: a bundle needs a single primary key column 'id'")
    return pk[0]
