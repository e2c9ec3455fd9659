"""Property tests of the affordability rules (docs/rules.md §3.2).

* The burden of the same instalment falls (never rises) as income rises — across profiles
  (a higher wage level, another household income) and along a loan's life when wages rise.
* The largest affordable loan's instalments never exceed the limit, and one rial more
  would exceed it.
* The housing allowance needed is the smallest that brings the rent to the target.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from tashilat.domain.finance import build_schedule
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.wages.affordability import (
    Repayment,
    allowance_needed,
    instalment_burden,
    max_affordable_loan,
)
from tashilat.domain.programs.wages.income import WorkerProfile
from tashilat.domain.programs.wages.numbers import exceeds_share
from tashilat.policy import default_policy

POLICY = default_policy()
ON = parse_jalali("1403/07/01")
RENT_ON = parse_jalali("1403/10/12")

wages = st.integers(min_value=1, max_value=5 * 10**9)
instalments = st.integers(min_value=1, max_value=10**10)
rates = st.integers(min_value=0, max_value=120).map(lambda k: Decimal(k) / 4)  # 0..30%
limits = st.integers(min_value=1, max_value=10_000).map(lambda k: Decimal(k) / 100)  # 0.01..100%
profiles = st.builds(
    WorkerProfile,
    married=st.booleans(),
    children=st.integers(min_value=0, max_value=6),
    years_of_service=st.integers(min_value=0, max_value=30),
)


def _burden(profile: WorkerProfile, instalment: int, basis: str = "gross") -> Fraction:
    d = instalment_burden(POLICY, profile, Repayment.constant(instalment), on=ON, basis=basis)
    return Fraction(instalment, d.value.income_rial)


@settings(max_examples=150, deadline=None)
@given(
    st.tuples(wages, wages).map(sorted),
    instalments,
    st.sampled_from(["gross", "net"]),
)
def test_burden_falls_as_the_wage_rises(pair: list[int], instalment: int, basis: str) -> None:
    low, high = pair
    d_low = instalment_burden(
        POLICY, WorkerProfile(base_wage=low), Repayment.constant(instalment), on=ON, basis=basis
    )
    d_high = instalment_burden(
        POLICY, WorkerProfile(base_wage=high), Repayment.constant(instalment), on=ON, basis=basis
    )
    exact_low = Fraction(instalment, d_low.value.income_rial)
    exact_high = Fraction(instalment, d_high.value.income_rial)
    assert exact_high <= exact_low
    if high > low:
        assert exact_high < exact_low
    # the rounded (shown) percentages never go the other way
    assert d_high.value.first_burden_percent <= d_low.value.first_burden_percent


@settings(max_examples=100, deadline=None)
@given(profiles, st.integers(min_value=1, max_value=10**10), instalments)
def test_more_household_income_lowers_the_burden(
    profile: WorkerProfile, extra: int, instalment: int
) -> None:
    richer = WorkerProfile(
        married=profile.married,
        children=profile.children,
        years_of_service=profile.years_of_service,
        other_income=extra,
    )
    assert _burden(richer, instalment) < _burden(profile, instalment)


@settings(max_examples=60, deadline=None)
@given(
    profiles,
    instalments,
    st.integers(min_value=1, max_value=240),
    st.integers(min_value=0, max_value=400).map(lambda k: Decimal(k) / 4),
)
def test_with_rising_wages_a_level_instalment_weighs_less_each_year(
    profile: WorkerProfile, instalment: int, months: int, rise: Decimal
) -> None:
    d = instalment_burden(
        POLICY, profile, Repayment.constant(instalment, months), on=ON, wage_rise_percent=rise
    )
    incomes = [m.income_rial for m in d.value.months]
    assert all(a <= b for a, b in pairwise(incomes))
    exact = [Fraction(m.instalment_rial, m.income_rial) for m in d.value.months]
    assert all(a >= b for a, b in pairwise(exact))
    assert d.value.months_over_limit == sum(
        1 for m in d.value.months if exceeds_share(m.instalment_rial, m.income_rial, Decimal(30))
    )


@settings(max_examples=100, deadline=None)
@given(
    profiles,
    limits,
    rates,
    st.integers(min_value=1, max_value=360),
    st.sampled_from(["simple", "fee"]),
)
def test_the_largest_affordable_loan_never_exceeds_the_limit(
    profile: WorkerProfile, limit: Decimal, rate: Decimal, months: int, method: str
) -> None:
    d = max_affordable_loan(
        POLICY,
        profile,
        on=ON,
        annual_rate=rate,
        months=months,
        limit_percent=limit,
        method=method,
    )
    v = d.value
    cap = v.instalment_limit_rial
    assert cap == math.floor(Fraction(v.income_rial) * Fraction(limit) / 100)
    if v.principal_rial == 0:
        assert d.outcome == "nothing_affordable"
        return
    schedule = build_schedule(method, v.principal_rial, rate, months)
    amounts = [i.amount for i in schedule.instalments]
    assert max(amounts) == v.max_instalment_rial <= cap
    assert not any(exceeds_share(a, v.income_rial, limit) for a in amounts)
    # the burden rule agrees: the loan is within the limit in every month
    burden = instalment_burden(
        POLICY, profile, Repayment.from_schedule(schedule), on=ON, limit_percent=limit
    )
    assert burden.outcome == "within_limit"
    # and it is the largest: one rial more breaks the limit somewhere
    bigger = build_schedule(method, v.principal_rial + 1, rate, months)
    assert max(i.amount for i in bigger.instalments) > cap


@settings(max_examples=100, deadline=None)
@given(profiles, st.integers(min_value=1, max_value=10**10), limits)
def test_the_allowance_needed_is_minimal(
    profile: WorkerProfile, rent: int, target: Decimal
) -> None:
    v = allowance_needed(POLICY, profile, on=RENT_ON, rent=rent, target_percent=target).value
    rest = v.income_rial - v.current_allowance_rial
    assert v.needed_allowance_rial >= v.current_allowance_rial
    assert not exceeds_share(rent, rest + v.needed_allowance_rial, target)
    if v.needed_allowance_rial > v.current_allowance_rial:
        assert exceeds_share(rent, rest + v.needed_allowance_rial - 1, target)
