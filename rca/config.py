"""Configuration: defaults, the instance folder, and the database URL."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Secure cookies need HTTPS; the local demo on http://127.0.0.1 turns this off explicitly.
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SECURE": True,
    # Uploads (issue 4: 50 MB files) plus the multipart envelope.
    "MAX_CONTENT_LENGTH": 52 * 1024 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # the session's own idle expiry bounds the token
    #: Failed sign-ins for one address before each further attempt is delayed.
    "SIGNIN_FREE_FAILURES": 5,
    "SIGNIN_WINDOW_MINUTES": 15,
    "REVIEWS_PER_PAGE": 50,
}


def database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(app.instance_path) / "rca.sqlite3")
    # psycopg 3 is the driver; accept the plain URLs other tools write.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(app: Flask) -> str:
    """The SECRET_KEY: from config or environment, else generated once into instance/."""
    key = app.config.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("RCA")
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = secret_key(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
