"""Requests per second under gunicorn + wrk: the review page and the meeting poll against the
signed-in floor, for each candidate server setting.

Builds a SQLite database with 1,000 reviews in a temporary directory. For each server setting
(sync workers, gthread workers with threads), it serves the project and the signed-in floor app
(bench/pages.py's minimal Flask-Login + SQLAlchemy page with one query) with the same gunicorn
settings, signs in to each, and runs wrk: the review page and the floor page at -c8, the meeting
poll (204 while nothing changed) and the floor page at -c64. Any answer other than 200/204, and
any socket error, counts as an error (must be 0). p99 latency is printed.

    .venv/bin/python bench/gunicorn_wrk.py [--duration 10] [--settings sync2,gthread2x4]

One JSON line per measure and setting; goals: review page >= 1/3 of the floor's requests/s,
poll >= 2/3.
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
GOALS = {"review_page": 1 / 3, "meeting_poll": 2 / 3}
#: Candidate server settings: name -> gunicorn arguments.
SETTINGS = {
    "sync2": ["--workers", "2"],
    "sync4": ["--workers", "4"],
    "gthread2x4": ["--workers", "2", "--worker-class", "gthread", "--threads", "4"],
}
FLOOR_APP = """
import sys
from pathlib import Path

sys.path.insert(0, {bench!r})
import pages

app, _ = pages.signed_in_floor_app(Path({db!r}))
"""
# Counts every answer that is not a 200: wrk itself treats redirects (a lost session sends one to
# the sign-in page) as success.
WRK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 200 and status ~= 204 then bad = bad + 1 end
end
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


def gunicorn(
    app_spec: str, port: int, cwd: Path, env: dict[str, str], setting: list[str]
) -> subprocess.Popen:
    exe = str(Path(sys.executable).parent / "gunicorn")
    cmd = [exe, "--bind", f"127.0.0.1:{port}", *setting, "--log-level", "warning"]
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


def wrk(
    url: str, duration: int, lua: Path, headers: list[str], connections: int = 8
) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(lua), "--latency"]
    for h in headers:
        cmd += ["-H", h]
    done = subprocess.run([*cmd, url], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"wrk failed ({done.returncode}) on {url}: {done.stderr or done.stdout}")
    out = done.stdout
    print(out, file=sys.stderr)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    errors = int(re.search(r"NON200 (\d+)", out)[1])  # type: ignore[index]
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors = max(errors, int(m[1]))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99_ms = float(p99[1]) * scale[p99[2]] if p99 else float("nan")
    return {"rps": rps, "errors": errors, "p99_ms": p99_ms}


def floor_cookie(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/login").read()
    cookie = next(c for c in jar if c.name == "session")
    return f"session={cookie.value}"


def poll_url(base: str, review_id: int, cookie: str) -> str:
    request = urllib.request.Request(
        f"{base}/reviews/{review_id}/meeting",
        headers={"Cookie": cookie, "User-Agent": dataset.USER_AGENT},
    )
    page = urllib.request.urlopen(request).read().decode()
    token = re.search(r'(/reviews/\d+/live\?since=[^"&]+)', page)
    assert token, "no live token on the meeting page"
    return base + token[1].replace("&amp;", "&")


def measure(setting: str, tmp: Path, env: dict[str, str], review_id: int, args) -> list[dict]:
    lua = tmp / "count.lua"
    gargs = SETTINGS[setting]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = gunicorn("wsgi:app", port, ROOT, env, gargs)
    try:
        cookie = sign_in(base)
        url = f"{base}/reviews/{review_id}/scope"
        check_page(url, cookie)
        headers = [f"Cookie: {cookie}", _ua()]
        page = wrk(url, args.duration, lua, headers, 8)
        # The poll is an htmx request (a plain GET is redirected to the meeting page).
        poll_headers = [*headers, "HX-Request: true"]
        poll = wrk(poll_url(base, review_id, cookie), args.duration, lua, poll_headers, 64)
    finally:
        stop(proc)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = gunicorn("floor_app:app", port, tmp, env, gargs)
    try:
        headers = [f"Cookie: {floor_cookie(base)}", _ua()]
        floor8 = wrk(base + "/", args.duration, lua, headers, 8)
        floor64 = wrk(base + "/", args.duration, lua, headers, 64)
    finally:
        stop(proc)
    lines = []
    for name, project, floor, conns in (
        ("review_page", page, floor8, 8),
        ("meeting_poll", poll, floor64, 64),
    ):
        lines.append(
            {
                "bench": f"gunicorn_{name}",
                "value": round(project["rps"], 1),
                "baseline": round(floor["rps"], 1),
                "ratio": round(project["rps"] / floor["rps"], 3),
                "goal": round(GOALS[name], 3),
                "unit": "requests/s",
                "setting": setting,
                "connections": conns,
                "p99_ms": round(project["p99_ms"], 2),
                "baseline_p99_ms": round(floor["p99_ms"], 2),
                "errors": int(project["errors"] + floor["errors"]),
            }
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("RCA_BENCH_DURATION", "10"))
    )
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--settings", default=",".join(SETTINGS))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="rca-wrk-") as tmp_name:
        tmp = Path(tmp_name)
        db_path = tmp / "bench.sqlite3"
        app = dataset.build(db_path, total=args.reviews)
        review_id = dataset.sample_review_id(app)
        (tmp / "count.lua").write_text(WRK_LUA)
        floor_db = tmp / "floor.sqlite3"
        (tmp / "floor_app.py").write_text(
            FLOOR_APP.format(bench=str(Path(__file__).resolve().parent), db=str(floor_db))
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SECRET_KEY": dataset.SECRET_KEY,
            "RCA_SESSION_COOKIE_SECURE": "false",
            "RCA_REMEMBER_COOKIE_SECURE": "false",
        }
        for setting in args.settings.split(","):
            for line in measure(setting, tmp, env, review_id, args):
                print(json.dumps(line), flush=True)


def _ua() -> str:
    return f"User-Agent: {dataset.USER_AGENT}"


if __name__ == "__main__":
    main()
