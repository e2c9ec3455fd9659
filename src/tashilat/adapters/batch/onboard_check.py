"""The import's row checks over whole columns: the verdicts and reasons of
``domain.programs.youth_fund.onboarding`` row by row, at column speed (docs/onboarding.md).

A row whose fields are plain (keys of Latin letters and digits, an integer amount, ten
digits of national ID) and pass every check is taken straight from the columns. Every other
row, and only those, goes through the domain's own row function, which returns its typed row
or raises its reason. Values that repeat in a book (dates, cities, a cohort's terms by
opening day, a city's tier on a day) are resolved once per distinct value by the domain's
functions. The verdicts are therefore the domain's by construction;
``tests/batch/test_onboard_check.py`` compares them with the row-by-row path on generated
files.

``screen_histories`` is the account-level rule (``rules.check_history`` on an account's
history and its new movements) as one pass of sorted cumulative sums: it flags the accounts
that may break the rule; the job runs the domain's check on those accounts only, for the
exact reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import jalali_year
from tashilat.domain.money import MAX_RIAL
from tashilat.domain.programs.youth_fund import onboarding as rules
from tashilat.domain.programs.youth_fund.cities import City, CityIndex, tier_of

EPOCH = date(1970, 1, 1)
NUMBER = r"^[A-Za-z0-9][A-Za-z0-9\-/]{0,39}$"
REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9\-_:./]{0,99}$"
SIGNED = r"^-?[0-9]{1,18}$"
UNSIGNED = r"^[0-9]{1,18}$"
NATIONAL_ID = r"^[0-9]{10}$"
T = TypeVar("T")


def epoch_day(d: date) -> int:
    return (d - EPOCH).days


def from_day(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def _flat(col: Any) -> pa.Array:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _match(col: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(
        pc.fill_null(pc.match_substring_regex(col, pattern), False).to_numpy(zero_copy_only=False),
        dtype=bool,
    )


def _distinct(col: pa.Array, resolve: Callable[[str], T]) -> tuple[list[T | None], np.ndarray]:
    """``resolve`` once per distinct text of ``col``: (value per distinct text, ``None``
    where it raised ``InvalidInput``; the distinct index of each row)."""
    enc = pc.dictionary_encode(_flat(col))
    values: list[T | None] = []
    for text in enc.dictionary.to_pylist():
        try:
            values.append(resolve(text))
        except InvalidInput:
            values.append(None)
    return values, np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)


def _days(col: pa.Array, field: str, business_date: date) -> tuple[np.ndarray, np.ndarray]:
    """Each row's date as days since 1970 and whether it exists and is not after the
    business date."""
    values, idx = _distinct(col, lambda t: rules.day(t, field))
    limit = epoch_day(business_date)
    days = np.array([epoch_day(v) if v is not None else limit + 1 for v in values], np.int64)
    per_row = days[idx] if len(values) else np.zeros(0, np.int64)
    return per_row, per_row <= limit


def _integers(col: pa.Array, ok: np.ndarray) -> np.ndarray:
    """The integer value of the rows where ``ok`` (the others 0)."""
    return np.asarray(
        pc.cast(pc.if_else(pa.array(ok), col, "0"), pa.int64()).to_numpy(zero_copy_only=False),
        dtype=np.int64,
    )


def _row(table: pa.Table, i: int) -> dict[str, str]:
    return {c: table[c][i].as_py() or "" for c in table.column_names}


def _first_lines(keys: pa.Array, lines: np.ndarray) -> np.ndarray:
    """Per row (in line order), the line of the first row with the same key."""
    codes = np.asarray(pc.dictionary_encode(_flat(keys)).indices.to_numpy(zero_copy_only=False))
    _, first = np.unique(codes, return_index=True)
    return np.asarray(lines[first[codes]], dtype=np.int64)


def _duplicates(keys: pa.Array, lines: np.ndarray) -> tuple[np.ndarray, list[rules.Reject]]:
    first = _first_lines(keys, lines)
    dup = first != lines
    return dup, [
        rules.duplicate(int(a), int(b)) for a, b in zip(lines[dup], first[dup], strict=True)
    ]


MOVEMENTS = pa.schema(
    [
        ("line", pa.int64()),
        ("number", pa.string()),
        ("reference", pa.string()),
        ("on", pa.date32()),
        ("amount", pa.int64()),
    ]
)


def movement_rows(
    table: pa.Table, lines: np.ndarray, business_date: date
) -> tuple[pa.Table, list[rules.Reject]]:
    """The movement rows that pass on their own (``MOVEMENTS``, in line order, duplicates
    left out) and the rejects (``rules.movement_row``'s reasons; ``import.duplicate``)."""
    days, day_ok = _days(table["on"], "on", business_date)
    amount_ok = _match(table["amount"], SIGNED)
    amounts = _integers(table["amount"], amount_ok)
    amount_ok &= (amounts != 0) & (np.abs(amounts) <= MAX_RIAL)
    fast = (
        _match(table["number"], NUMBER) & _match(table["reference"], REFERENCE) & amount_ok & day_ok
    )
    rejects: list[rules.Reject] = []
    slow: list[rules.MovementRow] = []
    for i in np.flatnonzero(~fast).tolist():
        try:
            slow.append(rules.movement_row(int(lines[i]), _row(table, i), business_date))
        except InvalidInput as exc:
            rejects.append(rules.reject(int(lines[i]), exc))
    keep = pa.array(fast)
    good = pa.table(
        {
            "line": pa.array(lines[fast], pa.int64()),
            "number": pc.filter(table["number"], keep),
            "reference": pc.filter(table["reference"], keep),
            "on": pa.array(days[fast].astype(np.int32)).cast(pa.date32()),
            "amount": pa.array(amounts[fast], pa.int64()),
        },
        schema=MOVEMENTS,
    )
    if slow:
        more = pa.table(
            {
                "line": [r.line for r in slow],
                "number": [r.number for r in slow],
                "reference": [r.reference for r in slow],
                "on": [r.on for r in slow],
                "amount": [r.amount for r in slow],
            },
            schema=MOVEMENTS,
        )
        good = pa.concat_tables([good, more]).sort_by("line")
    if good.num_rows:
        keys = pc.binary_join_element_wise(good["number"], good["reference"], "\x00")
        dup, dups = _duplicates(keys, good["line"].to_numpy())
        rejects += dups
        good = good.filter(pa.array(~dup))
    return good, rejects


ACCOUNTS = pa.schema(
    [
        ("line", pa.int64()),
        ("number", pa.string()),
        ("national_id", pa.string()),
        ("name", pa.string()),
        ("birth_date", pa.date32()),
        ("opened_on", pa.date32()),
        ("cohort", pa.int64()),
        ("city", pa.string()),
        ("tier", pa.int64()),
        ("branch", pa.string()),
        ("opening_deposit", pa.int64()),
        ("min_balance", pa.int64()),
    ]
)


def _national_ids_valid(col: pa.Array) -> np.ndarray:
    """Ten ASCII digits with a correct check digit, not all the same digit
    (``ids.national_id_is_valid``), per row."""
    ok = _match(col, NATIONAL_ID)
    digits = np.zeros((len(col), 10), dtype=np.int64)
    if ok.any():
        raw = pc.if_else(pa.array(ok), col, "0000000000")
        buf = np.frombuffer("".join(raw.to_pylist()).encode("ascii"), dtype=np.uint8)
        digits = buf.reshape(-1, 10).astype(np.int64) - ord("0")
    r = (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
    check = np.where(r < 2, r, 11 - r)
    same = (digits == digits[:, :1]).all(axis=1)
    valid: np.ndarray = ok & (check == digits[:, 9]) & ~same
    return valid


def account_rows(
    table: pa.Table,
    lines: np.ndarray,
    *,
    policy: PolicyReader,
    terms: rules.Terms,
    cities: CityIndex,
    business_date: date,
) -> tuple[pa.Table, list[rules.Reject]]:
    """The account rows that pass on their own (``ACCOUNTS``, in line order, duplicated
    account numbers left out) and the rejects (``rules.account_row``'s reasons)."""
    n = table.num_rows
    birth, birth_ok = _days(table["birth_date"], "birth_date", business_date)
    opened, opened_ok = _days(table["opened_on"], "opened_on", business_date)
    city_values, city_idx = _distinct(table["city"], lambda t: cities.lookup(rules.text(t, "city")))
    city_ok = (
        np.array([c is not None for c in city_values], bool)[city_idx] if n else np.zeros(0, bool)
    )
    deposit_ok = _match(table["opening_deposit"], UNSIGNED)
    deposits = _integers(table["opening_deposit"], deposit_ok)
    deposit_ok &= (deposits > 0) & (deposits <= MAX_RIAL)
    names = [rules.name_or_none(t) for t in table["name"].to_pylist()]
    fast = (
        _match(table["number"], NUMBER)
        & _match(table["branch"], NUMBER)
        & _national_ids_valid(table["national_id"])
        & np.array([v is not None for v in names], bool)
        & birth_ok
        & opened_ok
        & (birth < opened)
        & city_ok
        & deposit_ok
    )
    # the cohort's floor and year by opening day, the tier by (city, opening day)
    floors = np.zeros(n, np.int64)
    cohorts = np.zeros(n, np.int64)
    tiers = np.zeros(n, np.int64)
    if fast.any():
        at = np.flatnonzero(fast)
        days, inverse = np.unique(opened[at], return_inverse=True)
        per_day = [terms(from_day(d)) for d in days.tolist()]
        floors[at] = np.array([t.min_opening_deposit for t in per_day], np.int64)[inverse]
        cohorts[at] = np.array([jalali_year(from_day(d)) for d in days.tolist()], np.int64)[inverse]
        pairs, pair_inverse = np.unique(
            np.stack([city_idx[at], opened[at]], axis=1), axis=0, return_inverse=True
        )
        pair_tiers = [
            tier_of(policy, _city(city_values[int(c)]), from_day(int(d))).tier for c, d in pairs
        ]
        tiers[at] = np.array(pair_tiers, np.int64)[np.asarray(pair_inverse).reshape(-1)]
        fast[at] &= deposits[at] >= floors[at]
    rejects: list[rules.Reject] = []
    slow: list[rules.AccountRow] = []
    for i in np.flatnonzero(~fast).tolist():
        try:
            slow.append(
                rules.account_row(
                    policy, terms, cities, int(lines[i]), _row(table, i), business_date
                )
            )
        except InvalidInput as exc:
            rejects.append(rules.reject(int(lines[i]), exc))
    keep = pa.array(fast)
    labels = [f"{c.name_fa} ({c.name_en})" if c is not None else "" for c in city_values]
    good = pa.table(
        {
            "line": pa.array(lines[fast], pa.int64()),
            "number": pc.filter(table["number"], keep),
            "national_id": pc.filter(table["national_id"], keep),
            "name": pa.array(
                [v for v, f in zip(names, fast.tolist(), strict=True) if f], pa.string()
            ),
            "birth_date": pa.array(birth[fast].astype(np.int32)).cast(pa.date32()),
            "opened_on": pa.array(opened[fast].astype(np.int32)).cast(pa.date32()),
            "cohort": pa.array(cohorts[fast], pa.int64()),
            "city": pa.array([labels[k] for k in city_idx[fast].tolist()], pa.string()),
            "tier": pa.array(tiers[fast], pa.int64()),
            "branch": pc.filter(table["branch"], keep),
            "opening_deposit": pa.array(deposits[fast], pa.int64()),
            "min_balance": pa.array(floors[fast], pa.int64()),
        },
        schema=ACCOUNTS,
    )
    if slow:
        good = pa.concat_tables([good, _account_table(slow)]).sort_by("line")
    if good.num_rows:
        dup, dups = _duplicates(good["number"], good["line"].to_numpy())
        rejects += dups
        good = good.filter(pa.array(~dup))
    return good, rejects


def _city(c: City | None) -> City:
    assert c is not None, "only rows with a known city are fast"
    return c


def _account_table(rows: list[rules.AccountRow]) -> pa.Table:
    cols: dict[str, Any] = {name: [getattr(r, name) for r in rows] for name in ACCOUNTS.names}
    return pa.table(cols, schema=ACCOUNTS)


@dataclass(frozen=True)
class Histories:
    """Movements per account, as arrays: the account's index, the day (since 1970), the
    signed amount (+ deposit); in the account's order (history by date then entry, then the
    file's rows by line)."""

    account: np.ndarray
    day: np.ndarray
    amount: np.ndarray


def screen_histories(
    history: Histories,
    rows: Histories,
    opened: np.ndarray,
    floor: np.ndarray,
) -> np.ndarray:
    """The accounts (indices) whose history and new rows together may break
    ``rules.check_history`` or date a row before the opening: an opening-day deposit total
    of zero or below the floor, a withdrawal leaving less than the floor, a row before the
    opening day. ``opened``/``floor`` are per account index."""
    flagged = np.zeros(len(opened), dtype=bool)
    if rows.account.size:
        flagged[rows.account[rows.day < opened[rows.account]]] = True
    acc = np.concatenate([history.account, rows.account])
    day = np.concatenate([history.day, rows.day])
    amount = np.concatenate([history.amount, rows.amount])
    if not acc.size:
        return np.flatnonzero(flagged)
    order = np.lexsort((np.arange(acc.size), day, acc))  # stable: history, then rows
    acc, day, amount = acc[order], day[order], amount[order]
    running = np.cumsum(amount)
    starts = np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]])
    before = np.r_[0, running[starts[1:] - 1]] if starts.size else np.zeros(0, np.int64)
    base = np.repeat(before, np.diff(np.r_[starts, acc.size]))
    balance = running - base
    low = (amount < 0) & (balance < floor[acc])
    flagged[acc[low]] = True
    first_day = np.zeros(len(opened), dtype=np.int64)
    opening = (day == opened[acc]) & (amount > 0)
    np.add.at(first_day, acc[opening], amount[opening])
    named = np.zeros(len(opened), dtype=bool)
    named[acc] = True
    flagged |= named & ((first_day == 0) | (first_day < floor))
    return np.flatnonzero(flagged)
