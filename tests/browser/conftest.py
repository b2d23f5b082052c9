"""Browser-test harness: the session app served by a real server thread, Debian's Chromium driven
by Playwright (never a downloaded browser), and axe-core run on every page a test visits.

Use the ``ui`` fixture rather than ``page`` directly: each of its navigation helpers waits for the
page (or the htmx swap) to settle and then runs axe, failing the test on any "serious" or
"critical" violation. Every main-frame navigation is also counted, so a test that reaches a page
without going through a helper fails at teardown ("visited but never checked") instead of
silently skipping the check. Content-Security-Policy violations reported by the browser fail the
test too: the app's CSP (script-src 'self') stays on, which also shows that axe needs no bypass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import ConsoleMessage, Frame, Locator, Page, expect

from tests.helpers import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The session app on a free port of 127.0.0.1, in a thread, for the whole run."""
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch options: Debian's Chromium, headless, nothing downloaded."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(live_server: str) -> dict[str, Any]:
    return {
        "base_url": live_server,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found serious or critical accessibility violations on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            lines.append(f"    at {node.get('target')}: {node.get('html', '')[:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def stop_polling(page: Page) -> None:
    """Make a page go quiet: live and progress pollers removed, requests finished.

    A poll still running while a test's database is emptied would hold a lock against it
    (PostgreSQL), so every page goes quiet before teardown.
    """
    page.evaluate(
        "document.querySelectorAll('[data-live-poller], [hx-trigger*=\"every\"]')"
        ".forEach(e => e.remove())"
    )
    page.wait_for_load_state("networkidle")


class UI:
    """A page plus the discipline: wait until settled, then check accessibility."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.navigations = 0
        self.checked_through = 0
        self.last_url = ""
        self.unchecked: list[str] = []
        self.checked_urls: list[str] = []
        self.csp_errors: list[str] = []
        page.on("framenavigated", self._navigated)
        page.on("console", self._console)

    # --- bookkeeping --------------------------------------------------------------------------
    def _navigated(self, frame: Frame) -> None:
        # htmx calls history.replaceState on the current address before it pushes a new one;
        # only a change of address counts as reaching another page.
        if frame != self.page.main_frame or frame.url == self.last_url:
            return
        if self.navigations > self.checked_through and self.last_url:
            self.unchecked.append(self.last_url)
        self.navigations += 1
        self.last_url = frame.url

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    # --- waiting and checking -----------------------------------------------------------------
    def settle(self) -> None:
        """Wait for the document to load and for htmx to finish any request, swap and settle."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function(
            "() => !document.querySelector("
            "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
        )

    def axe(self) -> None:
        """Run axe-core on the page as it is now; fail on serious or critical violations."""
        self.settle()
        results = _axe.run(self.page).response
        self.checked_through = self.navigations
        self.checked_urls.append(self.page.url)
        bad = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if bad:
            pytest.fail(describe_violations(self.page.url, bad), pytrace=False)

    # --- navigation helpers (each ends with an axe check) ---------------------------------------
    def goto(self, path: str) -> Page:
        self.page.goto(path)
        self.axe()
        return self.page

    def act(self, action: Callable[[], Any], expect_visible: Locator | None = None) -> Page:
        """Do something that navigates or swaps (click, submit, key press), wait, check."""
        action()
        if expect_visible is not None:
            expect(expect_visible).to_be_visible()
        self.axe()
        return self.page

    def back(self, expect_visible: Locator | None = None) -> Page:
        return self.act(self.page.go_back, expect_visible)

    def forward(self, expect_visible: Locator | None = None) -> Page:
        return self.act(self.page.go_forward, expect_visible)

    def reload(self, expect_visible: Locator | None = None) -> Page:
        return self.act(self.page.reload, expect_visible)

    def sign_in(self, email: str, password: str) -> Page:
        self.goto("/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        return self.act(
            lambda: self.page.get_by_role("button", name="Sign in").click(),
            self.page.locator("h1"),
        )

    def finish(self) -> None:
        """Teardown: the last page is checked too, and nothing slipped past unchecked."""
        if self.navigations > self.checked_through:
            self.axe()
        assert not self.unchecked, f"pages visited but never checked by axe: {self.unchecked}"
        assert not self.csp_errors, "Content-Security-Policy violations:\n" + "\n".join(
            self.csp_errors
        )
        stop_polling(self.page)


@pytest.fixture
def ui(page: Page, live_server: str) -> Iterator[UI]:
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    helper = UI(page, live_server)
    yield helper
    helper.finish()
