"""Bringing an existing youth-fund book in: every row of an import file checked against the
rules the account services apply (docs/onboarding.md). Pure: rows in, typed rows or the
reason they are refused out; the business date and the city index are arguments.

* An **account** row: a valid account number, a national ID with a correct check digit, a
  name, a birth date and an opening date that exist in the Jalali calendar (opening on or
  before the business date), a known city (its tier at the opening date), a whole-rial
  opening deposit, and the cohort's rules on it (``rules.check_history``: at least the
  cohort's minimum opening deposit).
* A **movement** row: an account number, the bank's own reference of the movement, a date
  that exists, not after the business date, and a signed whole-rial amount (+ deposit,
  − withdrawal). Per account the movements, with the account's history so far, must pass
  ``rules.check_history`` (no withdrawal below the floor, never a negative balance).
* A row that repeats an earlier row's key (account number; account number and reference)
  is refused as a duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import format_jalali, jalali_year, parse_jalali
from tashilat.domain.money import MAX_RIAL, parse_rial
from tashilat.domain.programs.youth_fund.cities import CityIndex, tier_of
from tashilat.domain.programs.youth_fund.rules import (
    CohortTerms,
    Event,
    check_history,
    cohort_terms,
)
from tashilat.domain.text import normalize_text, strip_number

ACCOUNT_COLUMNS = (
    "number",
    "national_id",
    "name",
    "birth_date",
    "opened_on",
    "city",
    "branch",
    "opening_deposit",
)
MOVEMENT_COLUMNS = ("number", "reference", "on", "amount")
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/]{0,39}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_:./]{0,99}$")


@dataclass(frozen=True)
class Reject:
    """A refused row: its line in the file (the header is line 1), why, in both languages."""

    line: int
    code: str
    reason_fa: str
    reason_en: str


@dataclass(frozen=True)
class AccountRow:
    line: int
    number: str
    national_id: str
    name: str
    birth_date: date
    opened_on: date
    cohort: int
    city: str
    tier: int
    branch: str
    opening_deposit: int
    min_balance: int


@dataclass(frozen=True)
class MovementRow:
    line: int
    number: str
    reference: str
    on: date
    amount: int  # + deposit, − withdrawal


class Terms:
    """Cohort terms by opening date, resolved once per date (a book has few)."""

    def __init__(self, policy: PolicyReader) -> None:
        self.policy = policy
        self._by_day: dict[date, CohortTerms] = {}

    def __call__(self, opened_on: date) -> CohortTerms:
        t = self._by_day.get(opened_on)
        if t is None:
            t = self._by_day[opened_on] = cohort_terms(self.policy, opened_on)
        return t


def _missing(field: str) -> InvalidInput:
    return InvalidInput(
        "import.missing",
        f"ستون «{field}» خالی است.",
        f"Column '{field}' is empty.",
        field=field,
    )


_ASCII_SPACES = re.compile(r"\s+")
_PLAIN_AMOUNT = re.compile(r"^[+-]?[0-9]{1,18}$")


def text_field(row: Mapping[str, str], field: str) -> str:
    """A file row's field, spaces normalised (Persian text through ``normalize_text``);
    empty is refused (``import.missing``). Shared by every import's row checks."""
    raw = str(row.get(field) or "")
    # plain ASCII (most fields of a bank's export) needs only the spaces normalised
    value = _ASCII_SPACES.sub(" ", raw).strip() if raw.isascii() else normalize_text(raw).strip()
    if not value:
        raise _missing(field)
    return value


def text(value: str, field: str) -> str:
    """A field's text as the row checks read it (normalised, trimmed); empty is refused."""
    return text_field({field: value}, field)


def name_or_none(value: str) -> str | None:
    """An account row's name as ``account_row`` keeps it, or ``None`` if empty."""
    try:
        return text_field({"name": value}, "name")[:200]
    except InvalidInput:
        return None


def key_field(row: Mapping[str, str], field: str, pattern: re.Pattern[str]) -> str:
    """A file row's identifier field, refused (``import.bad_key``) unless it matches
    ``pattern``."""
    value = text_field(row, field)
    if not pattern.match(value):
        raise InvalidInput(
            "import.bad_key",
            f"«{value[:40]}» در ستون «{field}» شناسه معتبری نیست (حروف لاتین، رقم، - و /).",
            f"'{value[:40]}' in column '{field}' is not a valid identifier "
            "(Latin letters, digits, - and /).",
            field=field,
        )
    return value


@lru_cache(maxsize=65536)
def _jalali(text: str, field: str) -> date:
    """``parse_jalali``, remembered: a book repeats the same few thousand days."""
    return parse_jalali(text, field=field)


def day(text: str, field: str) -> date:
    """A date field's text as the row checks read it (normalised, Jalali, existing)."""
    return _jalali(text_field({field: text}, field), field)


def _date(row: Mapping[str, str], field: str, business_date: date) -> date:
    on = _jalali(text_field(row, field), field)
    if on > business_date:
        raise InvalidInput(
            "import.future_date",
            f"تاریخ {format_jalali(on)} در ستون «{field}» پس از تاریخ کاری "
            f"({format_jalali(business_date)}) است.",
            f"The date {format_jalali(on)} in column '{field}' is after the business date "
            f"({format_jalali(business_date)}).",
            field=field,
        )
    return on


def account_row(
    policy: PolicyReader,
    terms: Terms,
    cities: CityIndex,
    line: int,
    row: Mapping[str, str],
    business_date: date,
) -> AccountRow:
    """One account row, checked; raises ``InvalidInput`` naming the first problem."""
    number = key_field(row, "number", _NUMBER)
    national_id = parse_national_id(text_field(row, "national_id"))
    name = text_field(row, "name")[:200]
    birth_date = _date(row, "birth_date", business_date)
    opened_on = _date(row, "opened_on", business_date)
    if birth_date >= opened_on:
        raise InvalidInput(
            "import.born_after_opening",
            "تاریخ تولد پس از تاریخ افتتاح حساب است.",
            "The birth date is not before the opening date.",
            field="birth_date",
        )
    city = cities.lookup(text_field(row, "city"))
    branch = key_field(row, "branch", _NUMBER)
    deposit = parse_rial(
        text_field(row, "opening_deposit"), field="opening_deposit", allow_zero=False
    )
    t = terms(opened_on)
    check_history(policy, t, [Event(opened_on, deposit)])
    return AccountRow(
        line=line,
        number=number,
        national_id=national_id,
        name=name,
        birth_date=birth_date,
        opened_on=opened_on,
        cohort=jalali_year(opened_on),
        city=f"{city.name_fa} ({city.name_en})",
        tier=tier_of(policy, city, opened_on).tier,
        branch=branch,
        opening_deposit=deposit,
        min_balance=t.min_opening_deposit,
    )


def movement_row(line: int, row: Mapping[str, str], business_date: date) -> MovementRow:
    """One movement row, checked on its own (the account's rules come with its history)."""
    number = key_field(row, "number", _NUMBER)
    reference = key_field(row, "reference", _REFERENCE)
    on = _date(row, "on", business_date)
    text = text_field(row, "amount")
    if _PLAIN_AMOUNT.match(text) and 0 < abs(int(text)) <= MAX_RIAL:
        return MovementRow(line, number, reference, on, int(text))
    raw = strip_number(text)
    sign = -1 if raw.startswith("-") else 1
    amount = parse_rial(raw.lstrip("+-"), field="amount", allow_zero=False)
    return MovementRow(line, number, reference, on, sign * amount)


def opening_request_id(number: str) -> str:
    """The opening deposit's journal entry of an imported account."""
    return f"import:open:{number}"


def movement_request_id(number: str, reference: str) -> str:
    """An imported movement's journal entry: the bank's own key, so a rerun finds it."""
    return f"import:{number}:{reference}"


def reject(line: int, exc: InvalidInput) -> Reject:
    return Reject(line, exc.code, exc.message_fa, exc.message_en)


def duplicate(line: int, first: int) -> Reject:
    """Line ``line`` repeats the key of the earlier line ``first``."""
    return Reject(
        line,
        "import.duplicate",
        f"سطر تکراری: همان کلید سطر {first}.",
        f"Duplicated row: the same key as line {first}.",
    )


def duplicates(keys: Iterable[tuple[int, object]]) -> tuple[set[int], list[Reject]]:
    """Lines whose key an earlier line already had: (their lines, their rejects)."""
    first: dict[object, int] = {}
    lines: set[int] = set()
    out: list[Reject] = []
    for line, key in keys:
        if key in first:
            lines.add(line)
            out.append(duplicate(line, first[key]))
        else:
            first[key] = line
    return lines, out


def check_account_movements(
    policy: PolicyReader,
    terms: CohortTerms,
    history: Sequence[Event],
    rows: Sequence[MovementRow],
) -> Reject | None:
    """The account's movements so far (``history``, which holds its opening deposit) and
    the new ``rows`` against the cohort's rules; the row that breaks them, if any."""
    for r in rows:
        if r.on < terms.opened_on:
            return Reject(
                r.line,
                "import.before_opening",
                f"تاریخ {format_jalali(r.on)} پیش از افتتاح حساب "
                f"({format_jalali(terms.opened_on)}) است.",
                f"The date {format_jalali(r.on)} is before the account was opened "
                f"({format_jalali(terms.opened_on)}).",
            )
    try:
        check_history(policy, terms, [*history, *(Event(r.on, r.amount) for r in rows)])
    except InvalidInput as exc:
        n = exc.details.get("movement")
        k = int(n) - len(history) - 1 if n is not None else -1
        line = rows[k].line if 0 <= k < len(rows) else rows[0].line
        # the rule numbers movements in the account's whole history; the reject names the
        # line, so the reason speaks of "this movement"
        return Reject(
            line,
            exc.code,
            re.sub(r"^تراکنش \d+ ", "این تراکنش ", exc.message_fa),
            re.sub(r"^Movement \d+ ", "This movement ", exc.message_en),
        )
    return None
