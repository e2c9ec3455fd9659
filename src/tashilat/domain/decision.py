"""Explained results: ``Decision``, ``Reason``, ``Warning`` and the provenance of figures.

A rule never answers with a bare number. It returns a ``Decision``: the outcome, the
figures, every reason (code, Persian and English message, the parameter path and the legal
reference behind it), a warning for each ``assumed`` or ``illustrative`` figure it used (and
a note for each ``corrected`` one), the policy snapshot hash and the as-of date.

The policy engine lives in ``tashilat.policy``; rules see it through the ``PolicyReader``
protocol declared here, so ``domain`` imports nothing outside ``domain``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class Status(StrEnum):
    """How much a figure can be trusted (docs/rules.md, the status table)."""

    SEED = "seed"
    SOURCED = "sourced"
    CORRECTED = "corrected"
    ASSUMED = "assumed"
    ILLUSTRATIVE = "illustrative"

    @property
    def needs_warning(self) -> bool:
        return self in (Status.CORRECTED, Status.ASSUMED, Status.ILLUSTRATIVE)


@dataclass(frozen=True)
class Provenance:
    """Where one figure comes from."""

    path: str
    since: date
    status: Status
    source: str | None = None
    note: str | None = None
    note_fa: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Resolved(Generic[T]):
    """A parameter value as of a date, with the provenance of the value and of any cell of
    it whose provenance differs (``cells`` maps a cell key such as ``"10.tier_2"``)."""

    value: T
    provenance: Provenance
    cells: Mapping[str, Provenance] = field(default_factory=dict)

    def cell(self, key: str) -> Provenance:
        return self.cells.get(key, self.provenance)


class PolicyReader(Protocol):
    """What a rule needs of a policy snapshot (immutable, so hashable by identity)."""

    def __hash__(self) -> int: ...

    @property
    def hash(self) -> str: ...

    def resolve(self, path: str, as_of: date) -> Resolved[Any]: ...


@dataclass(frozen=True)
class Reason:
    """One condition checked, passed or failed, explained."""

    code: str
    message_fa: str
    message_en: str
    passed: bool = False
    parameter: str | None = None
    reference: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "passed": self.passed,
            "message_fa": self.message_fa,
            "message_en": self.message_en,
            "parameter": self.parameter,
            "reference": self.reference,
        }


@dataclass(frozen=True)
class Warning:
    """A figure that shaped the answer is not a published one (or was corrected)."""

    code: str
    message_fa: str
    message_en: str
    parameter: str
    status: Status
    source: str | None = None

    @staticmethod
    def for_provenance(p: Provenance) -> Warning:
        note_en = f" {p.note}" if p.note else ""
        note_fa = f" {p.note_fa}" if p.note_fa else ""
        if p.status is Status.CORRECTED:
            en = f"Corrected figure used for {p.path}.{note_en}"
            fa = f"رقم اصلاح‌شده برای {p.path} به کار رفت.{note_fa}"
        elif p.status is Status.ILLUSTRATIVE:
            en = (
                f"Illustrative figure used for {p.path}: not published; a bank must replace "
                f"it with its own table.{note_en}"
            )
            fa = (
                f"رقم نمونه‌ای برای {p.path} به کار رفت: منتشر نشده است و بانک باید جدول "
                f"خود را جایگزین کند.{note_fa}"
            )
        else:
            en = f"Assumed figure used for {p.path}: not published.{note_en}"
            fa = f"رقم فرضی برای {p.path} به کار رفت: منتشر نشده است.{note_fa}"
        return Warning(
            code=f"policy.{p.status.value}",
            message_fa=fa,
            message_en=en,
            parameter=p.path,
            status=p.status,
            source=p.source,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message_fa": self.message_fa,
            "message_en": self.message_en,
            "parameter": self.parameter,
            "status": self.status.value,
            "source": self.source,
        }


def warnings_for(provenances: Iterable[Provenance]) -> tuple[Warning, ...]:
    """One warning per distinct (path, status) among the provenances that need one,
    in a stable order: illustrative first, then assumed, then corrected."""
    order = {Status.ILLUSTRATIVE: 0, Status.ASSUMED: 1, Status.CORRECTED: 2}
    seen: dict[tuple[str, Status], Provenance] = {}
    for p in provenances:
        if p.status.needs_warning:
            seen.setdefault((p.path, p.status), p)
    ranked = sorted(seen.values(), key=lambda p: (order[p.status], p.path))
    return tuple(Warning.for_provenance(p) for p in ranked)


class Usage:
    """Collects the provenance of every figure a rule used (a small, local accumulator)."""

    def __init__(self) -> None:
        self._items: list[Provenance] = []

    def add(self, p: Provenance) -> None:
        self._items.append(p)

    def extend(self, ps: Iterable[Provenance]) -> None:
        self._items.extend(ps)

    def use(self, r: Resolved[T]) -> T:
        self._items.append(r.provenance)
        return r.value

    @property
    def provenances(self) -> tuple[Provenance, ...]:
        return tuple(self._items)

    def warnings(self) -> tuple[Warning, ...]:
        return warnings_for(self._items)


@dataclass(frozen=True)
class Decision(Generic[T]):
    """The answer of a rule: outcome, figures, reasons, warnings, and what it stood on."""

    outcome: str
    value: T
    policy_hash: str
    as_of: date
    reasons: tuple[Reason, ...] = ()
    warnings: tuple[Warning, ...] = ()

    @property
    def failed(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.passed)
