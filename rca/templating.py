"""Template filters, globals and the page-or-fragment renderer every htmx view uses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, g, render_template, request, url_for
from jinja2_fragments.flask import render_block

from rca import access
from rca.db import LONDON


def render(template: str, block: str, **context: Any) -> str:
    """The whole page, or only ``block`` when htmx asked: one template, so they cannot drift."""
    if getattr(g, "htmx", False):
        return render_block(template, block, **context)
    return render_template(template, **context)


def uk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return value.strftime("%d/%m/%Y")


def uk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def plain_number(value: Decimal | None) -> str:
    """A decimal as people write it: 90, 92.5 (never 9E+1)."""
    return f"{value.normalize():f}" if value is not None else ""


def without(mapping: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in (mapping or {}).items() if k not in keys}


#: Links already built: (mount point, endpoint, values) -> URL. A URL depends on nothing else
#: (the rules are fixed once the app is built), and a page builds dozens of the same links.
_LINKS: dict[tuple[str, str, tuple[tuple[str, Any], ...]], str] = {}
_MAX_LINKS = 20_000


def link(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` for a plain link (a full endpoint name, no ``_external``
    or ``_anchor``), remembered: the navigation, the review's stage tabs and lists of reviews
    ask for the same few URLs on every page. A link made once (the live poll's, which carries
    the change token) is better built with ``url_for``: it would only churn this store."""
    key = (request.script_root, endpoint, tuple(sorted(values.items())))
    url = _LINKS.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(_LINKS) >= _MAX_LINKS:
            _LINKS.clear()  # a crude bound: ids of reviews seen come and go
        _LINKS[key] = url
    return url


def asset(filename: str) -> str:
    """A static file's URL (every page links a dozen stylesheets and scripts), remembered."""
    return link("static", filename=filename)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset"] = asset
    app.jinja_env.globals["link_url"] = link
    app.jinja_env.filters.update(
        uk_date=uk_date,
        uk_datetime=uk_datetime,
        iso_date=iso_date,
        plain_number=plain_number,
        without=without,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def globals_() -> dict[str, Any]:

        return {"access": access, "app_version": app.config.get("VERSION", "0.1.0")}
