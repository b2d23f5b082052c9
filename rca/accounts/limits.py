"""How long a sign-in attempt must wait after failures: per account and per client address.

Two limits, both counted from ``sign_in_event`` so every app process agrees:

- **Account.** After ``account_free`` failures for one email address, each further attempt
  waits a lock that starts at ``first_lock`` seconds and doubles per extra failure, never more
  than ``max_lock``. Failures are forgotten after a success or when older than ``window``.
  So that a stranger cannot keep an owner out of their own account, a client address that
  has signed in to the account before (within ``known_client_days``) is judged on its own
  failures only: an attacker elsewhere locks only themselves out.
- **Client.** One address that fails ``client_free`` times within the window, across any
  accounts, waits the same doubling lock: it cannot try many accounts. A failure that the
  same address later put right (it signed in to that account) is a typo, not an attack, and
  does not count, so an office behind one address is not locked by its own staff.

An attempt refused by a lock is neither checked nor logged, so waiting does not extend it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from rca.accounts.models import SignInEvent

Scope = Literal["account", "client"]


@dataclass(frozen=True)
class SignInLimits:
    account_free: int = 5
    client_free: int = 20
    first_lock: int = 60
    max_lock: int = 15 * 60
    window: timedelta = timedelta(hours=1)
    known_client_days: int = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SignInLimits:
        return cls(
            account_free=int(config.get("SIGNIN_FREE_FAILURES", cls.account_free)),
            client_free=int(config.get("SIGNIN_CLIENT_FREE_FAILURES", cls.client_free)),
            first_lock=int(config.get("SIGNIN_FIRST_LOCK_SECONDS", cls.first_lock)),
            max_lock=int(config.get("SIGNIN_MAX_LOCK_SECONDS", cls.max_lock)),
            window=timedelta(minutes=int(config.get("SIGNIN_WINDOW_MINUTES", 60))),
            known_client_days=int(config.get("SIGNIN_KNOWN_CLIENT_DAYS", cls.known_client_days)),
        )

    def lock_seconds(self, failures: int, free: int) -> int:
        """The lock after ``failures`` counted failures (0 while fewer than ``free``)."""
        if failures < free:
            return 0
        return min(self.first_lock * 2 ** min(failures - free, 20), self.max_lock)


@dataclass(frozen=True)
class Lock:
    retry_after: int  # whole seconds, at least 1
    scope: Scope


def current_lock(
    session: Session, email: str, client: str | None, limits: SignInLimits, now: datetime
) -> Lock | None:
    """The lock that refuses an attempt for ``email`` from ``client`` now, if any."""
    account = _account_failures(session, email, client, limits, now)
    wait = _remaining(account, limits.lock_seconds(len(account), limits.account_free), now)
    if wait:
        return Lock(wait, "account")
    if client:
        failures = _client_failures(session, client, limits, now)
        wait = _remaining(failures, limits.lock_seconds(len(failures), limits.client_free), now)
        if wait:
            return Lock(wait, "client")
    return None


def _remaining(failures: list[datetime], lock: int, now: datetime) -> int:
    if not lock or not failures:
        return 0
    remaining = (max(failures) + timedelta(seconds=lock) - now).total_seconds()
    return max(0, int(remaining + 0.999))


def _account_failures(
    session: Session, email: str, client: str | None, limits: SignInLimits, now: datetime
) -> list[datetime]:
    """Failures for ``email`` since its last success and within the window; from ``client``
    alone when that client has signed in to the account before."""
    since = now - limits.window
    last_success = session.scalar(
        select(SignInEvent.at)
        .where(SignInEvent.email == email, SignInEvent.succeeded)
        .order_by(SignInEvent.at.desc())
        .limit(1)
    )
    if last_success is not None and last_success > since:
        since = last_success
    query = select(SignInEvent.at).where(
        SignInEvent.email == email, ~SignInEvent.succeeded, SignInEvent.at > since
    )
    if client and _known_client(session, email, client, limits, now):
        query = query.where(SignInEvent.remote_addr == client)
    return list(session.scalars(query.order_by(SignInEvent.at.desc()).limit(64)))


def _known_client(
    session: Session, email: str, client: str, limits: SignInLimits, now: datetime
) -> bool:
    return (
        session.scalar(
            select(SignInEvent.id)
            .where(
                SignInEvent.email == email,
                SignInEvent.remote_addr == client,
                SignInEvent.succeeded,
                SignInEvent.at >= now - timedelta(days=limits.known_client_days),
            )
            .limit(1)
        )
        is not None
    )


def _client_failures(
    session: Session, client: str, limits: SignInLimits, now: datetime
) -> list[datetime]:
    """This address's failures within the window, less those it put right by signing in."""
    later = aliased(SignInEvent)
    put_right = exists().where(
        and_(
            later.remote_addr == SignInEvent.remote_addr,
            later.email == SignInEvent.email,
            later.succeeded,
            later.at > SignInEvent.at,
        )
    )
    return list(
        session.scalars(
            select(SignInEvent.at)
            .where(
                SignInEvent.remote_addr == client,
                ~SignInEvent.succeeded,
                SignInEvent.at > now - limits.window,
                ~put_right,
            )
            .order_by(SignInEvent.at.desc())
            .limit(256)
        )
    )
