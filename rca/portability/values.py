"""Column values as JSON and back, decided by the column's SQL type (so new columns need nothing).

Times are ISO 8601 with their UTC offset, dates ISO, decimals strings (no float rounding), binary
values (an issued PDF) the SHA-256 of a file stored beside the data in the bundle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Column
from sqlalchemy import types as sqltypes


class ValueRefused(ValueError):
    """A value in a bundle does not fit its column here; the message says which and why."""


def _kind(column: Column) -> type[sqltypes.TypeEngine]:
    type_ = column.type
    if isinstance(type_, sqltypes.TypeDecorator):
        type_ = type_.impl_instance
    for kind in (
        sqltypes.LargeBinary,
        sqltypes.DateTime,
        sqltypes.Date,
        sqltypes.Time,
        sqltypes.Float,  # before Numeric: Float is one
        sqltypes.Numeric,
        sqltypes.JSON,
        sqltypes.Boolean,
        sqltypes.Integer,
        sqltypes.String,
    ):
        if isinstance(type_, kind):
            return kind
    return sqltypes.TypeEngine


def dump(column: Column, value: Any, store: Callable[[bytes], str]) -> Any:
    """``value`` read from ``column`` as JSON; ``store`` keeps bytes and returns their SHA-256."""
    if value is None:
        return None
    kind = _kind(column)
    if kind is sqltypes.LargeBinary:
        return store(bytes(value))
    if kind in (sqltypes.DateTime, sqltypes.Date, sqltypes.Time):
        return value.isoformat()
    if kind is sqltypes.Numeric:
        return str(value)
    return value


def load(column: Column, raw: Any, fetch: Callable[[str], bytes]) -> Any:
    """The Python value for ``column`` from its JSON form (``fetch`` reads a stored file)."""
    if raw is None:
        return None
    kind = _kind(column)
    try:
        if kind is sqltypes.LargeBinary:
            return fetch(_text(raw))
        if kind is sqltypes.DateTime:
            value = datetime.fromisoformat(_text(raw))
            if value.tzinfo is None and getattr(column.type, "timezone", False):
                raise ValueRefused("a time without its UTC offset")
            return value
        if kind is sqltypes.Date:
            return date.fromisoformat(_text(raw))
        if kind is sqltypes.Time:
            return time.fromisoformat(_text(raw))
        if kind is sqltypes.Numeric:
            return Decimal(_text(raw))
        if kind is sqltypes.Float:
            return _number(raw)
        if kind is sqltypes.Boolean:
            if not isinstance(raw, bool):
                raise ValueRefused(f"{raw!r} is not true or false")
            return raw
        if kind is sqltypes.Integer:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueRefused(f"{raw!r} is not a whole number")
            return raw
        if kind is sqltypes.String:
            return _text(raw)
    except (ValueError, InvalidOperation) as exc:
        if isinstance(exc, ValueRefused):
            raise
        raise ValueRefused(f"{raw!r} is not a {kind.__name__.lower()}") from None
    return raw


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueRefused(f"{raw!r} is not text")
    return raw


def _number(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueRefused(f"{raw!r} is not a number")
    return float(raw)
