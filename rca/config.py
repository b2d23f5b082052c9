"""Configuration: defaults, the instance folder, and the database URL."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

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
    #: Sign-in locks (rca/accounts/limits.py): failures for one account, or from one client
    #: address across accounts, before each further attempt waits a lock that starts at
    #: SIGNIN_FIRST_LOCK_SECONDS and doubles up to SIGNIN_MAX_LOCK_SECONDS; failures older
    #: than the window are forgotten.
    "SIGNIN_FREE_FAILURES": 5,
    "SIGNIN_CLIENT_FREE_FAILURES": 20,
    "SIGNIN_FIRST_LOCK_SECONDS": 60,
    "SIGNIN_MAX_LOCK_SECONDS": 900,
    "SIGNIN_WINDOW_MINUTES": 60,
    "SIGNIN_KNOWN_CLIENT_DAYS": 30,
    "REVIEWS_PER_PAGE": 50,
    #: Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto/-Host are
    #: believed for that many hops, so sign-in limits count the real client's address; 0 (the
    #: default) believes none, so a client cannot forge an address by sending the header.
    "TRUSTED_PROXIES": 0,
    # PostgreSQL connections per process (docs/DEPLOY.md, bench/pg_pool.py): one per request
    # thread (deploy/gunicorn.conf.py sets DB_POOL_SIZE to its threads) plus a little room for
    # a background thread; a request that waits DB_POOL_TIMEOUT seconds for one answers 503.
    "DB_POOL_SIZE": 5,
    "DB_MAX_OVERFLOW": 2,
    "DB_POOL_TIMEOUT": 10,
    #: Seconds before a pooled connection is replaced (below any firewall's idle cut-off).
    "DB_POOL_RECYCLE": 1800,
    "DB_CONNECT_TIMEOUT": 5,
    #: Near-miss patterns (rca/governance/near_miss.py): this many incidents of one type at one
    #: service within this many consecutive days (both ends counted) propose a review.
    "NEAR_MISS_RUN": 3,
    "NEAR_MISS_WINDOW_DAYS": 28,
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
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **pool_options(app.config),
            **dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}),
        }
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def pool_options(config: dict[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options for PostgreSQL from the DB_* settings."""
    return {
        "pool_pre_ping": True,
        "pool_size": int(config["DB_POOL_SIZE"]),
        "max_overflow": int(config["DB_MAX_OVERFLOW"]),
        # Whole seconds: Flask-SQLAlchemy passes options through engine_from_config, which
        # makes pool_timeout an int (0.2 would become 0: no wait at all).
        "pool_timeout": max(1, int(config["DB_POOL_TIMEOUT"])),
        "pool_recycle": int(config["DB_POOL_RECYCLE"]),
        "connect_args": {"connect_timeout": int(config["DB_CONNECT_TIMEOUT"])},
    }
