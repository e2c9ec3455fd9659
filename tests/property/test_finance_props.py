"""Property tests of tashilat.domain.finance (docs/rules.md §5 "Rounding").

The level (exact) instalments are recomputed here independently with ``Fraction``.

Bound on the last instalment. Let ``L_k`` be the exact level amount of repayment month k,
``i`` the monthly rate, ``u`` the rounding unit and ``S_n = sum_{j<n} (1+i)^j``. Each regular
instalment differs from ``L_k`` by at most ``u/2`` and each month's profit is rounded by at
most 1/2 rial; each such error stays in the balance and accrues profit until the end, so

    |last - L_n| <= (u + 1)/2 * (S_n - 1) + 1/2        (and <= u/2 * (n - 1) at 0%).

(``months * u / 2 + 1`` is NOT a true bound once the rate is positive: see
``test_naive_last_instalment_bound_is_false_under_compounding`` in tests/unit.) Capping an
instalment that would overpay the balance only ever lowers the last instalment.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from tashilat.domain.finance import (
    Method,
    Schedule,
    annuity_payment,
    build_schedule,
    max_principal,
    months_to_repay,
)

SETTINGS = settings(max_examples=150, deadline=None)

principals = st.integers(min_value=1, max_value=10**12)
rates = st.integers(min_value=0, max_value=120).map(lambda k: Decimal(k) / 4)  # 0..30%
months_st = st.integers(min_value=1, max_value=360)
methods = st.sampled_from(list(Method))
graces = st.integers(min_value=0, max_value=12)
units = st.sampled_from([1, 10, 1000])
steps = st.sampled_from([Decimal(0), Decimal("2.5"), Decimal(3), Decimal(10)])


def exact_levels(
    method: Method, principal: int, rate: Decimal, months: int, step: Decimal
) -> list[Fraction]:
    i = Fraction(rate) / 1200
    if method is not Method.STEPWISE:
        level = Fraction(principal, months) if i == 0 else principal * i / (1 - (1 + i) ** -months)
        return [level] * months
    growth = 1 + Fraction(step) / 100
    factors = [growth ** ((k - 1) // 12) for k in range(1, months + 1)]
    v = 1 / (1 + i)
    pv, vk = Fraction(0), Fraction(1)
    for f in factors:
        vk *= v
        pv += f * vk
    first = principal / pv
    return [first * f for f in factors]


def round_half_up(x: Fraction, unit: int) -> int:
    q = x / unit + Fraction(1, 2)
    return (q.numerator // q.denominator) * unit


def make(
    method: Method, principal: int, rate: Decimal, months: int, grace: int, unit: int, step: Decimal
) -> Schedule:
    return build_schedule(
        method,
        principal,
        rate,
        months,
        step_percent=step,
        grace_months=grace,
        rounding_unit=unit,
    )


@SETTINGS
@given(principals, rates, months_st, methods, graces, units, steps)
def test_schedule_invariants(
    principal: int,
    rate: Decimal,
    months: int,
    method: Method,
    grace: int,
    unit: int,
    step: Decimal,
) -> None:
    s = make(method, principal, rate, months, grace, unit, step)
    rows = s.instalments
    assert len(rows) == grace + months
    assert [r.number for r in rows] == list(range(1, grace + months + 1))
    # principal repaid equals principal lent, exactly
    assert sum(r.principal for r in rows) == principal
    assert s.total == sum(r.amount for r in rows) == principal + s.total_profit
    for r in rows:
        assert r.amount == r.principal + r.profit
        assert r.balance >= 0 and r.amount >= 0 and r.profit >= 0
    assert rows[-1].balance == 0
    # grace: the month's profit on the full principal, nothing repaid
    grace_profit = round_half_up(principal * Fraction(rate) / 1200, 1)
    for r in s.grace_instalments:
        assert (r.amount, r.principal, r.profit, r.balance) == (
            grace_profit,
            0,
            grace_profit,
            principal,
        )
    # every non-last repayment is a whole number of rounding units
    for r in s.repayments[:-1]:
        assert r.amount % unit == 0
    assert s.charge_label == ("fee" if method is Method.FEE else "profit")


@SETTINGS
@given(principals, rates, months_st, methods, graces, units, steps)
def test_regular_instalments_are_the_rounded_levels_unless_capped(
    principal: int,
    rate: Decimal,
    months: int,
    method: Method,
    grace: int,
    unit: int,
    step: Decimal,
) -> None:
    s = make(method, principal, rate, months, grace, unit, step)
    levels = exact_levels(method, principal, rate, months, step)
    balance = principal
    for r, level in zip(s.repayments[:-1], levels, strict=False):
        expected = round_half_up(level, unit)
        if r.amount != expected:
            # capped: the rounded amount would have repaid more than was owed
            assert r.amount < expected
            assert r.amount == (balance + r.profit) // unit * unit
            assert r.balance < unit
        balance = r.balance


@SETTINGS
@given(principals, rates, months_st, methods, graces, units, steps)
def test_last_instalment_bound(
    principal: int,
    rate: Decimal,
    months: int,
    method: Method,
    grace: int,
    unit: int,
    step: Decimal,
) -> None:
    s = make(method, principal, rate, months, grace, unit, step)
    last = s.instalments[-1].amount
    level = exact_levels(method, principal, rate, months, step)[-1]
    i = Fraction(rate) / 1200
    if i == 0:
        bound = Fraction(unit, 2) * (months - 1)
    else:
        s_n = ((1 + i) ** months - 1) / i
        bound = Fraction(unit + 1, 2) * (s_n - 1) + Fraction(1, 2)
    assert abs(last - level) <= bound
    # so against the regular (rounded) amount: one more half unit
    assert abs(last - round_half_up(level, unit)) <= bound + Fraction(unit, 2)


@SETTINGS
@given(principals, rates, months_st, graces, units, steps)
def test_stepwise_amounts_never_fall_before_the_last(
    principal: int, rate: Decimal, months: int, grace: int, unit: int, step: Decimal
) -> None:
    s = make(Method.STEPWISE, principal, rate, months, grace, unit, step)
    regular = s.repayments[:-1]
    for prev, cur in pairwise(regular):
        if cur.amount < prev.amount:
            # only an instalment capped at the outstanding balance may be lower
            assert cur.balance < unit
            assert cur.amount == (prev.balance + cur.profit) // unit * unit
        if (cur.number - grace - 1) % 12 != 0 and cur.amount != prev.amount:
            # within a year the amount is level unless capped
            assert cur.balance < unit


@SETTINGS
@given(principals, rates, months_st, graces, units)
def test_fee_and_simple_differ_only_in_label(
    principal: int, rate: Decimal, months: int, grace: int, unit: int
) -> None:
    fee = make(Method.FEE, principal, rate, months, grace, unit, Decimal(3))
    simple = make(Method.SIMPLE, principal, rate, months, grace, unit, Decimal(3))
    assert fee.instalments == simple.instalments
    assert (fee.charge_label, fee.charge_label_fa) == ("fee", "کارمزد")
    assert (simple.charge_label, simple.charge_label_fa) == ("profit", "سود")


@SETTINGS
@given(
    st.integers(min_value=1, max_value=10**10),
    st.integers(min_value=1, max_value=120).map(lambda k: Decimal(k) / 4),
    months_st,
)
def test_max_principal_and_months_to_repay_round_trip(
    instalment: int, rate: Decimal, months: int
) -> None:
    p = max_principal(instalment, rate, months)
    if p == 0:
        assert annuity_payment(1, rate, months) > instalment
        return
    assert annuity_payment(p, rate, months) <= instalment < annuity_payment(p + 1, rate, months)
    n = months_to_repay(p, rate, instalment)
    assert n <= months
    v_n = (1 + Fraction(rate) / 1200) ** -months
    if instalment * v_n >= 1:  # the n-th instalment is worth at least a rial today
        assert n == months
    # n instalments repay it; n - 1 do not (exact balances)
    i = Fraction(rate) / 1200
    assert p * (1 + i) ** n <= instalment * ((1 + i) ** n - 1) / i
    assert p * (1 + i) ** (n - 1) > instalment * ((1 + i) ** (n - 1) - 1) / i
