"""Matching a bundle's services, users, staff and people to the receiving instance's registers.

Each is matched by its natural key, never by id: a service by code, a user by email (ignoring
case), a member of staff by name at the service (ignoring case and spacing), a person supported by
the care system's reference at the service. What cannot be matched is said, not guessed:

- a service that is not here refuses the import (add it first, or name another with --service);
- a user who is not here leaves the reference empty (History then shows no name), and a row that
  cannot exist without its user (a panel member) stays behind; both are listed;
- a member of staff or a person supported who is not here is added to the service's register,
  so the evidence, the timeline's lanes and the pseudonyms keep working; they are listed too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, func, insert, select
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.portability import values


class NoSuchService(LookupError):
    """The bundle's service is not on this instance."""


@dataclass
class Matched:
    """Source id → id here, per register table (None: not matched), and what was done."""

    ids: dict[str, dict[int, int | None]] = field(default_factory=lambda: defaultdict(dict))
    #: Source id → the entry as people know it ("Ann Lee <ann@example.org>"), for messages.
    labels: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    users_not_here: list[str] = field(default_factory=list)
    staff_added: list[str] = field(default_factory=list)
    people_added: list[str] = field(default_factory=list)
    service_code: str = ""


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def match(
    session: Session,
    metadata: MetaData,
    registers: dict[str, list[dict[str, Any]]],
    review_service: int,
    service_code: str | None = None,
) -> Matched:
    """Match every register entry of the bundle; adds the staff and people not found."""
    found = Matched()
    services = {e["id"]: e for e in registers.get("service", [])}
    if review_service not in services:
        raise NoSuchService("The bundle does not name the review's service.")
    code = service_code or services[review_service]["code"]
    service = metadata.tables["service"]
    here = dict(session.execute(select(service.c.code, service.c.id)).all())
    if code not in here:
        raise NoSuchService(
            f"There is no service {code} here. Add it first (flask --app rca services add "
            f"{code} ...), or name a service that is with --service CODE."
        )
    found.service_code = code
    for source_id, entry in services.items():
        own = entry["code"] if service_code is None else code
        found.ids["service"][source_id] = here.get(own, here[code])
        found.labels["service"][source_id] = str(entry["code"])
    _users(session, metadata, registers.get("user_account", []), found)
    _staff(session, metadata, registers.get("staff_member", []), found)
    _people(session, metadata, registers.get("person_supported", []), found)
    return found


def _users(session: Session, metadata: MetaData, entries: list[dict], found: Matched) -> None:
    users = metadata.tables["user_account"]
    wanted = {str(e["email"]).lower() for e in entries}
    here = dict(
        session.execute(
            select(func.lower(users.c.email), users.c.id).where(
                func.lower(users.c.email).in_(wanted or [""])
            )
        ).all()
    )
    for entry in entries:
        target = here.get(str(entry["email"]).lower())
        found.ids["user_account"][entry["id"]] = target
        found.labels["user_account"][entry["id"]] = f"{entry['name']} <{entry['email']}>"
        if target is None:
            found.users_not_here.append(found.labels["user_account"][entry["id"]])


def _staff(session: Session, metadata: MetaData, entries: list[dict], found: Matched) -> None:
    staff = metadata.tables["staff_member"]
    by_name: dict[tuple[int, str], int] = {}
    for sid, service_id, name in session.execute(
        select(staff.c.id, staff.c.service_id, staff.c.name).order_by(staff.c.id)
    ):
        by_name.setdefault((service_id, _name_key(name)), sid)
    for entry in entries:
        service_id = found.ids["service"][entry["service_id"]]
        key = (service_id, _name_key(entry["name"]))
        if key not in by_name:
            by_name[key] = _add(
                session,
                staff,
                entry,
                service_id,
                ("name", "role", "employment", "start_date", "managerial"),
            )
            found.staff_added.append(entry["name"])
        found.ids["staff_member"][entry["id"]] = by_name[key]
        found.labels["staff_member"][entry["id"]] = str(entry["name"])


def _people(session: Session, metadata: MetaData, entries: list[dict], found: Matched) -> None:
    people = metadata.tables["person_supported"]
    by_ref = {
        (service_id, ref): pid
        for pid, service_id, ref in session.execute(
            select(people.c.id, people.c.service_id, people.c.reference)
        )
    }
    for entry in entries:
        service_id = found.ids["service"][entry["service_id"]]
        key = (service_id, entry["reference"])
        if key not in by_ref:
            by_ref[key] = _add(session, people, entry, service_id, ("reference", "name"))
            found.people_added.append(entry["reference"])
        found.ids["person_supported"][entry["id"]] = by_ref[key]
        found.labels["person_supported"][entry["id"]] = str(entry["reference"])


def _add(session: Session, table: Any, entry: dict, service_id: int, columns: tuple) -> int:
    row = {c: values.load(table.c[c], entry.get(c), _no_file) for c in columns if c in entry}
    row.update(service_id=service_id, created_at=utcnow())
    return session.execute(insert(table).returning(table.c.id), row).scalar_one()


def _no_file(digest: str) -> bytes:
    raise TypeError("registers hold no files")
