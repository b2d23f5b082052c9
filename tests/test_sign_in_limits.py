"""Sign-in locks per account and per client address (issue 19, item 13): short locks that
double and then stop growing, an owner who can still sign in from where they always do, and
one client that cannot work through many accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from rca.accounts.limits import SignInLimits
from rca.accounts.login import sign_in
from rca.accounts.models import SignInEvent
from rca.db import db
from tests.conftest import PASSWORD, Browserless

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LIMITS = SignInLimits()
OWNER_ADDR = "192.0.2.10"
ATTACKER = "203.0.113.66"


@pytest.fixture
def owner(make_user):
    return make_user("owner@example.org", "investigator")


def attempt(email: str, password: str, addr: str, at: datetime):
    return sign_in(db.session, email, password, addr, limits=LIMITS, now=at)


def fail_times(email: str, addr: str, at: datetime, times: int):
    results = [attempt(email, "wrong-password-here", addr, at) for _ in range(times)]
    return results[-1]


def logged() -> int:
    return db.session.scalar(select(func.count()).select_from(SignInEvent)) or 0


def test_five_failures_lock_the_account_for_a_minute_then_the_lock_doubles(ctx, owner):
    result = fail_times(owner.email, ATTACKER, START, 5)
    assert result.user is None and result.retry_after == 0  # the fifth is checked and fails
    locked = attempt(owner.email, PASSWORD, ATTACKER, START + timedelta(seconds=1))
    assert (locked.user, locked.scope) == (None, "account")
    assert locked.retry_after == 59
    # The right password during the lock is not even checked, and the refusal is not logged.
    assert logged() == 5
    # After the minute, one more failure locks it for two minutes, then four...
    later = START + timedelta(seconds=61)
    assert attempt(owner.email, "wrong-again-here", ATTACKER, later).retry_after == 0
    assert attempt(owner.email, PASSWORD, ATTACKER, later).retry_after == 120
    later += timedelta(seconds=121)
    attempt(owner.email, "wrong-again-here", ATTACKER, later)
    assert attempt(owner.email, PASSWORD, ATTACKER, later).retry_after == 240


def test_the_lock_never_grows_past_fifteen_minutes(ctx, owner):
    at = START
    fail_times(owner.email, ATTACKER, at, 5)
    waits = []
    for _ in range(7):  # about an hour of attempts; older failures then leave the window
        wait = attempt(owner.email, PASSWORD, ATTACKER, at).retry_after
        waits.append(wait)
        at += timedelta(seconds=wait + 1)
        attempt(owner.email, "still-wrong-here", ATTACKER, at)
    assert waits == [60, 120, 240, 480, 900, 900, 900]


def test_refused_attempts_do_not_extend_the_lock(ctx, owner):
    fail_times(owner.email, ATTACKER, START, 5)
    for second in range(1, 60, 5):  # hammering during the lock
        attempt(owner.email, "wrong-password-here", ATTACKER, START + timedelta(seconds=second))
    assert logged() == 5
    ok = attempt(owner.email, PASSWORD, ATTACKER, START + timedelta(seconds=61))
    assert ok.user is not None and ok.user.email == owner.email


def test_failures_are_forgotten_after_a_success_or_an_hour(ctx, owner):
    fail_times(owner.email, OWNER_ADDR, START, 4)
    assert attempt(owner.email, PASSWORD, OWNER_ADDR, START + timedelta(seconds=1)).user
    # Four more failures after the success: not five since it, so no lock.
    fail_times(owner.email, OWNER_ADDR, START + timedelta(seconds=2), 4)
    assert attempt(owner.email, PASSWORD, OWNER_ADDR, START + timedelta(seconds=3)).user
    at = START + timedelta(seconds=4)
    fail_times(owner.email, ATTACKER, at, 4)
    an_hour_on = at + timedelta(hours=1, seconds=1)
    fail_times(owner.email, ATTACKER, an_hour_on, 4)  # the first four have aged out
    assert attempt(owner.email, PASSWORD, ATTACKER, an_hour_on).user is not None


def test_an_attacker_elsewhere_cannot_lock_the_owner_out_of_where_they_sign_in(ctx, owner):
    assert attempt(owner.email, PASSWORD, OWNER_ADDR, START).user is not None  # last week
    at = START + timedelta(days=7)
    fail_times(owner.email, ATTACKER, at, 12)
    assert attempt(owner.email, PASSWORD, ATTACKER, at).scope == "account"
    # A new address shares the account's lock...
    new_place = attempt(owner.email, PASSWORD, "198.51.100.7", at + timedelta(seconds=5))
    assert new_place.user is None and new_place.scope == "account"
    # ... but the owner, from the address they signed in from before, is judged on their own.
    result = attempt(owner.email, PASSWORD, OWNER_ADDR, at + timedelta(seconds=6))
    assert result.user is not None and result.retry_after == 0


def test_one_client_cannot_work_through_many_accounts(ctx, make_user):
    emails = [f"user{n}@example.org" for n in range(25)]
    for email in emails[:5]:
        make_user(email)
    results = [attempt(email, "guessed-password-1", ATTACKER, START) for email in emails[:20]]
    assert all(r.retry_after == 0 for r in results)  # each account failed only once
    locked = attempt(emails[20], "guessed-password-1", ATTACKER, START + timedelta(seconds=2))
    assert (locked.scope, locked.retry_after) == ("client", 58)
    # Other clients are not touched by this one's lock.
    assert attempt(emails[0], PASSWORD, OWNER_ADDR, START + timedelta(seconds=3)).user is not None
    # The client's lock ends too, and doubles on the next failure.
    after = START + timedelta(seconds=61)
    assert attempt(emails[21], "guessed-password-1", ATTACKER, after).retry_after == 0
    assert attempt(emails[22], "guessed-password-1", ATTACKER, after).retry_after == 120


def test_typos_put_right_from_one_office_address_do_not_lock_the_office(ctx, make_user):
    staff = [make_user(f"carer{n}@example.org") for n in range(15)]
    for n, person in enumerate(staff):  # everyone mistypes twice, then gets it right
        at = START + timedelta(seconds=10 * n)
        fail_times(person.email, OWNER_ADDR, at, 2)
        assert attempt(person.email, PASSWORD, OWNER_ADDR, at + timedelta(seconds=5)).user
    later = START + timedelta(minutes=5)
    assert attempt(staff[0].email, "mistyped-again-1", OWNER_ADDR, later).retry_after == 0
    # Unrepaired failures from that address still count toward its lock.
    for n in range(19):
        attempt(f"nobody{n}@example.org", "mistyped-again-1", OWNER_ADDR, later)
    assert attempt(staff[1].email, PASSWORD, OWNER_ADDR, later).scope == "client"


def test_limits_come_from_config():
    limits = SignInLimits.from_config(
        {
            "SIGNIN_FREE_FAILURES": 3,
            "SIGNIN_CLIENT_FREE_FAILURES": 9,
            "SIGNIN_FIRST_LOCK_SECONDS": 10,
            "SIGNIN_MAX_LOCK_SECONDS": 40,
            "SIGNIN_WINDOW_MINUTES": 5,
        }
    )
    assert (limits.account_free, limits.client_free, limits.window) == (3, 9, timedelta(minutes=5))
    assert [limits.lock_seconds(n, 3) for n in range(2, 8)] == [0, 10, 20, 40, 40, 40]


def test_the_sign_in_page_says_how_long_to_wait_and_sends_retry_after(app, owner):
    now = [START]
    app.config["SIGNIN_CLOCK"] = lambda: now[0]
    try:
        web = Browserless(app.test_client())
        for _ in range(5):
            assert web.login(owner.email, "wrong-password-here").status_code == 401
        now[0] = START + timedelta(seconds=20)
        locked = web.login(owner.email, PASSWORD)
        assert locked.status_code == 429
        assert locked.headers["Retry-After"] == "40"
        assert "Wait 40 seconds" in locked.get_data(as_text=True)
        assert web.get("/").status_code == 302  # not signed in
        now[0] = START + timedelta(seconds=61)
        assert web.login(owner.email, PASSWORD).status_code == 302
        assert web.get("/").status_code == 200
    finally:
        app.config.pop("SIGNIN_CLOCK", None)


def test_a_long_lock_is_said_in_minutes(app, owner):
    now = [START]  # the failures' times come from the page's clock
    app.config["SIGNIN_CLOCK"] = lambda: now[0]
    try:
        web = Browserless(app.test_client())
        for _ in range(5):
            web.login(owner.email, "wrong-password-here")
        for lock in (60, 120, 240, 480):  # each lock waited out, then one more failure
            now[0] += timedelta(seconds=lock + 1)
            assert web.login(owner.email, "wrong-password-here").status_code == 401
        now[0] += timedelta(seconds=1)  # now locked for 900 s from the last failure
        locked = web.login(owner.email, PASSWORD)
        assert locked.status_code == 429 and locked.headers["Retry-After"] == "899"
        assert "Wait 15 minutes, then try again." in locked.get_data(as_text=True)
    finally:
        app.config.pop("SIGNIN_CLOCK", None)


def test_the_page_names_a_client_lock_as_the_network_address(app, make_user):
    now = [START]
    app.config["SIGNIN_CLOCK"] = lambda: now[0]
    try:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = ATTACKER
        web = Browserless(client)
        for n in range(20):
            assert web.login(f"guess{n}@example.org", "guessed-password-1").status_code == 401
        locked = web.login("guess99@example.org", "guessed-password-1")
        assert locked.status_code == 429 and locked.headers["Retry-After"] == "60"
        assert "from this network address" in locked.get_data(as_text=True)
    finally:
        app.config.pop("SIGNIN_CLOCK", None)
