"""Properties of the inverse planner (docs/rules.md §1.3): its answer is exact on the plan's
own rules — the plan of the answer reaches the amount, and one rial less does not."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashilat.domain.jalali import from_jalali
from tashilat.domain.programs.youth_fund.rules import cap_for_year, cohort_terms, plan
from tashilat.policy import default_policy
from tashilat.services.youth_planner import deposit_target

POLICY = default_policy()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

openings = st.builds(
    from_jalali,
    st.integers(min_value=1400, max_value=1406),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=29),
)


@st.composite
def goals(draw: st.DrawFn) -> tuple[date, int, int, int]:
    """An opening date, a tier, a year within the waits and an amount up to its cap."""
    opened = draw(openings)
    tier = draw(st.integers(min_value=1, max_value=3))
    terms = cohort_terms(POLICY, opened)
    year = draw(st.integers(min_value=terms.min_wait_years, max_value=terms.max_wait_years))
    cap = cap_for_year(terms, year, tier).amount
    amount = draw(st.integers(min_value=1, max_value=cap))
    return opened, tier, year, amount


def entitlement_at(opened: date, tier: int, year: int, **deposits: int) -> int:
    return (
        plan(POLICY, opened_on=opened, tier=tier, **deposits).value.years[year - 1].entitlement_rial
    )


@SETTINGS
@given(goals())
def test_least_monthly_deposit_is_exact(goal: tuple[date, int, int, int]) -> None:
    opened, tier, year, amount = goal
    d = deposit_target(POLICY, opened_on=opened, tier=tier, amount=amount, by_year=year)
    assert d.outcome == "found"
    m = d.value.monthly_rial
    assert m is not None
    assert entitlement_at(opened, tier, year, monthly=m) >= amount
    floor = cohort_terms(POLICY, opened).min_opening_deposit
    assert m >= floor
    if m > floor:  # one rial a month less does not reach it (below the floor: cannot open)
        assert entitlement_at(opened, tier, year, monthly=m - 1) < amount


@SETTINGS
@given(goals())
def test_least_lump_sum_is_exact(goal: tuple[date, int, int, int]) -> None:
    opened, tier, year, amount = goal
    d = deposit_target(POLICY, opened_on=opened, tier=tier, amount=amount, by_year=year)
    lump = d.value.lump_sum_rial
    assert lump is not None
    assert entitlement_at(opened, tier, year, lump_sum=lump) >= amount
    if lump > cohort_terms(POLICY, opened).min_opening_deposit:
        assert entitlement_at(opened, tier, year, lump_sum=lump - 1) < amount


@SETTINGS
@given(goals(), st.integers(min_value=0, max_value=60_000_000))
def test_first_year_of_a_deposit_is_the_first_that_reaches(
    goal: tuple[date, int, int, int], extra: int
) -> None:
    opened, tier, _, amount = goal
    terms = cohort_terms(POLICY, opened)
    monthly = terms.min_opening_deposit + extra
    d = deposit_target(POLICY, opened_on=opened, tier=tier, amount=amount, monthly=monthly)
    years = plan(POLICY, opened_on=opened, tier=tier, monthly=monthly).value.years
    reaching = [y.year for y in years if y.eligible and y.entitlement_rial >= amount]
    assert d.value.year == (reaching[0] if reaching else None)
    assert d.outcome == ("found" if reaching else "unreachable")


@SETTINGS
@given(goals())
def test_an_amount_above_the_cap_is_unreachable(goal: tuple[date, int, int, int]) -> None:
    opened, tier, year, _ = goal
    cap = cap_for_year(cohort_terms(POLICY, opened), year, tier).amount
    d = deposit_target(POLICY, opened_on=opened, tier=tier, amount=cap + 1, by_year=year)
    assert d.outcome == "unreachable"
    assert d.value.monthly_rial is None and d.value.year is None
