"""Forms as typed: the values a person entered, their errors per field, the parsers of a
field (Jalali dates, rial, percentages, whole numbers) and the request id that makes a
submitted form post once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.money import parse_percent, parse_rial
from tashilat.domain.text import strip_number

# -- forms ----------------------------------------------------------------------------------------

T = TypeVar("T")


@dataclass
class Form:
    """What a person typed, and what was wrong with it: errors by field (shown next to the
    field) and errors or refusals that belong to no field (shown above the form)."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: dict[str, TashilatError] = field(default_factory=dict)
    general: list[TashilatError] = field(default_factory=list)
    fields: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        v = self.values.get(name)
        return default if v is None else str(v)

    def has(self, name: str) -> bool:
        return bool(self.values.get(name, "").strip())

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general

    def add(self, exc: TashilatError, default_field: str | None = None) -> None:
        """File an error under its field when the form has it, else above the form. A
        refusal with reasons always goes above the form too, so that every reason is listed
        with its legal reference."""
        if getattr(exc, "reasons", None):
            self.general.append(exc)
            if default_field and default_field not in self.errors:
                self.errors[default_field] = exc
            return
        name = exc.field
        if name is not None:
            name = self.aliases.get(name, name)
        if name is None or (self.fields and name not in self.fields):
            name = default_field
        if name and name not in self.errors and (not self.fields or name in self.fields):
            self.errors[name] = exc
        else:
            self.general.append(exc)

    def parse(self, name: str, fn: Callable[[str], T], *, required: bool = True) -> T | None:
        """``fn(value)``, or ``None`` with the error filed under ``name``."""
        raw = self.get(name)
        if not raw:
            if required:
                self.errors.setdefault(name, missing(name))
            return None
        try:
            return fn(raw)
        except TashilatError as exc:
            if exc.field is None or exc.field != name:
                exc.field = name
            self.errors.setdefault(name, exc)
            return None

    def refusal(self) -> TashilatError | None:
        """The first general error that carries the reasons of a refusal."""
        for e in self.general:
            if getattr(e, "reasons", None):
                return e
        return None


def missing(name: str) -> InvalidInput:
    return InvalidInput(
        "form.missing", "این بخش را پر کنید.", "Please fill in this field.", field=name
    )


def jalali_field(name: str) -> Callable[[str], date]:
    return lambda v: parse_jalali(v, field=name)


def rial_field(name: str, *, allow_zero: bool = False) -> Callable[[str], int]:
    return lambda v: parse_rial(v, field=name, allow_zero=allow_zero)


def percent_field(name: str) -> Callable[[str], Decimal]:
    return lambda v: parse_percent(v, field=name)


def int_field(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(v: str) -> int:
        raw = strip_number(v)
        if not re.fullmatch(r"\d+", raw) or not low <= int(raw) <= high:
            raise InvalidInput(
                "form.integer",
                f"عدد صحیحی بین {low} و {high} وارد کنید.",
                f"Enter a whole number from {low} to {high}.",
                field=name,
            )
        return int(raw)

    return parse


def new_request_id() -> str:
    """A fresh idempotency key for a form that posts money (a resubmission posts nothing)."""
    return uuid.uuid4().hex


_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def request_id_of(data: Mapping[str, str]) -> str:
    rid = data.get("request_id", "")
    return f"web-{rid}" if _REQUEST_ID.match(rid) else f"web-{new_request_id()}"
