"""Two app processes, one consumer, one PostgreSQL, one Redis: what one instance starts, the other
shows; a cause added in a meeting through one is seen through the other within a second; and a
consumer killed with SIGKILL in the middle of an import, then started again, finishes it exactly
once."""

from __future__ import annotations

import http.cookiejar
import io
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser as Browser_
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from rca.accounts.models import Membership, User
from rca.accounts.passwords import hash_password
from rca.db import db
from rca.evidence.models import EvidenceImport, EvidenceRow
from rca.provider.models import Service
from rca.reviews import lifecycle
from tests.browser.conftest import stop_polling
from tests.conftest import REVIEW_FIELDS
from tests.evidence._importing import care_notes_a
from tests.evidence.test_evidence_pane import csv_bytes, mapping_form

from .conftest import Stack

pytestmark = pytest.mark.deploy
PASSWORD = "a-long-deploy-password"
HX = {"HX-Request": "true"}
_STATE = re.compile(r"status--(\w+)")
_ROWS = re.compile(r"([\d,]+) of ([\d,]+) rows")


class Browser:
    """One person's browser: one cookie jar, used against either instance."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.token = ""

    def request(
        self, base: str, path: str, data: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], str]:
        req = urllib.request.Request(base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()

    def get(self, base: str, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
        """An htmx request (a fragment, as the page's own polls ask)."""
        return self.request(base, path, headers={**HX, **headers})

    def post(self, base: str, path: str, form: dict[str, Any], **headers: str) -> Any:
        fields = {"csrf_token": self.token, **form}
        if any(isinstance(v, FileStorage) for v in fields.values()):
            boundary, body = encode_multipart(fields)
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        return self.request(base, path, body, {"Content-Type": kind, **headers})

    def sign_in(self, base: str, email: str) -> None:
        _, _, page = self.request(base, "/login")
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        status, _, body = self.post(base, "/login", {"email": email, "password": PASSWORD})
        assert status == 302, body[:500]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def seed(stack_app: Any) -> tuple[int, str]:
    with stack_app.app_context():
        oak = Service(code="OAK", name="Oak House", kind="care-home")
        db.session.add(oak)
        db.session.flush()
        lead = User(
            email="lead@example.org", name="Lena Lead", password_hash=hash_password(PASSWORD)
        )
        lead.memberships.append(Membership(role="investigator", service_id=oak.id))
        db.session.add(lead)
        db.session.flush()
        review = lifecycle.create_review(
            db.session,
            lead,
            REVIEW_FIELDS,
            date(2026, 11, 23),
        )
        db.session.commit()
        return review.id, lead.email


def progress(browser: Browser, base: str, review_id: int, import_id: int) -> tuple[str, int, int]:
    status, _, body = browser.get(
        base, f"/reviews/{review_id}/evidence/imports/{import_id}/progress"
    )
    assert status == 200, body[:300]
    state = _STATE.search(body)
    assert state, body
    rows = _ROWS.search(body)
    done, total = (int(n.replace(",", "")) for n in rows.groups()) if rows else (0, 0)
    return state.group(1), done, total


def queue_through(
    browser: Browser, base: str, review_id: int, rows: list[list[str]], name: str
) -> None:
    """Upload, map and confirm through one instance's web forms, as a person would."""
    status, _, step = browser.post(
        base,
        f"/reviews/{review_id}/evidence/upload",
        {"kind": "care-notes", "sheet": "", "file": FileStorage(io.BytesIO(csv_bytes(rows)), name)},
    )
    assert status == 200, step[:500]
    status, _, body = browser.post(
        base, f"/reviews/{review_id}/evidence/import", {**mapping_form(step), "action": "import"}
    )
    assert status == 303, body[:500]


def latest_import(stack_app: Any, review_id: int) -> EvidenceImport:
    with stack_app.app_context():
        record = db.session.scalars(
            select(EvidenceImport)
            .where(EvidenceImport.review_id == review_id)
            .order_by(EvidenceImport.id.desc())
        ).first()
        db.session.expunge(record)
        return record


def rows_of(stack_app: Any, review_id: int) -> int:
    with stack_app.app_context():
        n = db.session.scalar(
            select(func.count()).select_from(EvidenceRow).where(EvidenceRow.review_id == review_id)
        )
        db.session.remove()
        return n or 0


def meeting_in_chromium(chromium: Browser_, base: str, review_id: int, email: str) -> Page:
    """Chromium signed in on one instance, with the review's meeting open."""
    context = chromium.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{base}/reviews/{review_id}/meeting")
    expect(page.get_by_role("heading", name="Causes")).to_be_visible()
    return page


def watch_for(page: Page, text: str) -> None:
    """Note (in the page, by its own clock) the moment ``text`` first shows in the outline."""
    page.evaluate(
        """text => {
          performance.setResourceTimingBufferSize(5000);
          window.rcaSeenAt = null;
          new MutationObserver((_, observer) => {
            const outline = document.querySelector("[data-outline]");
            if (outline && outline.textContent.includes(text)) {
              window.rcaSeenAt = Date.now();
              observer.disconnect();
            }
          }).observe(document.body, {subtree: true, childList: true, characterData: true});
        }""",
        text,
    )


def seen_on_screen(page: Page, since_ms: float) -> tuple[float, float]:
    """When the text showed, and when the first /live poll after ``since_ms`` was sent (epoch ms;
    the browser and this test share the machine's clock)."""
    seen, polls = page.evaluate(
        """() => [window.rcaSeenAt, performance.getEntriesByType("resource")
             .filter(e => e.name.includes("/live"))
             .map(e => performance.timeOrigin + e.startTime)]"""
    )
    assert seen is not None
    first = min((p for p in polls if p >= since_ms), default=since_ms)
    if seen < first:  # a poll sent just before the change already carried it
        first = since_ms
    return float(seen), first


def test_the_stack_shares_imports_meetings_and_survives_a_killed_consumer(
    stack: Stack, stack_app: Any, browser: Browser_
) -> None:
    chromium = browser  # pytest-playwright's name; below, `browser` is the urllib one
    one, two = stack.web
    review_id, email = seed(stack_app)
    browser = Browser()
    browser.sign_in(one, email)
    # The session made by instance one is good on instance two: one secret, one session table.
    status, _, page = browser.request(two, f"/reviews/{review_id}/evidence")
    assert status == 200, (status, stack.logs())

    # 1. Enqueued through one instance, done by the consumer, followed through the other.
    queue_through(browser, one, review_id, care_notes_a(40), "small.csv")
    small = latest_import(stack_app, review_id)
    deadline = time.monotonic() + 30
    while progress(browser, two, review_id, small.id)[0] != "done":
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.1)
    assert rows_of(stack_app, review_id) == 40

    # 2. A meeting: a cause added through one instance reaches the other's poll within 1 s, and
    # a real browser with the meeting open on the other instance shows it.
    status, _, _ = browser.post(one, f"/reviews/{review_id}/meetings", {"kind": "analysis"}, **HX)
    assert status == 200
    screen = meeting_in_chromium(chromium, two, review_id, email)
    status, headers, _ = browser.get(two, f"/reviews/{review_id}/live?since=none")
    token = headers["X-Live-Token"]
    cause = "Agency staff not shown the evening MAR routine"
    watch_for(screen, cause)
    status, _, _ = browser.post(
        one,
        f"/reviews/{review_id}/causes",
        {"text": cause, "category": "training", "status": "hypothesis", "quick": "1"},
        **HX,
    )
    assert status == 200
    added = time.monotonic()
    added_ms = time.time() * 1000
    while True:
        status, headers, _ = browser.get(two, f"/reviews/{review_id}/live?since={token}")
        if status == 200:
            break
        assert status == 204
        time.sleep(0.05)
    seen_after = time.monotonic() - added
    assert seen_after < 1.0, seen_after
    _, _, outline = browser.get(two, f"/reviews/{review_id}/meeting/outline")
    assert cause in outline
    # Chromium asks /live every second (fishbone/_live.html), so it may first ask up to 1 s after
    # the change; from that poll to the row on its screen is the stack's part, within 1 s.
    expect(screen.locator("[data-outline]")).to_contain_text(cause, timeout=10_000)
    seen_ms, first_poll_ms = seen_on_screen(screen, added_ms)
    stop_polling(screen)
    screen.context.close()
    print(
        f"meeting sync: poll {seen_after * 1000:.0f} ms; Chromium {seen_ms - first_poll_ms:.0f} ms"
        f" after its first poll, {seen_ms - added_ms:.0f} ms after the change"
    )
    assert seen_ms - first_poll_ms < 1000, (seen_ms - first_poll_ms, seen_ms - added_ms)
    assert seen_ms - added_ms < 2500, seen_ms - added_ms  # a poll interval plus that

    # 3. A big import; the consumer is killed (SIGKILL) in the middle, then started again.
    total = 40_000
    queue_through(browser, one, review_id, care_notes_a(total, start=1000), "big.csv")
    big = latest_import(stack_app, review_id)
    deadline = time.monotonic() + 40
    while True:
        state, done, of = progress(browser, two, review_id, big.id)
        if state == "running" and 0 < done < of:
            break
        assert state != "done", "the import finished before the consumer could be killed"
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.05)
    assert of == total
    stack.processes["consumer-0"].kill(9)
    assert latest_import(stack_app, review_id).status == "running"
    assert rows_of(stack_app, review_id) == 40  # the killed transaction wrote nothing
    stack.consumer()
    deadline = time.monotonic() + 120  # the sweep is once a minute; then 40,000 rows on 2 cores
    states = []
    while (state := progress(browser, two, review_id, big.id)[0]) != "done":
        states.append(state)
        assert state in ("running", "reading", "queued"), (state, stack.logs())
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.2)
    finished = latest_import(stack_app, review_id)
    assert finished.id == big.id and finished.status == "done"
    assert finished.imported == total
    assert rows_of(stack_app, review_id) == 40 + total  # exactly once: no row twice
    with stack_app.app_context():
        imports = db.session.scalars(
            select(EvidenceImport.status).where(EvidenceImport.file_name == "big.csv")
        ).all()
    assert imports == ["done"]
