"""Properties of the strategies comparison (docs/rules.md §1.2–1.4): each strategy's answer
is the planner's own answer for those deposits, more saving never buys a smaller loan, and a
loan never exceeds that year's cap."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashilat.domain.decision import Decision
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import from_jalali
from tashilat.domain.programs.youth_fund.strategies import (
    Comparison,
    Strategy,
    compare_strategies,
)
from tashilat.policy import default_policy
from tashilat.services.youth_planner import plan_with_loan

POLICY = default_policy()
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

openings = st.builds(
    from_jalali,
    st.integers(min_value=1400, max_value=1406),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=29),
)
monthly = st.integers(min_value=40_000_000, max_value=400_000_000)


@SETTINGS
@given(openings, st.integers(min_value=1, max_value=3), monthly, monthly)
def test_more_monthly_saving_never_buys_a_smaller_loan(
    opened: date, tier: int, a: int, b: int
) -> None:
    low, high = sorted((a, b))
    d = compare_strategies(
        POLICY,
        opened_on=opened,
        tier=tier,
        strategies=[Strategy("monthly", monthly_rial=low), Strategy("monthly", monthly_rial=high)],
    )
    r_low, r_high = d.value.results
    assert r_low.eligible_year == r_high.eligible_year
    assert r_low.entitlement_rial <= r_high.entitlement_rial
    assert r_low.deposited_rial == 12 * (r_low.eligible_year or 0) * low
    for r in (r_low, r_high):
        year = r.years[(r.eligible_year or 1) - 1]
        assert year.cap_rial is not None and r.entitlement_rial <= year.cap_rial
        if r.loan is not None:
            assert r.loan.principal_rial == r.entitlement_rial


@SETTINGS
@given(
    openings,
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=1, max_value=300),
    st.integers(min_value=0, max_value=5_000_000_000),
)
def test_each_strategy_is_the_planners_own_answer(
    opened: date, tier: int, share: int, lump: int
) -> None:
    """The same answer, or the same refusal (an opening deposit below the minimum)."""
    try:
        planned = plan_with_loan(
            POLICY,
            opened_on=opened,
            tier=tier,
            share_percent=share,
            lump_sum=lump,
            method="stepwise",
        )
    except InvalidInput as exc:
        with pytest.raises(InvalidInput) as e:
            compare(opened, tier, share, lump)
        assert e.value.code == exc.code and e.value.field == "s1_monthly"
        return
    r = compare(opened, tier, share, lump).value.results[0]
    assert r.years == planned.value.years
    first = next((y for y in planned.value.years if y.loan is not None), None)
    assert r.loan == (first.loan if first else None)


def compare(opened: date, tier: int, share: int, lump: int) -> Decision[Comparison]:
    return compare_strategies(
        POLICY,
        opened_on=opened,
        tier=tier,
        strategies=[Strategy("table", share_percent=share, lump_sum_rial=lump)],
        method="stepwise",
    )
