"""Unit tests of the wage, affordability and article 149 rules (docs/rules.md §3)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tashilat.domain.decision import Status
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import build_schedule, months_to_repay
from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.wages.affordability import (
    Repayment,
    allowance_needed,
    instalment_burden,
    max_affordable_loan,
    rent_burden,
    repayment_term,
)
from tashilat.domain.programs.wages.article149 import Workshop, employer_obligations
from tashilat.domain.programs.wages.income import WorkerProfile, monthly_income
from tashilat.domain.programs.wages.numbers import (
    exceeds_share,
    fmt_percent,
    grown,
    half_up,
    percent_of,
    ratio,
)
from tashilat.policy import PolicySnapshot

ON_1403 = parse_jalali("1403/07/01")
FAMILY = WorkerProfile(married=True, children=2)  # the acceptance profile
GROSS_1403_FAMILY = 113_994_208


# -- the policy data agrees with itself (docs/rules.md §3.1) -------------------------------


@pytest.mark.parametrize("year", [1403, 1404])
def test_wage_figures_are_consistent(policy: PolicySnapshot, year: int) -> None:
    on = parse_jalali(f"{year}/06/01")
    daily = policy.resolve("wages.minimum_daily_wage", on).value
    assert policy.resolve("wages.minimum_monthly_wage", on).value == 30 * daily
    assert policy.resolve("wages.child_allowance_per_child", on).value == 3 * daily


def test_the_900000_toman_housing_allowance_is_the_seed_figure(policy: PolicySnapshot) -> None:
    r = policy.resolve("wages.housing_allowance", ON_1403)
    assert r.value == 9_000_000
    assert r.provenance.status is Status.SEED


def test_every_wage_parameter_has_a_status_and_a_source_when_needed(
    policy: PolicySnapshot,
) -> None:
    params = [p for p in policy if p.path.startswith(("wages.", "construction."))]
    assert len(params) >= 15
    for p in params:
        for e in p.entries:
            if e.provenance.status in (Status.SEED, Status.SOURCED):
                assert e.provenance.source, p.path
            if e.provenance.status is Status.ASSUMED:
                assert e.provenance.note, f"{p.path} is assumed without saying why"


# -- income ----------------------------------------------------------------------------------


def test_acceptance_gross_income(policy: PolicySnapshot) -> None:
    d = monthly_income(policy, FAMILY, ON_1403)
    v = d.value
    assert v.gross_rial == GROSS_1403_FAMILY
    assert v.gross_rial == sum(x.amount_rial for x in v.lines)
    assert v.net_rial == v.gross_rial - v.insurance_rial
    assert v.insurance_rial == half_up(Fraction(v.insurable_rial) * 7 / 100)
    assert d.policy_hash == policy.hash and d.as_of == ON_1403
    assert "113,994,208" in d.reasons[0].message_en
    assert "2 × 7,166,184" in d.reasons[0].message_en


def test_child_allowance_is_not_insurable_for_two_children(policy: PolicySnapshot) -> None:
    v = monthly_income(policy, FAMILY, ON_1403).value
    child = v.line("children")
    assert child is not None and child.insurable_rial == 0
    assert v.insurable_rial == v.gross_rial - child.amount_rial


def test_a_wage_level_replaces_the_minimum(policy: PolicySnapshot) -> None:
    v = monthly_income(policy, WorkerProfile(base_wage=100_000_000), ON_1403).value
    assert v.amount("base_wage") == 100_000_000
    assert v.line("base_wage") is not None
    assert v.gross_rial == 100_000_000 + 14_000_000 + 9_000_000
    assert not v.below_minimum_wage


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"children": -1}, "profile.children"),
        ({"children": 21}, "profile.children"),
        ({"children": True}, "profile.children"),
        ({"years_of_service": 61}, "profile.years_of_service"),
        ({"base_wage": 0}, "amount.not_positive"),
        ({"base_wage": -5}, "amount.negative"),
        ({"other_income": -1}, "amount.negative"),
    ],
)
def test_bad_profiles_are_refused_in_two_languages(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        WorkerProfile(**kwargs)  # type: ignore[arg-type]
    assert exc.value.code == code
    assert exc.value.message_fa and exc.value.message_en


def test_unknown_basis_is_refused(policy: PolicySnapshot) -> None:
    with pytest.raises(InvalidInput, match="gross or net"):
        instalment_burden(policy, FAMILY, Repayment.constant(1), on=ON_1403, basis="take-home")


# -- repayments ------------------------------------------------------------------------------


def test_fixed_instalment_repays_exactly() -> None:
    r = Repayment.fixed_instalment(9_600_000_000, Decimal(18), 200_000_000)
    assert r.months == months_to_repay(9_600_000_000, Decimal(18), 200_000_000) == 86
    assert set(r.amounts[:-1]) == {200_000_000}
    assert 0 < r.amounts[-1] <= 200_000_000
    # the profit paid equals the exact monthly profits, rounded half-up each month
    balance, i = 9_600_000_000, Fraction(18, 1200)
    for a in r.amounts:
        balance += half_up(balance * i) - a
    assert balance == 0


def test_a_schedule_with_grace_months_counts_every_payment() -> None:
    s = build_schedule("fee", 1_500_000_000, Decimal(4), 84, grace_months=6)
    r = Repayment.from_schedule(s, "employment loan")
    assert r.months == 90 and r.amounts == tuple(i.amount for i in s.instalments)
    assert r.summary().total_rial == s.total


def test_constant_repayment_needs_a_sane_term() -> None:
    with pytest.raises(InvalidInput):
        Repayment.constant(100, 0)
    with pytest.raises(InvalidInput):
        Repayment.constant(0, 1)


# -- burden ----------------------------------------------------------------------------------


def test_acceptance_burden_is_175_percent(policy: PolicySnapshot) -> None:
    d = instalment_burden(policy, FAMILY, Repayment.constant(200_000_000), on=ON_1403)
    assert d.value.first_burden_percent == Decimal("175.45")
    assert abs(d.value.first_burden_percent - 175) < 1
    assert d.outcome == "over_limit"
    text = " ".join(r.message_en for r in d.reasons)
    assert "175.45%" in text and "113,994,208" in text and "200,000,000" in text


def test_the_limit_is_compared_exactly(policy: PolicySnapshot) -> None:
    # 30% of 113,994,208 is 34,198,262.4: 34,198,262 is within, one rial more is over.
    inside = instalment_burden(policy, FAMILY, Repayment.constant(34_198_262), on=ON_1403)
    outside = instalment_burden(policy, FAMILY, Repayment.constant(34_198_263), on=ON_1403)
    assert inside.outcome == "within_limit" and outside.outcome == "over_limit"
    # both round to 30.00% for display
    assert inside.value.first_burden_percent == outside.value.first_burden_percent == 30


def test_income_rises_by_loan_year_without_drift(policy: PolicySnapshot) -> None:
    r = Repayment.constant(50_000_000, 60)
    d = instalment_burden(policy, FAMILY, r, on=ON_1403, wage_rise_percent=Decimal("33.3"))
    for y in d.value.years:
        assert y.income_rial == half_up(grown(GROSS_1403_FAMILY, Decimal("33.3"), y.loan_year - 1))
    assert [m.loan_year for m in d.value.months[11:13]] == [1, 2]
    assert any(w.code == "afford.wage_rise_assumed" for w in d.warnings)


def test_a_falling_income_raises_the_burden(policy: PolicySnapshot) -> None:
    r = Repayment.constant(10_000_000, 36)
    d = instalment_burden(policy, FAMILY, r, on=ON_1403, wage_rise_percent=Decimal(-10))
    burdens = [y.max_burden_percent for y in d.value.years]
    assert burdens == sorted(burdens) and burdens[0] < burdens[-1]


@pytest.mark.parametrize("limit", [Decimal(0), Decimal(-1), Decimal(1001)])
def test_a_limit_must_be_a_sane_percentage(policy: PolicySnapshot, limit: Decimal) -> None:
    with pytest.raises(InvalidInput):
        instalment_burden(policy, FAMILY, Repayment.constant(1), on=ON_1403, limit_percent=limit)


# -- the largest affordable loan -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["simple", "fee"])
def test_max_loan_is_the_largest_that_fits(policy: PolicySnapshot, method: str) -> None:
    d = max_affordable_loan(
        policy, FAMILY, on=ON_1403, annual_rate=Decimal(18), months=240, method=method
    )
    v = d.value
    cap = v.instalment_limit_rial
    assert cap == 34_198_262
    fits = build_schedule(method, v.principal_rial, Decimal(18), 240)
    assert max(i.amount for i in fits.instalments) <= cap
    bigger = build_schedule(method, v.principal_rial + 1, Decimal(18), 240)
    assert max(i.amount for i in bigger.instalments) > cap


def test_max_loan_refuses_stepwise(policy: PolicySnapshot) -> None:
    with pytest.raises(InvalidInput, match="level instalments"):
        max_affordable_loan(
            policy, FAMILY, on=ON_1403, annual_rate=Decimal(18), months=240, method="stepwise"
        )


def test_nothing_is_affordable_under_a_tiny_limit(policy: PolicySnapshot) -> None:
    d = max_affordable_loan(
        policy,
        FAMILY,
        on=ON_1403,
        annual_rate=Decimal(18),
        months=12,
        limit_percent=Decimal("0.0000001"),
    )
    assert d.outcome == "nothing_affordable" and d.value.principal_rial == 0


def test_repayment_term_figures(policy: PolicySnapshot) -> None:
    d = repayment_term(
        policy,
        principal=9_600_000_000,
        annual_rate=Decimal(18),
        instalment=200_000_000,
        on=ON_1403,
    )
    v = d.value
    assert (v.months, v.full_years, v.extra_months) == (86, 7, 2)
    assert v.total_rial == 85 * 200_000_000 + v.last_instalment_rial
    assert v.total_profit_rial == v.total_rial - 9_600_000_000
    assert "86 months" in d.reasons[0].message_en
    assert d.warnings == ()


def test_figures_taken_from_policy_by_the_caller_are_warned(policy: PolicySnapshot) -> None:
    rate = policy.resolve("youth_fund.loan.rate_percent", parse_jalali("1403/01/15"))
    d = repayment_term(
        policy,
        principal=1_000_000_000,
        annual_rate=Decimal(str(rate.value)),
        instalment=50_000_000,
        on=ON_1403,
        figures=(rate.provenance,),
    )
    assert [w.parameter for w in d.warnings] == ["youth_fund.loan.rate_percent"]
    b = instalment_burden(
        policy, FAMILY, Repayment.constant(1), on=ON_1403, figures=(rate.provenance,)
    )
    assert "youth_fund.loan.rate_percent" in {w.parameter for w in b.warnings}


# -- rent and allowance ----------------------------------------------------------------------


def test_rent_default_is_the_tehran_average(policy: PolicySnapshot) -> None:
    on = parse_jalali("1404/02/01")
    d = rent_burden(policy, FAMILY, on=on)
    assert d.value.rent_rial == 160_000_000
    assert d.value.rent_source == "wages.affordability.tehran_average_rent"
    # 1404: 103,909,680 + 22,000,000 + 9,000,000 + 5,000,000 + 2 × 10,390,968
    assert d.value.income_rial == 160_691_616
    assert d.value.burden_percent == Decimal("99.57")
    assert d.value.allowance_covers_percent == Decimal("5.63")


def test_the_allowance_needed_is_the_smallest_that_reaches_the_target(
    policy: PolicySnapshot,
) -> None:
    on = parse_jalali("1403/10/12")
    for target in (Decimal(30), Decimal("33.3"), Decimal(50)):
        v = allowance_needed(policy, FAMILY, on=on, target_percent=target).value
        rest = v.income_rial - v.current_allowance_rial
        assert not exceeds_share(v.rent_rial, rest + v.needed_allowance_rial, target)
        assert exceeds_share(v.rent_rial, rest + v.needed_allowance_rial - 1, target)


# -- article 149 -----------------------------------------------------------------------------


def test_article_149_text_and_obligations(policy: PolicySnapshot) -> None:
    d = employer_obligations(policy, Workshop(120, housing_cooperative=False), on=ON_1403)
    v = d.value
    assert v.article_fa.startswith("کارفرمایان مکلفند")
    assert "organisational housing" in v.article_en
    applies = {o.code: o.applies for o in v.obligations}
    assert applies == {
        "employer.cooperate_with_cooperative": False,
        "employer.cooperate_directly": True,
        "employer.build_organisational_housing": True,
        "government.support": True,
        "bylaw.terms": True,
    }
    assert v.housing_allowance_total_rial == 120 * 9_000_000


@pytest.mark.parametrize("workers", [0, -3, True])
def test_a_workshop_has_workers(workers: int) -> None:
    with pytest.raises(InvalidInput):
        Workshop(workers, housing_cooperative=True)


# -- numbers ---------------------------------------------------------------------------------


def test_named_rounding_points() -> None:
    assert half_up(Fraction(1, 2)) == 1 and half_up(Fraction(-1, 2)) == -1
    assert half_up(Fraction(49, 100)) == 0
    assert percent_of(200_000_000, 113_994_208) == Decimal("175.45")
    assert percent_of(1, 8) == Decimal("12.50")  # 12.5 exactly
    assert percent_of(1, 800) == Decimal("0.13")  # 0.125 → half-up
    assert ratio(428_339_126, 9_000_000) == Decimal("47.59")
    assert fmt_percent(Decimal("30.00")) == "30" and fmt_percent(Decimal("175.45")) == "175.45"
    with pytest.raises(ZeroDivisionError):
        percent_of(1, 0)
