"""Template filters, globals and the page-or-fragment renderer every htmx view uses."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, g, render_template
from jinja2_fragments.flask import render_block

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


def init_app(app: Flask) -> None:
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
        from rca import access

        return {"access": access, "app_version": app.config.get("VERSION", "0.1.0")}
