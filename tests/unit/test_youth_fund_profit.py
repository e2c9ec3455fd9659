"""Profit on youth-fund savings: literal vectors worked by hand (rate/12 on the month's lowest
balance, rounded down to the rial, credited on the next month's first day)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tashilat.domain.decision import Status
from tashilat.domain.errors import PolicyError
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.youth_fund import profit
from tashilat.domain.programs.youth_fund.rules import Event, entitlement, plan
from tashilat.policy import PolicySnapshot, default_policy, default_root, load_policy

OPENED = parse_jalali("1403/01/15")  # month 1: 1403/01/15 … 1403/02/14


def _policy(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> PolicySnapshot:
    root = tmp_path / "parameters"
    shutil.copytree(default_root(), root)
    f = root / "youth_fund.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    edit(data)
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_policy(root)


def _entry(value: Any, since: str = "1397/01/01") -> dict[str, Any]:
    return {"since": since, "value": value, "status": "assumed", "note": "test", "note_fa": "آزمون"}


def test_shipped_policy_states_the_rate_and_the_choice_as_assumptions() -> None:
    p = default_policy()
    rate = p.resolve(profit.RATE, OPENED)
    assert rate.value == 5
    assert rate.provenance.status is Status.ASSUMED
    counts = p.resolve(profit.COUNTS, OPENED)
    assert counts.value is False
    assert counts.provenance.status is Status.ASSUMED
    assert counts.provenance.note_fa


def test_one_month_at_five_percent_is_rounded_down() -> None:
    # 10,000,000 × 5% / 12 = 41,666.67
    assert profit.profit_for_month(10_000_000, 50_000) == 41_666
    # 120,000,000 × 5% / 12 = 500,000 exactly
    assert profit.profit_for_month(120_000_000, 50_000) == 500_000
    # 22.5% on 1,000,001: 18,750.01875
    assert profit.profit_for_month(1_000_001, profit.rate_e4("22.5")) == 18_750
    assert profit.profit_for_month(0, 50_000) == 0
    assert profit.profit_for_month(-5_000_000, 50_000) == 0


def test_rates_finer_than_four_decimals_are_refused() -> None:
    assert profit.rate_e4(Decimal("4.1234")) == 41_234
    with pytest.raises(PolicyError):
        profit.rate_e4("4.12345")


def test_profit_compounds_on_the_next_months_balance() -> None:
    ms = profit.monthly_profits(default_policy(), OPENED, [Event(OPENED, 10_000_000)], 3)
    # 10,000,000 → 41,666; 10,041,666 → 41,840.275; 10,083,506 → 42,014.608
    assert [m.profit_rial for m in ms] == [41_666, 41_840, 42_014]
    assert [m.base_rial for m in ms] == [10_000_000, 10_041_666, 10_083_506]
    assert ms[0].credited_on == parse_jalali("1403/02/15")
    assert ms[2].starts_on == parse_jalali("1403/03/15")
    assert ms[2].month == 3
    assert ms[0].rate_percent == 5


def test_profit_is_on_the_lowest_balance_of_the_month() -> None:
    events = [
        Event(OPENED, 30_000_000),
        Event(parse_jalali("1403/02/01"), -15_000_000),  # month 1: lowest 15,000,000
        Event(parse_jalali("1403/02/20"), 20_000_000),  # month 2: 15,000,000 until the 20th
    ]
    ms = profit.monthly_profits(default_policy(), OPENED, events, 3)
    # 15,000,000 → 62,500; 15,062,500 → 62,760.41; 35,125,260 → 146,355.25
    assert [m.profit_rial for m in ms] == [62_500, 62_760, 146_355]
    lows = [15_000_000, 15_000_000, 35_000_000]
    assert profit.with_profit(lows, [m.profit_rial for m in ms]) == [
        15_000_000,
        15_062_500,
        35_125_260,
    ]


def test_an_empty_month_before_any_deposit_earns_nothing() -> None:
    later = OPENED + timedelta(days=40)  # month 2
    ms = profit.monthly_profits(default_policy(), OPENED, [Event(later, 12_000_000)], 2)
    assert [m.profit_rial for m in ms] == [0, 0]  # month 2's lowest balance is 0


def test_the_rate_in_force_on_the_months_first_day_applies(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["savings_profit_rate_percent"]["values"].append(_entry(10, "1403/02/15"))

    p = _policy(tmp_path, edit)
    ms = profit.monthly_profits(p, OPENED, [Event(OPENED, 10_000_000)], 2)
    # month 1 at 5%: 41,666; month 2 (from 1403/02/15) at 10%: 10,041,666 → 83,680.55
    assert [m.profit_rial for m in ms] == [41_666, 83_680]
    assert [m.rate_percent for m in ms] == [5, 10]


def test_profit_counts_in_the_averages_only_when_the_policy_says_so(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["savings_profit_rate_percent"]["values"] = [_entry(12)]
        d["profit_counts_toward_averages"]["values"] = [_entry(True)]

    counting = _policy(tmp_path, edit)
    end_of_year_1 = parse_jalali("1404/01/15")
    events = [Event(OPENED, 100_000_000)]
    with_p = entitlement(counting, opened_on=OPENED, tier=1, events=events, as_of=end_of_year_1)
    # 1% a month: profit on the account through months 1…12 is 0, 1,000,000, 2,010,000,
    # 3,030,100, 4,060,401, 5,101,005, 6,152,015, 7,213,535, 8,285,670, 9,368,526,
    # 10,462,211, 11,566,833 (100,000,000 × 1.01^k, rounded down each month);
    # (12 × 100,000,000 + 68,250,296) / 12 = 105,687,524.67
    assert with_p.value.years[0].average_rial == 105_687_524
    codes = {w.parameter for w in with_p.warnings}
    assert profit.COUNTS in codes and profit.RATE in codes
    shipped = entitlement(
        default_policy(), opened_on=OPENED, tier=1, events=events, as_of=end_of_year_1
    )
    assert shipped.value.years[0].average_rial == 100_000_000
    assert profit.COUNTS in {w.parameter for w in shipped.warnings}


def test_the_plan_counts_profit_when_the_policy_says_so(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["savings_profit_rate_percent"]["values"] = [_entry(12)]
        d["profit_counts_toward_averages"]["values"] = [_entry(True)]

    counting = _policy(tmp_path, edit)
    d = plan(counting, opened_on=OPENED, tier=1, lump_sum=100_000_000)
    assert d.value.years[0].average_rial == 105_687_524
    d0 = plan(default_policy(), opened_on=OPENED, tier=1, lump_sum=100_000_000)
    assert d0.value.years[0].average_rial == 100_000_000


def test_the_plan_shows_each_years_profit_and_balance() -> None:
    d = plan(default_policy(), opened_on=OPENED, tier=1, lump_sum=100_000_000)
    y1, y2 = d.value.years[:2]
    # 5% a year credited monthly on 100,000,000: 416,666 + 418,402 + … + 436,166 in year 1
    # (about 100,000,000 × (1.0041667^12 − 1) = 5,116,190, less the monthly roundings)
    assert (y1.profit_rial, y1.balance_rial) == (5_116_182, 105_116_182)
    assert (y2.profit_rial, y2.balance_rial) == (5_377_938, 110_494_120)
    assert y1.average_rial == 100_000_000  # the shipped policy leaves profit out
    assert profit.RATE in {w.parameter for w in d.warnings}
    assert profit.COUNTS in {w.parameter for w in d.warnings}


def test_an_entitlement_has_no_plan_figures() -> None:
    events = [Event(OPENED, 100_000_000)]
    d = entitlement(
        default_policy(), opened_on=OPENED, tier=1, events=events, as_of=parse_jalali("1404/01/15")
    )
    assert (d.value.years[0].profit_rial, d.value.years[0].balance_rial) == (None, None)


def test_the_inverse_planner_counts_profit_as_the_plan_does(tmp_path: Path) -> None:
    from tashilat.domain.programs.youth_fund.target import target

    def edit(d: dict[str, Any]) -> None:
        d["savings_profit_rate_percent"]["values"] = [_entry(12)]
        d["profit_counts_toward_averages"]["values"] = [_entry(True)]

    counting = _policy(tmp_path, edit)
    m = target(counting, opened_on=OPENED, tier=1, by_year=3).value.monthly_rial
    shipped = target(default_policy(), opened_on=OPENED, tier=1, by_year=3).value.monthly_rial
    assert m is not None and shipped is not None and m < shipped  # profit helps

    def year_3(monthly: int) -> int:
        return (
            plan(counting, opened_on=OPENED, tier=1, monthly=monthly)
            .value.years[2]
            .entitlement_rial
        )

    assert year_3(m) == 16_000_000_000 > year_3(m - 1)
