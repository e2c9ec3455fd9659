"""Instalment burden month by month over a loan's life (docs/rules.md §3.2).

Burden = monthly instalment ÷ household monthly income; income in loan year ``y`` is the first
month's income grown by an assumed yearly rise ``y − 1`` times, rounded half-up to the rial from
the first month's figure (so rounding never drifts).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tashilat.domain.decision import (
    Decision,
    PolicyReader,
    Provenance,
    Reason,
    Status,
    Usage,
    Warning,
)
from tashilat.domain.errors import InvalidInput
from tashilat.domain.programs.wages.income import Income, WorkerProfile, check_basis, compute_income
from tashilat.domain.programs.wages.numbers import (
    exceeds_share,
    fmt_percent,
    grown,
    half_up,
    percent_of,
)
from tashilat.domain.programs.wages.repayment import (
    LIMIT,
    MONTHS_PER_YEAR,
    REF_BURDEN,
    LoanSummary,
    Repayment,
    _basis_en,
    _basis_fa,
    _limit,
    _percent_input,
)

# -- instalment burden ---------------------------------------------------------------------


@dataclass(frozen=True)
class BurdenMonth:
    number: int
    loan_year: int
    instalment_rial: int
    income_rial: int
    burden_percent: Decimal
    over_limit: bool


@dataclass(frozen=True)
class BurdenYear:
    loan_year: int
    income_rial: int
    max_instalment_rial: int
    max_burden_percent: Decimal


@dataclass(frozen=True)
class BurdenReport:
    income_basis: str
    income_rial: int
    income: Income
    loan: LoanSummary
    wage_rise_percent: Decimal
    limit_percent: Decimal
    limit_instalment_rial: int
    first_burden_percent: Decimal
    max_burden_percent: Decimal
    last_burden_percent: Decimal
    months_over_limit: int
    years: tuple[BurdenYear, ...]
    months: tuple[BurdenMonth, ...]


def indexed_income(first: int, wage_rise_percent: Decimal, loan_year: int) -> int:
    """Income in ``loan_year`` (1-based): ``first`` grown ``loan_year − 1`` times by the
    yearly rise, rounded half-up to the rial."""
    return half_up(grown(first, wage_rise_percent, loan_year - 1))


def instalment_burden(
    policy: PolicyReader,
    profile: WorkerProfile,
    repayment: Repayment,
    *,
    on: date,
    wage_rise_percent: Decimal = Decimal(0),
    limit_percent: Decimal | None = None,
    basis: str = "gross",
    figures: Iterable[Provenance] = (),
) -> Decision[BurdenReport]:
    """The burden of every instalment of ``repayment`` on the household income of
    ``profile`` from ``on`` (the first instalment's month), with income indexed by
    ``wage_rise_percent`` a year. Outcome ``within_limit`` or ``over_limit``.

    ``figures``: the provenance of policy figures the caller used to build the repayment
    (its rate, step, rounding unit), so that their warnings reach the answer."""
    check_basis(basis)
    rise = _percent_input(
        wage_rise_percent,
        "wage_rise",
        "افزایش سالانه دستمزد",
        "yearly wage rise",
        low=Decimal(-100),
    )
    usage = Usage()
    usage.extend(figures)
    inc = compute_income(policy, profile, on, usage)
    limit = _limit(policy, usage, on, limit_percent)
    first_income = inc.income.household(basis)
    if first_income <= 0:  # pragma: no cover - the legal minimum is always positive
        raise InvalidInput("afford.no_income", "درآمدی نیست.", "There is no income.")

    months: list[BurdenMonth] = []
    years: list[BurdenYear] = []
    for k, amount in enumerate(repayment.amounts, start=1):
        y = (k - 1) // MONTHS_PER_YEAR + 1
        income = indexed_income(first_income, rise, y)
        if income <= 0:
            raise InvalidInput(
                "afford.income_vanishes",
                f"با کاهش سالانه {rise}٪ درآمد در سال {y} وام به صفر می‌رسد.",
                f"With a yearly change of {rise}% the income reaches zero in year {y} of the loan.",
                field="wage_rise",
            )
        months.append(
            BurdenMonth(
                number=k,
                loan_year=y,
                instalment_rial=amount,
                income_rial=income,
                burden_percent=percent_of(amount, income),
                over_limit=exceeds_share(amount, income, limit),
            )
        )
    for y in range(1, months[-1].loan_year + 1):
        rows = [m for m in months if m.loan_year == y]
        top = max(rows, key=lambda m: Fraction(m.instalment_rial, m.income_rial))
        years.append(
            BurdenYear(
                y, rows[0].income_rial, max(m.instalment_rial for m in rows), top.burden_percent
            )
        )
    worst = max(months, key=lambda m: Fraction(m.instalment_rial, m.income_rial))
    over = sum(1 for m in months if m.over_limit)
    loan = repayment.summary()
    limit_instalment = math.floor(first_income * Fraction(limit) / 100)
    first = months[0]

    reasons = list(inc.reasons)
    what_en = (
        f"a {first.instalment_rial:,}-rial instalment"
        if loan.months == 1
        else f"the first instalment of {first.instalment_rial:,} rial ({loan.label})"
    )
    what_fa = (
        f"قسط {first.instalment_rial:,} ریالی"
        if loan.months == 1
        else f"نخستین قسط {first.instalment_rial:,} ریالی ({loan.label})"
    )
    reasons.append(
        Reason(
            "afford.burden",
            f"{what_fa} {fmt_percent(first.burden_percent)}٪ درآمد {_basis_fa(basis)} ماهانه "
            f"خانوار ({first_income:,} ریال) است؛ سقف {fmt_percent(limit)}٪ یعنی "
            f"{limit_instalment:,} ریال.",
            f"Against a household {_basis_en(basis)} income of {first_income:,} rial a month, "
            f"{what_en} is a burden of {fmt_percent(first.burden_percent)}%; the "
            f"{fmt_percent(limit)}% limit is {limit_instalment:,} rial.",
            passed=not first.over_limit,
            parameter=LIMIT if limit_percent is None else None,
            reference=REF_BURDEN,
        )
    )
    if loan.months > 1:
        reasons.append(
            Reason(
                "afford.burden_over_life",
                f"در {over} ماه از {loan.months} ماه بازپرداخت، قسط از {fmt_percent(limit)}٪ "
                f"درآمد بیشتر است؛ بیشترین بار {fmt_percent(worst.burden_percent)}٪ (ماه "
                f"{worst.number}) و آخرین {fmt_percent(months[-1].burden_percent)}٪ است.",
                f"The instalment is above {fmt_percent(limit)}% of income in {over} of "
                f"{loan.months} months; the highest burden is "
                f"{fmt_percent(worst.burden_percent)}% (month {worst.number}), the last "
                f"{fmt_percent(months[-1].burden_percent)}%.",
                passed=over == 0,
                parameter=LIMIT if limit_percent is None else None,
                reference=REF_BURDEN,
            )
        )
    extra: list[Warning] = list(inc.warnings)
    if loan.months > MONTHS_PER_YEAR:
        last_income = months[-1].income_rial
        reasons.append(
            Reason(
                "afford.wage_rise",
                f"فرض شده درآمد هر سال {fmt_percent(rise)}٪ افزایش یابد: از {first_income:,} "
                f"به {last_income:,} ریال در سال {months[-1].loan_year} وام.",
                f"Income is assumed to rise {fmt_percent(rise)}% a year: from {first_income:,} "
                f"to {last_income:,} rial in loan year {months[-1].loan_year}.",
                passed=True,
                reference=REF_BURDEN,
            )
        )
        extra.append(
            Warning(
                code="afford.wage_rise_assumed",
                message_fa=f"درآمد سال‌های بعد با افزایش فرضی {fmt_percent(rise)}٪ در سال "
                "برآورد شده است؛ افزایش واقعی دستمزد را شورای عالی کار هر سال تعیین می‌کند.",
                message_en=f"Income after the first year is projected with an assumed "
                f"{fmt_percent(rise)}% yearly rise; the Supreme Labour Council sets the real "
                "rise each year.",
                parameter="input.wage_rise_percent",
                status=Status.ASSUMED,
            )
        )
    report = BurdenReport(
        income_basis=basis,
        income_rial=first_income,
        income=inc.income,
        loan=loan,
        wage_rise_percent=rise,
        limit_percent=limit,
        limit_instalment_rial=limit_instalment,
        first_burden_percent=first.burden_percent,
        max_burden_percent=worst.burden_percent,
        last_burden_percent=months[-1].burden_percent,
        months_over_limit=over,
        years=tuple(years),
        months=tuple(months),
    )
    return Decision(
        outcome="over_limit" if over else "within_limit",
        value=report,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=usage.warnings() + tuple(extra),
    )
