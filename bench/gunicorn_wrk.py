"""Requests per second of the review page under gunicorn + wrk, against a bare Flask app.

Builds a SQLite database with 1,000 reviews in a temporary directory, starts gunicorn (2 sync
workers, 127.0.0.1 only) on the project, signs in by posting the login form, then runs
``wrk -t2 -c8 -d30s`` on a review page with the session cookie. It then serves a bare Flask app
(one trivial view returning a small HTML page) with the same gunicorn settings and runs the same
wrk. Any non-200 answer or socket error counts as an error (must be 0).

    .venv/bin/python bench/gunicorn_wrk.py [--duration 30]   # or RCA_BENCH_DURATION=3

Prints one JSON line; goal: ratio (project / bare) >= 0.5.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.5
BARE_APP = """
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "<!doctype html><title>Hello</title><p>Hello, world.</p>"
"""
# Counts every answer that is not a 200: wrk itself treats redirects (a lost session sends one to
# the sign-in page) as success.
WRK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("NON200 %d\\n", total))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(app_spec: str, port: int, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    exe = str(Path(sys.executable).parent / "gunicorn")
    cmd = [exe, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
    helptext = subprocess.run([exe, "--help"], capture_output=True, text=True).stdout
    if "--no-control-socket" in helptext:
        # gunicorn 27's control socket has one fixed path; skip it so runs never collide.
        cmd.append("--no-control-socket")
    proc = subprocess.Popen([*cmd, app_spec], cwd=cwd, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def sign_in(base: str) -> str:
    """Post the login form like a browser; returns the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # Flask-Login's "strong" session protection ties the session to the user agent, so wrk must
    # send the same one.
    opener.addheaders = [("User-Agent", dataset.USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {
        "email": dataset.ADMIN,
        "password": dataset.PASSWORD,
        "csrf_token": token[1],
    }
    opener.open(base + "/login", urllib.parse.urlencode(form).encode()).read()
    cookie = next((c for c in jar if c.name == "session"), None)
    assert cookie is not None, "no session cookie after signing in"
    return f"session={cookie.value}"


def check_page(url: str, cookie: str) -> None:
    """The page must answer 200 to the cookie (not a redirect to sign in) before wrk starts."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    request = urllib.request.Request(
        url, headers={"Cookie": cookie, "User-Agent": dataset.USER_AGENT}
    )
    with urllib.request.build_opener(NoRedirect).open(request) as response:
        assert response.status == 200, response.status


def wrk(url: str, duration: int, lua: Path, headers: list[str]) -> dict[str, float]:
    cmd = ["wrk", "-t2", "-c8", f"-d{duration}s", "-s", str(lua), "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    print(out, file=sys.stderr)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    errors = int(re.search(r"NON200 (\d+)", out)[1])  # type: ignore[index]
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors = max(errors, int(m[1]))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return {"rps": rps, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("RCA_BENCH_DURATION", "30"))
    )
    parser.add_argument("--reviews", type=int, default=1000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="rca-wrk-") as tmp_name:
        tmp = Path(tmp_name)
        db_path = tmp / "bench.sqlite3"
        app = dataset.build(db_path, total=args.reviews)
        review_id = dataset.sample_review_id(app)
        lua = tmp / "count.lua"
        lua.write_text(WRK_LUA)
        (tmp / "bare_app.py").write_text(BARE_APP)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": dataset.SECRET_KEY,
            "RCA_SESSION_COOKIE_SECURE": "false",
            "RCA_REMEMBER_COOKIE_SECURE": "false",
        }

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = gunicorn("wsgi:app", port, ROOT, env)
        try:
            cookie = sign_in(base)
            url = f"{base}/reviews/{review_id}/scope"
            check_page(url, cookie)
            project = wrk(url, args.duration, lua, [f"Cookie: {cookie}", _ua()])
        finally:
            stop(proc)

        port = free_port()
        proc = gunicorn("bare_app:app", port, tmp, env)
        try:
            bare = wrk(f"http://127.0.0.1:{port}/", args.duration, lua, [_ua()])
        finally:
            stop(proc)

    line = {
        "bench": "gunicorn_wrk_review_page",
        "value": round(project["rps"], 1),
        "baseline": round(bare["rps"], 1),
        "ratio": round(project["rps"] / bare["rps"], 3),
        "goal": GOAL,
        "unit": "requests/s",
        "errors": int(project["errors"] + bare["errors"]),
    }
    print(json.dumps(line))


def _ua() -> str:
    return f"User-Agent: {dataset.USER_AGENT}"


if __name__ == "__main__":
    main()
