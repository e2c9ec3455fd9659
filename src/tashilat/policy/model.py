"""The policy snapshot: effective-dated parameters, frozen, hashed, resolvable as of a date.

See docs/adr/0002-policy-format.md for the YAML format this is loaded from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from tashilat.domain.decision import Provenance, Resolved
from tashilat.domain.errors import PolicyError
from tashilat.domain.jalali import format_jalali


@dataclass(frozen=True)
class Entry:
    """One dated value of a parameter."""

    since: date
    value: Any  # plain value: cells with their own provenance are already unwrapped
    provenance: Provenance
    cells: Mapping[str, Provenance] = field(default_factory=dict)
    quote: str | None = None  # a seed value: the source article's words that state it


@dataclass(frozen=True)
class Parameter:
    path: str
    entries: tuple[Entry, ...]  # sorted by ``since``, strictly increasing
    kind: str = "scalar"
    keyed_by: str | None = None  # "cohort": resolved by the account's opening date
    description: str | None = None
    description_fa: str | None = None
    unit: str | None = None
    reference: str | None = None
    open_question: str | None = None

    def entry_at(self, as_of: date) -> Entry:
        chosen: Entry | None = None
        for e in self.entries:
            if e.since <= as_of:
                chosen = e
            else:
                break
        if chosen is None:
            first = format_jalali(self.entries[0].since)
            raise PolicyError(
                "policy.not_in_force",
                f"پارامتر {self.path} در تاریخ {format_jalali(as_of)} تعریف نشده است "
                f"(نخستین مقدار از {first}).",
                f"Parameter {self.path} has no value on {format_jalali(as_of)} "
                f"(its first value starts {first}).",
                details={"path": self.path},
            )
        return chosen


@dataclass(frozen=True)
class OpenQuestion:
    """Something the sources leave open, kept visible in the policy data (docs/rules.md §6),
    with the parameters whose values depend on its answer."""

    id: str
    question: str
    question_fa: str
    parameters: tuple[str, ...] = ()
    file: str | None = None


@dataclass(frozen=True)
class Finding:
    """A problem the validator found in the policy data."""

    path: str
    code: str
    message_en: str
    message_fa: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.path}: [{self.code}] {self.message_en} / {self.message_fa}"


class PolicySnapshot:
    """A validated, frozen set of parameters with a content hash.

    Satisfies :class:`tashilat.domain.decision.PolicyReader`.
    """

    def __init__(
        self,
        parameters: Mapping[str, Parameter],
        content_hash: str,
        root: str,
        open_questions: tuple[OpenQuestion, ...] = (),
    ) -> None:
        self._parameters: Mapping[str, Parameter] = MappingProxyType(dict(parameters))
        self._hash = content_hash
        self.root = root
        self.open_questions = open_questions

    def questions_for(self, path: str) -> tuple[OpenQuestion, ...]:
        """The open questions that name the parameter ``path``."""
        return tuple(q for q in self.open_questions if path in q.parameters)

    @property
    def hash(self) -> str:
        return self._hash

    @property
    def short_hash(self) -> str:
        return self._hash[:12]

    def __contains__(self, path: object) -> bool:
        return path in self._parameters

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters[k] for k in sorted(self._parameters))

    def __len__(self) -> int:
        return len(self._parameters)

    def parameter(self, path: str) -> Parameter:
        try:
            return self._parameters[path]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(path, list(self._parameters), n=5, cutoff=0.5)
            hint_en = f" Did you mean: {', '.join(close)}?" if close else ""
            hint_fa = f" شاید منظورتان: {'، '.join(close)}" if close else ""
            raise PolicyError(
                "policy.unknown_parameter",
                f"پارامتر «{path}» در سیاست‌ها وجود ندارد.{hint_fa}",
                f"There is no parameter '{path}'.{hint_en}",
                details={"path": path, "suggestions": close},
            ) from None

    def resolve(self, path: str, as_of: date) -> Resolved[Any]:
        """The value of ``path`` in force on ``as_of`` (for cohort-keyed parameters pass the
        account's opening date: a cohort's terms never change afterwards)."""
        e = self.parameter(path).entry_at(as_of)
        return Resolved(value=e.value, provenance=e.provenance, cells=e.cells)
