"""Differential tests: the import's column checks (``adapters/batch/onboard_check``) give
the domain's row-by-row verdicts — the same typed rows, the same rejects with the same
reasons — on generated files mixing plain rows, Persian digits, spaces, bad dates, bad
amounts, bad keys and duplicates; the history screen flags exactly the accounts the domain's
``check_account_movements`` refuses."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashilat.adapters.batch import onboard_check as checks
from tashilat.data import load_city_index
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.youth_fund import onboarding as ob
from tashilat.domain.programs.youth_fund.rules import Event
from tashilat.policy import default_policy

POLICY = default_policy()
CITIES = load_city_index()
BUSINESS = date(2025, 3, 21)  # 1404/01/01

NUMBERS = ["A-1", "A-2", "B/3", " A-1", "A 1", "", "-X", "۱۲۳"]
REFERENCES = ["T1", "T2", "T:3", "T.4", "T 5", "", "_x"]
DAYS = ["1402/06/01", "۱۴۰۲/۰۶/۰۲", "1402/07/31", "1404/02/01", "1402/6/3", "x", " 1402/06/04"]
AMOUNTS = ["2000000", "-1500000", "0", "12.5", "۵٬۰۰۰", "+300", "-0", "99999999999999999", ""]


def _row_path(rows: list[dict[str, str]]) -> tuple[list[tuple], list[ob.Reject]]:
    good: list[ob.MovementRow] = []
    rejects: list[ob.Reject] = []
    for line, row in enumerate(rows, start=2):
        try:
            good.append(ob.movement_row(line, row, BUSINESS))
        except InvalidInput as exc:
            rejects.append(ob.reject(line, exc))
    dup, more = ob.duplicates((r.line, (r.number, r.reference)) for r in good)
    typed = [(r.line, r.number, r.reference, r.on, r.amount) for r in good if r.line not in dup]
    return typed, rejects + more


movement = st.fixed_dictionaries(
    {
        "number": st.sampled_from(NUMBERS[:2] * 4 + NUMBERS),
        "reference": st.sampled_from(REFERENCES[:2] * 4 + REFERENCES),
        "on": st.sampled_from(DAYS[:2] * 4 + DAYS),
        "amount": st.sampled_from(AMOUNTS[:2] * 4 + AMOUNTS),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(movement, max_size=25))
def test_movement_columns_give_the_row_by_row_verdicts(rows: list[dict[str, str]]) -> None:
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in ob.MOVEMENT_COLUMNS})
    lines = np.arange(2, len(rows) + 2, dtype=np.int64)
    good, rejects = checks.movement_rows(table, lines, BUSINESS)
    typed, expected = _row_path(rows)
    assert [tuple(r.values()) for r in good.to_pylist()] == typed
    key = lambda r: (r.line, r.code, r.reason_en)  # noqa: E731
    assert sorted(rejects, key=key) == sorted(expected, key=key)


ACCOUNT = {
    "number": ["OLD-1", "OLD-2", "OLD 3", ""],
    "national_id": ["0499370899", "۰۴۹۹۳۷۰۸۹۹", "0499370898", "1111111111", "499370899"],
    "name": ["سارا احمدی", "Ali  Rezaei", " ", "مريم"],
    "birth_date": ["1380/02/10", "1402/06/01", "1380/13/01", "1402/05/10"],
    "opened_on": ["1402/05/10", "1403/01/05", "1402/07/31", "1404/02/01"],
    "city": ["تهران", "اصفهان", "شيراز", "ناکجاآباد", "ری"],
    "branch": ["0101", "B 1", ""],
    "opening_deposit": ["5000000", "3999999", "۱۲۰۰۰۰۰۰", "0", "12.5", "60000000"],
}
# mostly plain, valid fields (the first of each list), so that rows that pass, rows that
# fail one check, and repeated keys all occur
account = st.fixed_dictionaries({k: st.sampled_from(v[:1] * 12 + v) for k, v in ACCOUNT.items()})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(account, max_size=15))
def test_account_columns_give_the_row_by_row_verdicts(rows: list[dict[str, str]]) -> None:
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in ob.ACCOUNT_COLUMNS})
    lines = np.arange(2, len(rows) + 2, dtype=np.int64)
    terms = ob.Terms(POLICY)
    good, rejects = checks.account_rows(
        table, lines, policy=POLICY, terms=terms, cities=CITIES, business_date=BUSINESS
    )
    typed: list[ob.AccountRow] = []
    expected: list[ob.Reject] = []
    for line, row in enumerate(rows, start=2):
        try:
            typed.append(ob.account_row(POLICY, terms, CITIES, line, row, BUSINESS))
        except InvalidInput as exc:
            expected.append(ob.reject(line, exc))
    dup, more = ob.duplicates((r.line, r.number) for r in typed)
    want = [
        (
            r.line,
            r.number,
            r.national_id,
            r.name,
            r.birth_date,
            r.opened_on,
            r.cohort,
            r.city,
            r.tier,
            r.branch,
            r.opening_deposit,
            r.min_balance,
        )
        for r in typed
        if r.line not in dup
    ]
    assert [tuple(r.values()) for r in good.to_pylist()] == want
    key = lambda r: (r.line, r.code, r.reason_en)  # noqa: E731
    assert sorted(rejects, key=key) == sorted(expected + more, key=key)


def test_a_plain_account_row_is_typed_with_its_cohort_tier_and_floor() -> None:
    table = pa.table(
        {
            "number": ["OLD-0001"],
            "national_id": ["0499370899"],
            "name": ["سارا احمدی"],
            "birth_date": ["1380/02/10"],
            "opened_on": ["1402/05/10"],
            "city": ["تهران"],
            "branch": ["0101"],
            "opening_deposit": ["5000000"],
        }
    )
    good, rejects = checks.account_rows(
        table,
        np.array([2]),
        policy=POLICY,
        terms=ob.Terms(POLICY),
        cities=CITIES,
        business_date=BUSINESS,
    )
    assert rejects == []
    row = good.to_pylist()[0]
    assert (row["opened_on"], row["cohort"], row["tier"], row["min_balance"]) == (
        date(2023, 8, 1),
        1402,
        1,
        4_000_000,
    )


OPENED = date(2023, 8, 1)  # 1402/05/10, floor 4,000,000
day_offsets = st.integers(min_value=-3, max_value=40)
amounts = st.sampled_from([4_000_000, 1_000_000, 500_000, -500_000, -1_000_000, -4_500_000])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.tuples(day_offsets, amounts), max_size=4), min_size=1, max_size=5),
    st.lists(st.tuples(st.integers(0, 4), day_offsets, amounts), max_size=12),
)
def test_the_history_screen_flags_exactly_the_accounts_the_rule_refuses(
    histories: list[list[tuple[int, int]]], new: list[tuple[int, int, int]]
) -> None:
    k = len(histories)
    opened_day = checks.epoch_day(OPENED)
    hist = [(a, max(d, 0), amt) for a, h in enumerate(histories) for d, amt in h]
    rows = [(a % k, d, amt) for a, d, amt in new]

    def arrays(items: list[tuple[int, int, int]]) -> checks.Histories:
        return checks.Histories(
            np.array([a for a, _, _ in items], np.int64),
            np.array([opened_day + d for _, d, _ in items], np.int64),
            np.array([amt for _, _, amt in items], np.int64),
        )

    hist_sorted = sorted(hist, key=lambda t: (t[0], t[1]))  # the store's order
    flagged = checks.screen_histories(
        arrays(hist_sorted),
        arrays(rows),
        np.full(k, opened_day, np.int64),
        np.full(k, 4_000_000, np.int64),
    )
    terms = ob.Terms(POLICY)(OPENED)
    refused = []
    for acc in range(k):
        mine = [(d, amt) for a, d, amt in rows if a == acc]
        if not mine:
            continue
        history = [
            Event(checks.from_day(opened_day + d), amt) for a, d, amt in hist_sorted if a == acc
        ]
        movements = [
            ob.MovementRow(n, "A", "", checks.from_day(opened_day + d), amt)
            for n, (d, amt) in enumerate(mine, start=2)
        ]
        if ob.check_account_movements(POLICY, terms, history, movements) is not None:
            refused.append(acc)
    named = {a for a, _, _ in rows}
    assert [a for a in flagged.tolist() if a in named] == refused
