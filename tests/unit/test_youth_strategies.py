"""Deposit strategies side by side: literal figures worked by hand from docs/rules.md §1.3
(reference averages of the 1403 table: 130,000,000 + 380,400,000 + 650,000,000 =
1,160,400,000 over years 1–3) and the shared finance rules (16,000,000,000 at 9% over 240
months: first instalment 143,956,153 rial)."""

from __future__ import annotations

import pytest

from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.youth_fund.loan_plan import Household
from tashilat.domain.programs.youth_fund.strategies import Strategy, compare_strategies
from tashilat.policy import PolicySnapshot

OPENED = parse_jalali("1403/01/15")
THREE = [
    Strategy("table"),
    Strategy("monthly", monthly_rial=20_000_000),
    Strategy("lump_sum", lump_sum_rial=2_000_000_000, monthly_rial=10_000_000),
]


def test_three_strategies_in_tehran(policy: PolicySnapshot) -> None:
    d = compare_strategies(policy, opened_on=OPENED, tier=1, strategies=THREE)
    assert d.outcome == "compared"
    table, monthly, lump = d.value.results
    # following the table: the whole year-3 cap
    assert (table.eligible_year, table.entitlement_rial, table.full_cap_year) == (
        3,
        16_000_000_000,
        3,
    )
    assert table.loan_from == parse_jalali("1406/01/15")
    assert table.loan is not None and table.loan.first_instalment_rial == 143_956_153
    assert table.deposited_rial == 777_600_000  # 12 × (20 + 21.6 + 23.2) million
    # 20 million a month: averages 130 + 370 + 610 million = 1,110 million of 1,160.4
    # → 16,000,000,000 × 1110/1160.4 = 15,305,067,218, rounded down to a million
    assert monthly.entitlement_rial == 15_305_000_000
    assert monthly.deposited_rial == 720_000_000
    assert monthly.full_cap_year is None  # never reaches a whole cap: the table rises
    # a lump sum of 2 billion carries a 10-million monthly to the whole cap
    assert (lump.entitlement_rial, lump.deposited_rial) == (16_000_000_000, 2_360_000_000)
    assert [r.code for r in d.reasons] == ["strategies.result"] * 3
    assert "15,305,000,000" in d.reasons[1].message_fa
    assert any(w.parameter == "youth_fund.loan.rate_percent" for w in d.warnings)
    assert len(d.warnings) == len(set(d.warnings))  # each figure's warning once


def test_the_burden_against_a_given_income(policy: PolicySnapshot) -> None:
    d = compare_strategies(
        policy,
        opened_on=OPENED,
        tier=1,
        strategies=THREE[:1],
        household=Household(income_rial=480_000_000),
    )
    loan = d.value.results[0].loan
    assert loan is not None
    assert (loan.income_rial, str(loan.burden_percent), loan.over_limit) == (
        480_000_000,
        "29.99",  # 143,956,153 / 480,000,000
        False,
    )


def test_a_strategy_too_small_for_any_entitlement_says_so(policy: PolicySnapshot) -> None:
    """All or nothing is a policy choice; under the default pro rata even a small saver is
    entitled at the minimum wait — so the year is the same and the amount differs."""
    d = compare_strategies(
        policy, opened_on=OPENED, tier=3, strategies=[Strategy("monthly", monthly_rial=10_000_000)]
    )
    r = d.value.results[0]
    assert (r.eligible_year, r.deposited_rial) == (3, 360_000_000)
    assert 0 < r.entitlement_rial < 12_000_000_000


@pytest.mark.parametrize(
    ("strategies", "code", "field"),
    [
        ([], "strategies.count", "strategies"),
        ([Strategy("table")] * 4, "strategies.count", "strategies"),
        ([Strategy("table"), Strategy("monthly")], "strategies.monthly", "s2_monthly"),
        ([Strategy("lump_sum", monthly_rial=5)], "strategies.lump_sum", "s1_lump_sum"),
        ([Strategy("weekly")], "strategies.kind", "s1_kind"),
        (
            [Strategy("monthly", monthly_rial=1_000)],
            "youth_fund.opening_deposit_too_low",
            "s1_monthly",
        ),
    ],
)
def test_bad_strategies_name_their_field(
    policy: PolicySnapshot, strategies: list[Strategy], code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as e:
        compare_strategies(policy, opened_on=OPENED, tier=1, strategies=strategies)
    assert (e.value.code, e.value.field) == (code, field)
    assert e.value.message_fa and e.value.message_en


def test_an_opening_date_before_any_cohort_is_not_a_strategy_error(
    policy: PolicySnapshot,
) -> None:
    with pytest.raises(PolicyError) as e:
        compare_strategies(
            policy, opened_on=parse_jalali("1390/01/15"), tier=1, strategies=THREE[:1]
        )
    assert not (e.value.field or "").startswith("s1")
    assert not e.value.message_fa.startswith("راهبرد")
