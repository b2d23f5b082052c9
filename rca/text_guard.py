"""The request-level guard on typed text: a form field, query parameter, JSON value (or key) or
upload name holding a character XML cannot carry (``rca.xmltext``) is refused before any view
runs, naming the field and the character, so nothing anywhere stores one.

The shared parsers (``rca.validation.parse_text``) refuse the same characters for callers that
are not requests (the command line, the demo); this guard covers every field, parsed there or not.
Imported files are not typed text: their cells lose such characters as they are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request

from rca.validation import unstorable

#: Deepest JSON nesting walked (bodies here are two levels deep).
_MAX_DEPTH = 20


def _json_strings(value: Any, field: str | None, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(top-level field, text) of every string in a JSON body, keys included."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield field or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = field or str(key)
            yield name, str(key)
            yield from _json_strings(item, name, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, field, depth + 1)


def _typed() -> Iterator[tuple[str, str]]:
    for name, value in request.args.items(multi=True):
        yield name, name
        yield name, value
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    for name, value in request.form.items(multi=True):
        yield name, name
        yield name, value
    for name, upload in request.files.items(multi=True):
        yield name, upload.filename or ""
    if request.is_json:
        yield from _json_strings(request.get_json(silent=True), None)


def _label(field: str) -> str:
    return field.replace("_", " ").replace("-", " ").strip().capitalize() or "A field"


def first_unstorable() -> tuple[str, str] | None:
    """(field, message) for the first typed value of this request that cannot be stored."""
    for field, text in _typed():
        if problem := unstorable(text, _label(field)):
            return field, problem
    return None


def _refusal(field: str, problem: str) -> Any:
    if request.path.startswith("/api/"):
        return jsonify({"error": problem, "field": field}), 422
    message = f"{problem} Nothing was saved."
    if request.headers.get("HX-Request"):
        # The form stays as typed; the message goes to the top of the page.
        body = render_template("text_guard.html", message=message)
        headers = {"HX-Retarget": "#main", "HX-Reswap": "afterbegin show:#main:top"}
        return Response(body, 422, headers)  # 422: htmx swaps it (base.html)
    status = 400 if request.method == "GET" else 422
    title = "A character cannot be saved"
    return render_template("error.html", code=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_text() -> Any:
        if request.endpoint == "static":
            return None
        if unstorable(request.path, "The address"):
            abort(404)  # no route or record is named with such a character
        found = first_unstorable()
        return _refusal(*found) if found else None
