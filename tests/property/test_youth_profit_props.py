"""Properties of the profit on youth-fund savings over random histories."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tashilat.domain.jalali import from_jalali
from tashilat.domain.programs.youth_fund import profit
from tashilat.domain.programs.youth_fund.rules import Event, monthly_structures
from tashilat.policy import default_policy

POLICY = default_policy()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MONTHS = 30


@st.composite
def histories(draw: st.DrawFn) -> tuple[date, list[Event]]:
    opened = from_jalali(
        draw(st.integers(1397, 1406)), draw(st.integers(1, 12)), draw(st.integers(1, 29))
    )
    events = [Event(opened, draw(st.integers(1, 10**10)))]
    for _ in range(draw(st.integers(0, 20))):
        on = opened + timedelta(days=draw(st.integers(0, 30 * MONTHS)))
        events.append(Event(on, draw(st.integers(-(10**9), 10**9))))
    return opened, events


@SETTINGS
@given(histories(), st.integers(1, 10**9), st.integers(0, 30 * MONTHS))
def test_a_further_deposit_never_lowers_any_months_profit(
    h: tuple[date, list[Event]], extra: int, offset: int
) -> None:
    opened, events = h
    before = profit.monthly_profits(POLICY, opened, events, MONTHS)
    more = [*events, Event(opened + timedelta(days=offset), extra)]
    after = profit.monthly_profits(POLICY, opened, more, MONTHS)
    assert all(b.profit_rial <= a.profit_rial for b, a in zip(before, after, strict=True))


@SETTINGS
@given(histories())
def test_profit_is_never_negative_and_only_adds_to_the_structures(
    h: tuple[date, list[Event]],
) -> None:
    opened, events = h
    months = profit.monthly_profits(POLICY, opened, events, MONTHS)
    gains = [m.profit_rial for m in months]
    assert all(g >= 0 for g in gains)
    lows = monthly_structures(opened, events, MONTHS)
    counted = profit.with_profit(lows, gains)
    assert counted[0] == lows[0]
    assert all(c - s == sum(gains[:i]) for i, (c, s) in enumerate(zip(counted, lows, strict=True)))
    # each month's base is its own lowest balance plus the profit credited before it
    assert [m.base_rial for m in months] == counted


@SETTINGS
@given(st.lists(st.integers(-(10**12), 10**12), max_size=40), st.integers(0, 1_000_000))
def test_profit_stays_within_a_rial_of_the_exact_fraction(lows: list[int], rate: int) -> None:
    gains = profit.profits_from_lows(lows, [rate] * len(lows))
    credited = 0
    for low, g in zip(lows, gains, strict=True):
        base = max(low + credited, 0)
        # 0 ≤ exact − g < 1, i.e. g ≤ base·rate/12,000,000 < g + 1
        assert g * 12_000_000 <= base * rate < (g + 1) * 12_000_000
        credited += g
