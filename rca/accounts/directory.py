"""Domain functions behind the admin screens: services, users and their roles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.accounts import sessions
from rca.accounts.models import ROLES, Membership, User
from rca.accounts.passwords import MIN_LENGTH, hash_password, verify_password
from rca.db import db
from rca.provider.models import NATIONS, SERVICE_KINDS, Service
from rca.validation import Collector, FieldErrors, parse_choice, parse_id, parse_text


def add_service(session: Session, raw: Mapping[str, Any]) -> Service:
    c = Collector()
    code = c.check("code", parse_text, raw.get("code"), label="Code", max_len=32)
    name = c.check("name", parse_text, raw.get("name"), label="Name")
    kind = c.check("kind", parse_choice, raw.get("kind"), SERVICE_KINDS, label="Kind")
    nation = c.check("nation", parse_choice, raw.get("nation") or "ENG", NATIONS, label="Nation")
    if code and session.scalars(select(Service).where(Service.code == code)).first():
        c.errors["code"] = f"A service with code {code} already exists."
    c.raise_if_any()
    service = Service(code=code, name=name, kind=kind, nation=nation)
    session.add(service)
    return service


def _memberships(session: Session, role: Any, service_ids: Iterable[Any]) -> list[Membership]:
    role = str(role or "")
    if role not in ROLES:
        raise FieldErrors({"role": "Choose a role."})
    if role == "admin":
        return [Membership(role=role, service_id=None)]
    wanted = [str(s) for s in service_ids]
    if "all" in wanted:
        return [Membership(role=role, service_id=None)]
    ids = {i for s in wanted if (i := parse_id(s)) is not None}
    found = set(session.scalars(select(Service.id).where(Service.id.in_(ids or [-1]))))
    if not found or found != ids:
        raise FieldErrors({"services": "Choose at least one service (or all services)."})
    return [Membership(role=role, service_id=sid) for sid in sorted(found)]


def add_user(session: Session, raw: Mapping[str, Any], service_ids: Iterable[Any]) -> User:
    c = Collector()
    email = c.check("email", parse_text, raw.get("email"), label="Email", max_len=254)
    name = c.check("name", parse_text, raw.get("name"), label="Name")
    if email and "@" not in email:
        c.errors["email"] = "Enter an email address, like name@example.org."
    if (
        email
        and session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()
    ):
        c.errors["email"] = "A user with this email address already exists."
    password = str(raw.get("password") or "")
    if len(password) < MIN_LENGTH:
        c.errors["password"] = f"Passwords must be at least {MIN_LENGTH} characters."
    try:
        memberships = _memberships(session, raw.get("role"), service_ids)
    except FieldErrors as exc:
        c.errors.update(exc.errors)
        memberships = []
    c.raise_if_any()
    user = User(email=email.lower(), name=name, password_hash=hash_password(password))
    user.memberships.extend(memberships)
    session.add(user)
    return user


def set_roles(user: User, role: Any, service_ids: Iterable[Any], acting: User) -> None:

    if user.id == acting.id and role != "admin":
        raise FieldErrors({"role": "You cannot remove your own admin role."})
    memberships = _memberships(db.session, role, service_ids)
    user.memberships.clear()
    db.session.flush()
    user.memberships.extend(memberships)


def set_active(user: User, active: bool, acting: User) -> None:
    """Deactivating ends every session of the user; reactivating revives none of them."""

    if user.id == acting.id and not active:
        raise FieldErrors({"active": "You cannot deactivate yourself."})
    user.active = active
    if not active:
        sessions.end_all(db.session, user, "deactivated")


def change_password(
    user: User, current: str, new: str, confirm: str, *, keep_session: object = None
) -> None:
    """Change a user's own password; every other session of theirs ends (``keep_session``, the
    secret of the session doing the change, carries on)."""
    if not verify_password(user.password_hash, current):
        raise FieldErrors({"current_password": "Your current password is not right."})
    if len(new) < MIN_LENGTH:
        raise FieldErrors({"new_password": f"Passwords must be at least {MIN_LENGTH} characters."})
    if new != confirm:
        raise FieldErrors({"confirm_password": "The two new passwords do not match."})

    user.password_hash = hash_password(new)
    sessions.end_all(db.session, user, "password-changed", keep=keep_session)
