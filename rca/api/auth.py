"""Bearer-token authentication for /api/v1.

Only ``Authorization: Bearer <token>`` authenticates. A browser's session cookie never does: the
API is exempt from CSRF, which is only safe because no ambient credential is honoured here.
"""

from __future__ import annotations

from flask import g, request

from rca.accounts.models import User
from rca.accounts.tokens import user_for_token
from rca.api.errors import ApiError
from rca.audit.recorder import Actor
from rca.db import db

REALM = "RCA Workbench API"


def _unauthorized(message: str, error: str | None = None) -> ApiError:
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}"'
    return ApiError(401, message, headers={"WWW-Authenticate": challenge})


def bearer_token() -> str | None:
    """The token from the Authorization header, or None when there is no bearer credential."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def authenticate() -> User:
    """The token's user, also recorded as the audit actor for this request; else 401."""
    token = bearer_token()
    if token is None:
        raise _unauthorized("Send an API token as 'Authorization: Bearer <token>'.")
    user = user_for_token(db.session, token)
    if user is None:
        raise _unauthorized("The API token is not valid, or it was revoked.", "invalid_token")
    # Its own tiny transaction: a later validation failure rolls back the request's work, not
    # the fact that the token was used.
    db.session.commit()
    g.api_user = user
    g.audit_actor = Actor(user.id, "api")
    return user


def token_user() -> User:
    """The user the bearer token authenticated (never the session cookie's user)."""
    return g.api_user
