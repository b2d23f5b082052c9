"""Users, their roles per service, API tokens, sign-in sessions and the sign-in log."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rca.audit.models import Audited
from rca.db import UTCDateTime, db, utcnow
from rca.provider.models import Service

#: Roles from most to least powerful; the order decides which wins when a user holds two.
ROLES = {
    "admin": "Admin",
    "investigator": "Investigator",
    "facilitator": "Facilitator",
    "contributor": "Contributor",
    "read-only": "Read-only",
}


class User(Audited, UserMixin, db.Model):
    __tablename__ = "user_account"
    __audit_label__ = "User"
    __audit_hidden__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: argon2id hash (argon2-cffi); never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_admin(self) -> bool:
        return any(m.role == "admin" for m in self.memberships)

    @property
    def role_summary(self) -> str:
        parts = []
        for m in sorted(self.memberships, key=lambda m: list(ROLES).index(m.role)):
            where = m.service.code if m.service else "all services"
            parts.append(f"{ROLES[m.role]} ({where})")
        return ", ".join(parts) or "no access"

    def audit_review_id(self) -> int | None:
        return None

    def audit_describe(self) -> str:
        return f"User {self.email}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(Audited, db.Model):
    """A user's role at one service, or at every service when ``service_id`` is null."""

    __tablename__ = "membership"
    __audit_label__ = "Role"
    __table_args__ = (UniqueConstraint("user_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    #: One of ROLES.
    role: Mapped[str] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="memberships")
    service: Mapped[Service | None] = relationship(lazy="joined")

    def audit_review_id(self) -> int | None:
        return None

    def audit_describe(self) -> str:
        return f"Role {self.role} for user #{self.user_id} at service #{self.service_id or 'all'}"


class ApiToken(db.Model):
    """A bearer token for /api/v1. Only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters, so a user can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One sign-in of one browser, on the server: the session cookie holds its secret, and a
    request opens nothing once the row has ended (sign-out, password change, deactivation, idle
    expiry), however valid the cookie's signature still is (``rca.accounts.sessions``)."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the secret in the cookie; never the secret.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Null while the session is live.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: One of ``rca.accounts.sessions.ENDINGS``.
    ended_why: Mapped[str | None] = mapped_column(String(32))


class SignInEvent(db.Model):
    """Every sign-in attempt, kept for admins and for slowing repeated failures."""

    __tablename__ = "sign_in_event"
    #: The per-client limit counts one address's recent failures across every account.
    __table_args__ = (Index("ix_sign_in_event_client", "remote_addr", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The address typed, lower-cased (it may match no user).
    email: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    succeeded: Mapped[bool]
    remote_addr: Mapped[str | None] = mapped_column(String(64))
