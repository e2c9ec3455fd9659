"""The schema of the ``parameters/`` YAML tree and its checks (ADR 0002).

The keys a parameter, a value and a table cell may have, the kinds of parameter, and the
builder that walks parsed files, reports every finding in English and Persian, and collects
the parameters and open questions of a clean tree. Loading the files is :mod:`.loader`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from tashilat.domain.decision import Provenance, Status
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import parse_jalali
from tashilat.policy.model import Entry, Finding, OpenQuestion, Parameter

PARAM_KEYS = {
    "values",
    "kind",
    "keyed_by",
    "description",
    "description_fa",
    "unit",
    "reference",
    "open_question",
    "choices",
}
ENTRY_KEYS = {"since", "value", "status", "source", "quote", "note", "note_fa", "reference"}
CELL_KEYS = {"value", "status", "source", "quote", "note", "note_fa"}
KINDS = {
    "scalar",
    "percent",
    "boolean",
    "enum",
    "list",
    "cap_table",
    "deposit_table",
    "mapping",
}
TIERS = ("tier_1", "tier_2", "tier_3")
NEEDS_SOURCE = {Status.SEED, Status.SOURCED, Status.CORRECTED}
# A seed value cites one of the four articles of the source page (docs/rules.md §0.1–§0.4).
SEED_SOURCE = re.compile(r"source article §0\.[1-4] \(docs/rules\.md\)")
OPEN_QUESTIONS = "open_questions"
QUESTION_KEYS = {"id", "question", "question_fa", "parameters"}


def _is_cell(node: Any) -> bool:
    return isinstance(node, Mapping) and "value" in node and "status" in node


class _Builder:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.parameters: dict[str, Parameter] = {}
        self.questions: list[OpenQuestion] = []
        self.file = ""

    def find(self, path: str, code: str, en: str, fa: str) -> None:
        self.findings.append(Finding(path, code, en, fa, self.file))

    # -- walking -----------------------------------------------------------------------
    def walk(self, node: Any, prefix: str) -> None:
        if not isinstance(node, Mapping):
            self.find(prefix, "format.not_mapping", "expected a mapping", "انتظار نگاشت بود")
            return
        if "values" in node:
            self.parameter(node, prefix)
            return
        for key, child in node.items():
            if key == OPEN_QUESTIONS and "." not in prefix:
                self.open_questions(child, prefix)
                continue
            self.walk(child, f"{prefix}.{key}" if prefix else str(key))

    def open_questions(self, node: Any, prefix: str) -> None:
        where = f"{prefix}.{OPEN_QUESTIONS}"
        if not isinstance(node, list):
            self.find(where, "format.open_questions", "must be a list", "باید فهرست باشد")
            return
        for i, q in enumerate(node):
            at = f"{where}[{i}]"
            if not isinstance(q, Mapping) or not all(
                isinstance(q.get(k), str) and q.get(k) for k in ("id", "question", "question_fa")
            ):
                self.find(
                    at,
                    "format.open_question",
                    "an open question needs id, question and question_fa",
                    "هر پرسش باز باید id، question و question_fa داشته باشد",
                )
                continue
            unknown = set(q) - QUESTION_KEYS
            if unknown:
                self.find(
                    at, "format.unknown_key", f"unknown keys {sorted(unknown)}", "کلید ناشناخته"
                )
            params = q.get("parameters") or []
            if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
                self.find(
                    at,
                    "format.open_question",
                    "parameters must be a list of parameter paths",
                    "parameters باید فهرست مسیر پارامترها باشد",
                )
                params = []
            self.questions.append(
                OpenQuestion(
                    id=str(q["id"]),
                    question=str(q["question"]),
                    question_fa=str(q["question_fa"]),
                    parameters=tuple(params),
                    file=self.file,
                )
            )

    def check_question_parameters(self) -> None:
        for q in self.questions:
            for p in q.parameters:
                if p not in self.parameters:
                    self.findings.append(
                        Finding(
                            f"open_questions[{q.id}]",
                            "open_question.unknown_parameter",
                            f"open question {q.id} names an unknown parameter {p!r}",
                            f"پرسش باز {q.id} به پارامتر ناشناخته {p!r} اشاره می‌کند",
                            q.file,
                        )
                    )

    def parameter(self, node: Mapping[str, Any], path: str) -> None:
        unknown = set(node) - PARAM_KEYS
        if unknown:
            self.find(
                path,
                "format.unknown_key",
                f"unknown keys {sorted(unknown)}",
                f"کلیدهای ناشناخته {sorted(unknown)}",
            )
        kind = node.get("kind", "scalar")
        if kind not in KINDS:
            self.find(path, "format.kind", f"unknown kind {kind!r}", f"نوع ناشناخته {kind!r}")
            kind = "scalar"
        values = node.get("values")
        if not isinstance(values, list) or not values:
            self.find(path, "format.values", "values must be a non-empty list", "values خالی است")
            return
        entries: list[Entry] = []
        for i, raw in enumerate(values):
            e = self.entry(raw, f"{path}[{i}]", path, node.get("reference"))
            if e is not None:
                entries.append(e)
        for a, b in pairwise(entries):
            if b.since <= a.since:
                self.find(
                    path,
                    "dates.unsorted",
                    f"dates must be strictly increasing: {a.since} then {b.since}",
                    f"تاریخ‌ها باید صعودی باشند: {a.since} سپس {b.since}",
                )
        for e in entries:
            self.check_kind(kind, e.value, path, e.since, node.get("choices"))
        if kind == "cap_table":
            self.check_caps_across_entries(path, entries)
        self.parameters[path] = Parameter(
            path=path,
            entries=tuple(entries),
            kind=kind,
            keyed_by=node.get("keyed_by"),
            description=node.get("description"),
            description_fa=node.get("description_fa"),
            unit=node.get("unit"),
            reference=node.get("reference"),
            open_question=node.get("open_question"),
        )

    def status(self, raw: Any, where: str) -> Status | None:
        try:
            return Status(raw)
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            self.find(
                where,
                "status.unknown",
                f"unknown status {raw!r} (allowed: {allowed})",
                f"وضعیت ناشناخته {raw!r} (مجاز: {allowed})",
            )
            return None

    def entry(self, raw: Any, where: str, path: str, reference: str | None) -> Entry | None:
        if not isinstance(raw, Mapping):
            self.find(
                where, "format.entry", "each value must be a mapping", "هر مقدار باید نگاشت باشد"
            )
            return None
        unknown = set(raw) - ENTRY_KEYS
        if unknown:
            self.find(
                where, "format.unknown_key", f"unknown keys {sorted(unknown)}", "کلید ناشناخته"
            )
        for req in ("since", "value", "status"):
            if req not in raw:
                self.find(where, f"format.missing_{req}", f"missing '{req}'", f"«{req}» ندارد")
                return None
        try:
            since = parse_jalali(str(raw["since"]))
        except InvalidInput:
            self.find(
                where,
                "dates.malformed",
                f"'since' is not a Jalali date: {raw['since']!r}",
                f"تاریخ «since» نامعتبر است: {raw['since']!r}",
            )
            return None
        status = self.status(raw["status"], where)
        if status is None:
            return None
        if status in NEEDS_SOURCE and not raw.get("source"):
            self.find(
                where,
                "source.missing",
                f"a {status.value} value must cite its source",
                f"مقدار با وضعیت {status.value} باید منبع داشته باشد",
            )
        elif status is Status.SEED:
            self.check_seed_reference(where, raw.get("source"), raw.get("quote"))
        prov = Provenance(
            path=path,
            since=since,
            status=status,
            source=raw.get("source"),
            note=raw.get("note"),
            note_fa=raw.get("note_fa"),
            reference=raw.get("reference", reference),
        )
        cells: dict[str, Provenance] = {}
        value = self.unwrap(raw["value"], prov, "", cells, where)
        quote = raw.get("quote")
        return Entry(
            since=since,
            value=value,
            provenance=prov,
            cells=cells,
            quote=quote if isinstance(quote, str) else None,
        )

    def unwrap(
        self, node: Any, parent: Provenance, key: str, cells: dict[str, Provenance], where: str
    ) -> Any:
        if _is_cell(node):
            unknown = set(node) - CELL_KEYS
            if unknown:
                self.find(
                    where,
                    "format.unknown_key",
                    f"unknown cell keys {sorted(unknown)}",
                    "کلید ناشناخته",
                )
            status = self.status(node["status"], f"{where}.{key}")
            if status is not None:
                if status in NEEDS_SOURCE and not (node.get("source") or parent.source):
                    self.find(where, "source.missing", "cell needs a source", "خانه منبع ندارد")
                elif status is Status.SEED and parent.status is not Status.SEED:
                    # a seed cell in a non-seed entry must carry its own seed reference
                    self.check_seed_reference(
                        f"{where}.{key}", node.get("source"), node.get("quote")
                    )
                cells[key] = Provenance(
                    path=parent.path,
                    since=parent.since,
                    status=status,
                    source=node.get("source", parent.source),
                    note=node.get("note"),
                    note_fa=node.get("note_fa"),
                    reference=parent.reference,
                )
            return self.unwrap(node["value"], parent, key, cells, where)
        if isinstance(node, Mapping):
            return MappingProxyType(
                {
                    k: self.unwrap(v, parent, f"{key}.{k}" if key else str(k), cells, where)
                    for k, v in node.items()
                }
            )
        if isinstance(node, list):
            return tuple(
                self.unwrap(v, parent, f"{key}.{i}" if key else str(i), cells, where)
                for i, v in enumerate(node)
            )
        return node

    def check_seed_reference(self, where: str, source: Any, quote: Any) -> None:
        """A ``seed`` value names the article of the source page it is printed in and quotes
        the words that state it; anything else is ``sourced`` or ``assumed``."""
        if not (isinstance(source, str) and SEED_SOURCE.match(source)):
            self.find(
                where,
                "seed.reference",
                f"a seed value must cite 'source article §0.N (docs/rules.md)', not {source!r}; "
                "a figure the source article does not print is sourced or assumed",
                "مقدار با وضعیت seed باید به «source article §0.N (docs/rules.md)» ارجاع دهد؛ "
                "رقمی که در متن منبع نیامده sourced یا assumed است",
            )
        if not (isinstance(quote, str) and quote.strip()):
            self.find(
                where,
                "seed.quote",
                "a seed value must quote the source article's words that state it (quote:)",
                "مقدار با وضعیت seed باید عبارت متن منبع را نقل کند (quote:)",
            )

    # -- kind checks ---------------------------------------------------------------------
    def check_kind(self, kind: str, value: Any, path: str, since: date, choices: Any) -> None:
        checks: dict[str, Callable[[Any, str, date], None]] = {
            "cap_table": self.check_cap_table,
            "deposit_table": self.check_deposit_table,
            "percent": self.check_percent,
            "boolean": self.check_boolean,
        }
        if kind in checks:
            checks[kind](value, path, since)
        elif kind == "enum" and choices is not None and value not in choices:
            self.find(path, "enum.choice", f"{value!r} not in {choices}", f"{value!r} مجاز نیست")

    def check_percent(self, value: Any, path: str, since: date) -> None:
        if isinstance(value, bool) or not isinstance(value, int | str) or not _is_decimal(value):
            self.find(path, "percent.type", f"{value!r} is not a percentage", "درصد نیست")

    def check_boolean(self, value: Any, path: str, since: date) -> None:
        if not isinstance(value, bool):
            self.find(path, "boolean.type", f"{value!r} is not true or false", "درست/نادرست نیست")

    def check_deposit_table(self, value: Any, path: str, since: date) -> None:
        if (
            not isinstance(value, tuple)
            or not value
            or not all(_is_int(v) and v > 0 for v in value)
        ):
            self.find(
                path,
                "deposit_table.type",
                f"deposit table of {since} must be a list of positive rial amounts",
                "جدول واریز باید فهرستی از مبالغ مثبت ریالی باشد",
            )
            return
        for year, (a, b) in enumerate(pairwise(value), start=1):
            if b < a:
                self.find(
                    path,
                    "deposit_table.falls",
                    f"deposit table of {since} falls from year {year} ({a:,}) "
                    f"to year {year + 1} ({b:,})",
                    f"جدول واریز {since} از سال {year} ({a:,}) به سال {year + 1} ({b:,}) کاهش "
                    "می‌یابد",
                )

    def check_cap_table(self, value: Any, path: str, since: date) -> None:
        if not isinstance(value, Mapping) or not value:
            self.find(
                path, "cap_table.type", "cap table must map years to tiers", "جدول سقف نامعتبر"
            )
            return
        rows: list[tuple[int, tuple[int, int, int]]] = []
        for year, tiers in value.items():
            if not _is_int(year) or year < 1:
                self.find(
                    path,
                    "cap_table.year",
                    f"year {year!r} is not a positive integer",
                    "سال نامعتبر",
                )
                continue
            if not isinstance(tiers, Mapping) or set(tiers) != set(TIERS):
                self.find(
                    path,
                    "cap_table.tiers",
                    f"year {year} must give {TIERS}",
                    f"سال {year} سطوح ناقص",
                )
                continue
            amounts = tuple(tiers[t] for t in TIERS)
            if not all(_is_int(a) and a > 0 for a in amounts):
                self.find(
                    path,
                    "cap_table.amount",
                    f"year {year}: caps must be positive rials",
                    "سقف نامعتبر",
                )
                continue
            t1, t2, t3 = amounts
            if not (t1 >= t2 >= t3):
                self.find(
                    path,
                    "cap_table.tier_order",
                    f"tier order broken at year {year} ({since}): tier 1 {t1:,} ≥ tier 2 {t2:,} "
                    f"≥ tier 3 {t3:,} must hold",
                    f"ترتیب سطوح در سال {year} ({since}) رعایت نشده: سطح ۱ ({t1:,}) ≥ سطح ۲ "
                    f"({t2:,}) ≥ سطح ۳ ({t3:,})",
                )
            rows.append((year, (t1, t2, t3)))
        rows.sort()
        for (y0, a), (y1, b) in pairwise(rows):
            for i, tier in enumerate(TIERS):
                if b[i] < a[i]:
                    self.find(
                        path,
                        "cap_table.falls",
                        f"{tier} cap falls from year {y0} ({a[i]:,}) to year {y1} ({b[i]:,}) "
                        f"in the table of {since}",
                        f"سقف {tier} از سال {y0} ({a[i]:,}) به سال {y1} ({b[i]:,}) کاهش می‌یابد",
                    )

    def check_caps_across_entries(self, path: str, entries: list[Entry]) -> None:
        """Nothing to check across cohorts: a later cohort may have a shorter wait."""


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_decimal(v: Any) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        Decimal(str(v))
    except InvalidOperation:
        return False
    return True
