"""Field-level validation shared by the web forms and the API.

Domain functions raise ``FieldErrors`` ({field: message}); a form re-renders with each message
beside its field, the API answers ``{"error": message, "field": field}``. One rule, one place.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any


class FieldErrors(Exception):
    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)

    @property
    def first(self) -> tuple[str, str]:
        return next(iter(self.errors.items()))


class Collector:
    """Gathers every field's error so a form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def check(self, field: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValueError as exc:
            self.errors.setdefault(field, str(exc))
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: Any, *, label: str = "Date", required: bool = True) -> date | None:
    """A date typed as DD/MM/YYYY (the UK default) or YYYY-MM-DD (what date inputs send)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValueError(f"{label} is required.")
        return None
    if m := _ISO.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _UK.match(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise ValueError(f"{label} must be a date like 31/01/2026.")
    if not 1 <= mo <= 12:
        raise ValueError(f"{text} is not a real date: there is no month {mo}.")
    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        month = calendar.month_name[mo]
        raise ValueError(f"{text} is not a real date: {month} {y} has {last} days.")
    return date(y, mo, d)


def not_in_future(value: date, today: date, *, label: str = "Date") -> date:
    if value > today:
        raise ValueError(f"{label} cannot be in the future (today is {today:%d/%m/%Y}).")
    return value


def parse_text(value: Any, *, label: str, max_len: int = 200, required: bool = True) -> str | None:
    text = str(value or "").strip()
    if not text:
        if required:
            raise ValueError(f"{label} is required.")
        return None
    if len(text) > max_len:
        raise ValueError(f"{label} must be {max_len} characters or fewer (it is {len(text)}).")
    return text


def parse_int(value: Any, *, label: str, minimum: int = 0, maximum: int = 100_000) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{label} must be a whole number.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"{label} must be a whole number.")
        number = int(text)
    if number < minimum:
        raise ValueError(f"{label} cannot be less than {minimum}.")
    if number > maximum:
        raise ValueError(f"{label} cannot be more than {maximum}.")
    return number


def parse_percent(value: Any, *, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{label} must be a percentage, like 95.") from None
    if not number.is_finite() or not 0 < number <= 100:
        raise ValueError(f"{label} must be more than 0 and at most 100.")
    return number


def parse_choice(value: Any, choices: Mapping[str, str], *, label: str) -> str:
    text = str(value or "").strip()
    if text not in choices:
        raise ValueError(f"{label} must be one of: {', '.join(choices)}.")
    return text


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "y", "on"}
