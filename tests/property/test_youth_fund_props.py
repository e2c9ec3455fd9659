"""Properties of the youth-fund rules over random histories (docs/rules.md §1.3)."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashilat.domain.jalali import account_month_start, from_jalali
from tashilat.domain.programs.youth_fund.rules import (
    Event,
    cap_for_year,
    cohort_terms,
    entitlement,
)
from tashilat.policy import default_policy

POLICY = default_policy()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

openings = st.builds(
    from_jalali,
    st.integers(min_value=1397, max_value=1410),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=29),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[date, int, list[Event]]:
    opened = draw(openings)
    tier = draw(st.integers(min_value=1, max_value=3))
    n = draw(st.integers(min_value=1, max_value=40))
    events = [Event(opened, draw(st.integers(min_value=10_000_000, max_value=10**9)))]
    for _ in range(n):
        month = draw(st.integers(min_value=1, max_value=12 * 16))
        day = draw(st.integers(min_value=0, max_value=27))
        amount = draw(st.integers(min_value=1, max_value=5 * 10**8))
        events.append(Event(account_month_start(opened, month) + timedelta(days=day), amount))
    return opened, tier, events


def ent(opened: date, tier: int, events: list[Event], as_of: date) -> int:
    return entitlement(
        POLICY, opened_on=opened, tier=tier, events=events, as_of=as_of
    ).value.entitlement_rial


@SETTINGS
@given(
    histories(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=10**9)
)
def test_entitlement_never_decreases_when_a_deposit_is_added(h, years, extra) -> None:  # type: ignore[no-untyped-def]
    opened, tier, events = h
    as_of = account_month_start(opened, 12 * years + 1)
    more = [*events, Event(events[-1].on, extra)]
    assert ent(opened, tier, more, as_of) >= ent(opened, tier, events, as_of)


@SETTINGS
@given(histories(), st.integers(min_value=0, max_value=16))
def test_entitlement_never_decreases_as_years_pass(h, years) -> None:  # type: ignore[no-untyped-def]
    opened, tier, events = h
    now = account_month_start(opened, 12 * years + 1)
    later = account_month_start(opened, 12 * (years + 1) + 1)
    assert ent(opened, tier, events, later) >= ent(opened, tier, events, now)


@SETTINGS
@given(histories(), st.integers(min_value=0, max_value=16))
def test_entitlement_never_exceeds_the_cap(h, years) -> None:  # type: ignore[no-untyped-def]
    opened, tier, events = h
    d = entitlement(
        POLICY,
        opened_on=opened,
        tier=tier,
        events=events,
        as_of=account_month_start(opened, 12 * years + 1),
    )
    assert 0 <= d.value.entitlement_rial <= d.value.cap_rial
    assert d.value.entitlement_rial % 1_000_000 == 0


@SETTINGS
@given(openings, st.integers(min_value=1, max_value=20))
def test_resolved_caps_keep_the_tier_order(opened: date, year: int) -> None:
    terms = cohort_terms(POLICY, opened)
    if year < terms.min_wait_years:
        return
    t1, t2, t3 = (cap_for_year(terms, year, t).amount for t in (1, 2, 3))
    assert t1 >= t2 >= t3 > 0


@SETTINGS
@given(openings, st.integers(min_value=1, max_value=20))
def test_resolved_caps_never_fall_as_years_grow(opened: date, year: int) -> None:
    terms = cohort_terms(POLICY, opened)
    if year < terms.min_wait_years:
        return
    for tier in (1, 2, 3):
        assert cap_for_year(terms, year + 1, tier).amount >= cap_for_year(terms, year, tier).amount


@st.composite
def cap_tables(draw: st.DrawFn) -> dict[int, tuple[int, int, int]]:
    """Published points that a valid policy may hold: years rising, caps never falling with
    the year, tier 1 ≥ tier 2 ≥ tier 3 in every year."""
    years = sorted(draw(st.sets(st.integers(min_value=1, max_value=15), min_size=1, max_size=5)))
    table: dict[int, tuple[int, int, int]] = {}
    low = (1, 1, 1)
    for y in years:
        t3 = draw(st.integers(min_value=low[2], max_value=low[2] + 10**11))
        t2 = draw(st.integers(min_value=max(t3, low[1]), max_value=max(t3, low[1]) + 10**11))
        t1 = draw(st.integers(min_value=max(t2, low[0]), max_value=max(t2, low[0]) + 10**11))
        table[y] = low = (t1, t2, t3)
    return table


@SETTINGS
@given(cap_tables(), st.sampled_from([1, 10**6, 10**8]), st.integers(min_value=1, max_value=14))
def test_interpolated_caps_never_fall_and_keep_the_tier_order(
    table: dict[int, tuple[int, int, int]], unit: int, year: int
) -> None:
    from dataclasses import replace

    terms = replace(
        cohort_terms(POLICY, from_jalali(1397, 6, 10)),
        caps=table,
        cap_cells={},
        interpolation_unit=unit,
        max_wait_years=15,
    )
    if year < min(table):
        return
    now = [cap_for_year(terms, year, t).amount for t in (1, 2, 3)]
    later = [cap_for_year(terms, year + 1, t).amount for t in (1, 2, 3)]
    assert now[0] >= now[1] >= now[2]
    assert all(b >= a for a, b in zip(now, later, strict=True))
