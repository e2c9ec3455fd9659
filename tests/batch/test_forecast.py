"""The forecast kernel: a scenario checked by hand, the differential test against
``youth-fund plan``, the repayment sums against the finance rule, and variants."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tashilat.adapters.batch.forecast import (
    BEHAVIOUR_SALT,
    DEPOSITS,
    DISBURSED,
    ELIGIBLE,
    ENTITLEMENTS,
    LOANS,
    METRICS,
    PROFIT,
    REACHING,
    REPAID,
    draw,
    exact_sums,
    project_all,
    yearly_repayments,
)
from tashilat.domain import finance
from tashilat.domain.jalali import (
    account_month_start,
    completed_account_years,
    jalali_year,
    parse_jalali,
    start_of_year,
)
from tashilat.domain.programs.youth_fund import rules
from tashilat.policy import default_policy
from tests.batch.forecast_data import Acc, policy_with, run

J = parse_jalali
POLICY = default_policy()
E = rules.Event

HAND = {
    "forecast.behaviour.repeat_percent": 30,
    "forecast.behaviour.table_percent": 30,
    "forecast.behaviour.stop_percent": 40,
    "forecast.take_up.newly_eligible_percent": 100,
    "forecast.take_up.later_percent": 0,
    "youth_fund.savings_profit_rate_percent": 0,  # profit: its own test below
    "youth_fund.loan.rate_percent": 0,
}
SINCE = ("1397/01/01", "1403/01/01")  # the loan rate has an entry for each


def test_behaviour_draws_are_fixed() -> None:
    # the hand-checked scenario relies on these: id 1 repeats (< 30%), id 8 follows the
    # table (30–60%), id 2 stops (≥ 60%)
    d = draw(np.array([1, 2, 8], dtype=np.int64), BEHAVIOUR_SALT)
    assert d.tolist() == [2400, 9588, 4232]


def test_hand_checked_scenario() -> None:
    """Three accounts, every figure derived on paper (docs/forecast.md, "A scenario by hand").

    A (id 8, tier 1, Tehran): opened 1403/01/01, follows the 1403 table (d1 20,000,000 ×12,
    d2 21,600,000 ×12) and keeps following it (d3 23,200,000, d4 24,800,000). At 1406/01/01
    three years are complete: the full year-3 Tehran cap, 16,000,000,000, taken in 1405
    (newly eligible, take-up 100%), repaid at 0% over 240 months: 66,666,667 a month.

    B (id 2, tier 2, Isfahan): opened 1404/01/01 with 20,000,000, then stops. At 1407/01/01
    three years: averages 20,000,000 ×3 against references 130,000,000 + 380,400,000 +
    650,000,000; 14,000,000,000 × 60,000,000 / 1,160,400,000 = 723,888,314 → 723,000,000
    (unit 1,000,000), taken in 1406.

    C (id 1, tier 3, no province): opened 1402/06/10 with 4,000,000 and 10,000,000 on the
    10th of each month of 1404: it repeats 120,000,000 / 12 a month. Minimum wait 5 years:
    never eligible here. The profit rate is 0 (profit has its own differential test).
    """
    a_days = [account_month_start(J("1403/01/01"), i) for i in range(1, 25)]
    a_ev = [E(d, 20_000_000 if i < 12 else 21_600_000) for i, d in enumerate(a_days)]
    c_ev = [E(J("1402/06/10"), 4_000_000)] + [
        E(J(f"1404/{m:02d}/10"), 10_000_000) for m in range(1, 13)
    ]
    accs: list[Acc] = [
        (1, J("1402/06/10"), 3, c_ev),
        (2, J("1404/01/01"), 2, [E(J("1404/01/01"), 20_000_000)]),
        (8, J("1403/01/01"), 1, a_ev),
    ]
    # provinces: 0 unknown, 1 Isfahan, 2 Tehran
    out = run(policy_with(HAND, SINCE), accs, J("1405/01/01"), 2, province=[0, 1, 2], n_prov=3)
    total = out.sum(axis=1)
    expect = {
        # reaching, eligible, entitlements, loans, disbursed, deposits, profit, repaid
        0: [1, 1, 16_000_000_000, 1, 16_000_000_000, 398_400_000, 0, 0],
        1: [1, 1, 723_000_000, 1, 723_000_000, 417_600_000, 0, 800_000_004],
    }
    assert total.tolist() == [expect[0], expect[1]]
    # bins: 3·province + tier − 1
    assert out[0, 3 * 2 + 0].tolist() == [
        1,
        1,
        16_000_000_000,
        1,
        16_000_000_000,
        278_400_000,
        0,
        0,
    ]
    assert out[1, 3 * 2 + 0].tolist() == [0, 0, 0, 0, 0, 297_600_000, 0, 800_000_004]
    assert out[1, 3 * 1 + 1].tolist() == [1, 1, 723_000_000, 1, 723_000_000, 0, 0, 0]
    assert out[0, 3 * 0 + 2].tolist() == [0, 0, 0, 0, 0, 120_000_000, 0, 0]
    assert out[1, 3 * 0 + 2].tolist() == [0, 0, 0, 0, 0, 120_000_000, 0, 0]
    assert int(out.sum()) == int(total.sum())


def test_a_used_privilege_is_never_eligible_again() -> None:
    a_days = [account_month_start(J("1403/01/01"), i) for i in range(1, 25)]
    accs: list[Acc] = [(8, J("1403/01/01"), 1, [E(d, 20_000_000) for d in a_days])]
    free = run(policy_with(HAND, SINCE), accs, J("1405/01/01"), 2)
    used = run(policy_with(HAND, SINCE), accs, J("1405/01/01"), 2, used=[J("1404/06/01")])
    assert free.sum(axis=1)[0, ELIGIBLE] == 1
    assert used.sum(axis=1)[:, ELIGIBLE].tolist() == [0, 0]
    assert used.sum(axis=1)[:, REACHING].tolist() == [1, 0]
    assert used.sum(axis=1)[:, DISBURSED].tolist() == [0, 0]


@st.composite
def saver(draw_: st.DrawFn) -> tuple[Acc, str, int, int]:
    """An account whose history is ``plan``'s deposits before the as-of date; it keeps them
    up (``table``: the table; ``repeat``: its fixed monthly amount)."""
    mode = draw_(st.sampled_from(["table", "repeat"]))
    opened = J("1397/01/01") + timedelta(days=draw_(st.integers(0, 2900)))
    if mode == "repeat":
        # no clamped month starts, and a full year of history before the as-of date
        y, m = draw_(st.integers(1397, 1403)), draw_(st.integers(1, 12))
        opened = J(f"{y}/{m:02d}/{draw_(st.integers(1, 28)):02d}")
    tier = draw_(st.integers(1, 3))
    monthly = draw_(st.integers(10_000_000, 120_000_000))
    return (1, opened, tier, []), mode, monthly, draw_(st.integers(1, 12))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(saver(), st.integers(1, 9))
def test_entitlements_equal_youth_fund_plan(s: tuple[Acc, str, int, int], years: int) -> None:
    """The differential test: a single account's forecast entitlement, year by year, is what
    ``youth-fund plan`` gives for the same deposits at the account year then complete."""
    (aid, opened, tier, _), mode, monthly, extra_months = s
    policy = default_policy()
    terms = rules.cohort_terms(policy, opened)
    if mode == "table":
        kw = {"share_percent": 100}
        as_of = opened + timedelta(days=31 * extra_months)
    else:
        kw = {"monthly": monthly}
        as_of = account_month_start(opened, 13 + extra_months)
    planned = rules.planned_events(terms, **kw)
    assume(sum(e.amount for e in planned if e.on == opened) >= terms.min_opening_deposit)
    answer = rules.plan(policy, opened_on=opened, tier=tier, **kw)
    history = [e for e in planned if e.on < as_of]
    share = {"table": "table_percent", "repeat": "repeat_percent"}[mode]
    values = {f"forecast.behaviour.{k}_percent": 0 for k in ("repeat", "table", "stop")}
    values[f"forecast.behaviour.{share}"] = 100
    values["forecast.take_up.newly_eligible_percent"] = 0
    values["forecast.take_up.later_percent"] = 0
    out = run(policy_with(values), [(aid, opened, tier, history)], as_of, years)
    y0 = jalali_year(as_of)
    deposits = 0
    for j in range(years):
        end = start_of_year(y0 + j + 1)
        k = min(completed_account_years(opened, end), terms.max_wait_years)
        want = answer.value.years[k - 1].entitlement_rial if k >= terms.min_wait_years else 0
        got = out[j].sum(axis=0)
        assert int(got[ENTITLEMENTS]) == want
        assert int(got[ELIGIBLE]) == (1 if want > 0 else 0)
        assert int(got[LOANS]) == 0
        deposits += int(got[DEPOSITS])
    horizon = start_of_year(y0 + years)
    if horizon <= account_month_start(opened, 12 * terms.max_wait_years + 1):
        # the plan's deposits stop at the maximum wait; the forecast's go on
        assert deposits == sum(e.amount for e in planned if as_of <= e.on < horizon)


@pytest.mark.parametrize(
    ("principal", "rate", "months", "years"),
    [
        (16_000_000_000, "9", 240, 10),
        (723_000_000, "9", 240, 10),
        (1_000_001, "18", 60, 10),
        (5_000, "4", 36, 5),
        (16_000_000_000, "0", 240, 30),
    ],
)
def test_yearly_repayments_are_the_schedules(
    principal: int, rate: str, months: int, years: int
) -> None:
    sched = finance.build_schedule("simple", principal, Decimal(rate), months)
    want = [0] * years
    for inst in sched.instalments:
        if (inst.number - 1) // 12 < years:
            want[(inst.number - 1) // 12] += inst.amount
    assert yearly_repayments(principal, rate, months, 1, years).tolist() == want


def test_exact_sums_beyond_float_precision() -> None:
    big = (1 << 51) + 1
    keys = np.array([0, 0, 1, 0], dtype=np.int64)
    vals = np.array([big, big, 3, 1], dtype=np.int64)
    assert exact_sums(keys, vals, 2).tolist() == [2 * big + 1, 3]


def test_a_fourth_waiting_year_moves_eligibility_a_year_later() -> None:
    a_days = [account_month_start(J("1403/01/01"), i) for i in range(1, 25)]
    accs: list[Acc] = [(8, J("1403/01/01"), 1, [E(d, 20_000_000) for d in a_days])]
    base = run(policy_with(HAND, SINCE), accs, J("1405/01/01"), 3).sum(axis=1)
    four = policy_with({**HAND, "youth_fund.min_wait_years": 4}, SINCE[1:])
    later = run(four, accs, J("1405/01/01"), 3).sum(axis=1)
    assert base[:, REACHING].tolist() == [1, 0, 0]
    assert later[:, REACHING].tolist() == [0, 1, 0]
    assert base[:, LOANS].tolist() == [1, 0, 0]
    assert later[:, LOANS].tolist() == [0, 1, 0]
    assert base[:, DEPOSITS].tolist() == later[:, DEPOSITS].tolist()
    assert len(METRICS) == 8 and PROFIT == 6 and REPAID == 7


def test_the_province_of_an_account_city() -> None:
    from tashilat.jobs.forecast import province_of_city

    assert province_of_city("تهران (Tehran)") == "تهران"
    assert province_of_city("کرج") == "البرز"
    assert province_of_city("نجف آباد (Najafabad)") == "اصفهان"
    assert province_of_city("nowhere at all") == ""


def test_a_variant_sharing_the_months_equals_it_run_alone(tmp_path: Path) -> None:
    """Variants that project the same deposits reuse the baseline's months (one kernel pass)
    and recompute only the yearly rows under their terms: the figures are those of the
    variant run on its own, for waits, caps and take-up alike."""
    from tashilat.adapters.batch.generate import Spec, write_partitions
    from tashilat.adapters.batch.runner import read_accounts, read_manifest
    from tashilat.jobs import forecast as job
    from tashilat.policy.overlay import scale_caps, snapshot_with

    as_of = J("1404/01/01")
    write_partitions(Spec(accounts=600, as_of=as_of, seed=4, partition_size=600), POLICY, tmp_path)
    manifest = read_manifest(tmp_path)
    acc = read_accounts(tmp_path, 0)
    prov = np.zeros(len(acc.account_id), dtype=np.int64)
    policies = [
        POLICY,
        snapshot_with([scale_caps(125)]),
        policy_with({"youth_fund.min_wait_years": 4}, ("1403/01/01",)),
        policy_with({"forecast.take_up.later_percent": 40}),
        policy_with(
            {"forecast.behaviour.repeat_percent": 20, "forecast.behaviour.stop_percent": 50}
        ),
    ]
    ctxs = [
        job.scenario_context(manifest, job.Scenario(str(n), p), as_of, 6)
        for n, p in enumerate(policies)
    ]
    together = project_all(acc, prov, 1, ctxs)
    for n, fc in enumerate(ctxs):
        alone = project_all(acc, prov, 1, [fc])[0]
        assert np.array_equal(together[n], alone), n
    # and the variants do differ from the baseline where they should
    assert together[1][:, 0, DISBURSED].sum() > together[0][:, 0, DISBURSED].sum()
    assert together[2][:, 0, REACHING].tolist() != together[0][:, 0, REACHING].tolist()
    assert together[4][:, 0, DEPOSITS].sum() != together[0][:, 0, DEPOSITS].sum()


def test_earlier_loans_are_repaid_in_the_year_each_instalment_falls_due() -> None:
    from tashilat.adapters.batch.calendar import epoch_day
    from tashilat.adapters.batch.forecast import Schedules
    from tests.batch.forecast_data import accounts, context

    accs: list[Acc] = [
        (3, J("1401/01/01"), 2, [E(J("1401/01/01"), 5_000_000)]),
        (5, J("1402/03/01"), 1, [E(J("1402/03/01"), 5_000_000)]),
    ]
    stop = policy_with(
        {
            **HAND,
            "forecast.take_up.newly_eligible_percent": 0,
            "forecast.behaviour.stop_percent": 100,
            "forecast.behaviour.repeat_percent": 0,
            "forecast.behaviour.table_percent": 0,
        },
        SINCE,
    )
    fc = context(stop, accs, J("1405/01/01"), 2)
    sched = Schedules(
        row=np.array([0, 0, 1, 1, 1], dtype=np.int64),
        due=np.array(
            [
                epoch_day(J(d))
                for d in ("1404/12/01", "1405/02/01", "1405/12/29", "1406/07/01", "1407/01/01")
            ],
            dtype=np.int64,
        ),
        amount=np.array([11, 1_000, 20_000, 300_000, 4_000_000], dtype=np.int64),
    )
    out = project_all(accounts(accs), np.array([0, 1]), 2, [fc], sched)[0]
    # 1404/12/01 is before the as-of date, 1407/01/01 after the horizon
    assert out[:, :, REPAID].tolist() == [
        [0, 1_000, 0, 20_000, 0, 0],  # bins: 3·province + tier − 1
        [0, 0, 0, 300_000, 0, 0],
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2900),
    st.integers(1, 3),
    st.sampled_from([0, 5, 18, 23]),
    st.integers(1, 6),
)
def test_profit_is_the_profit_rule_credited_in_each_year(
    days: int, tier: int, rate: int, years: int
) -> None:
    """The differential test of profit: a saver who follows the table, the forecast's
    profit of each year is the sum of ``youth_fund.profit.monthly_profits`` (the domain
    rule, compounding monthly) credited in that year from the as-of date on."""
    from tashilat.domain.programs.youth_fund.profit import monthly_profits

    opened = J("1397/01/01") + timedelta(days=days)
    values: dict[str, object] = {
        "forecast.behaviour.repeat_percent": 0,
        "forecast.behaviour.table_percent": 100,
        "forecast.behaviour.stop_percent": 0,
        "forecast.take_up.newly_eligible_percent": 0,
        "forecast.take_up.later_percent": 0,
        "youth_fund.savings_profit_rate_percent": rate,
    }
    policy = policy_with(values)
    terms = rules.cohort_terms(policy, opened)
    planned = rules.planned_events(terms, share_percent=100)
    assume(sum(e.amount for e in planned if e.on == opened) >= terms.min_opening_deposit)
    as_of = start_of_year(jalali_year(opened) + 1) + timedelta(days=40)
    y0 = jalali_year(as_of)
    horizon = start_of_year(y0 + years)
    assume(horizon <= account_month_start(opened, 12 * terms.max_wait_years + 1))
    history = [e for e in planned if e.on < as_of]
    out = run(policy, [(1, opened, tier, history)], as_of, years)
    months = 12 * terms.max_wait_years
    rule = monthly_profits(policy, opened, [e for e in planned if e.on < horizon], months)
    for j in range(years):
        lo, hi = max(as_of, start_of_year(y0 + j)), start_of_year(y0 + j + 1)
        want = sum(m.profit_rial for m in rule if lo <= m.credited_on < hi)
        assert int(out[j].sum(axis=0)[PROFIT]) == want
    if rate:
        assert int(out.sum(axis=(0, 1))[PROFIT]) > 0
