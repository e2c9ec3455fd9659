"""The largest affordable loan and the months to repay (docs/rules.md §3.2).

The largest loan at a burden limit is :func:`finance.max_principal` of the largest instalment
within the limit, checked against the rounded schedule; the months to repay a principal at a
fixed instalment are :func:`finance.months_to_repay`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tashilat.domain.decision import Decision, PolicyReader, Provenance, Reason, Usage, warnings_for
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import Method, build_schedule, max_principal
from tashilat.domain.programs.wages.income import Income, WorkerProfile, check_basis, compute_income
from tashilat.domain.programs.wages.numbers import ceil_div, fmt_percent
from tashilat.domain.programs.wages.repayment import (
    LIMIT,
    MONTHS_PER_YEAR,
    REF_BURDEN,
    Repayment,
    _basis_en,
    _basis_fa,
    _limit,
    _positive,
)

# -- largest affordable loan -----------------------------------------------------------------


@dataclass(frozen=True)
class MaxLoan:
    income_basis: str
    income_rial: int
    income: Income
    limit_percent: Decimal
    instalment_limit_rial: int
    annual_rate_percent: Decimal
    months: int
    method: str
    principal_rial: int
    first_instalment_rial: int
    max_instalment_rial: int
    total_rial: int


def max_affordable_loan(
    policy: PolicyReader,
    profile: WorkerProfile,
    *,
    on: date,
    annual_rate: Decimal,
    months: int,
    limit_percent: Decimal | None = None,
    basis: str = "gross",
    method: str = "simple",
    rounding_unit: int | None = None,
    figures: Iterable[Provenance] = (),
) -> Decision[MaxLoan]:
    """The largest level-instalment loan (``simple`` or ``fee``) whose every rounded
    instalment stays within ``limit_percent`` of the household income on ``on``:
    :func:`finance.max_principal` of the largest instalment within the limit, lowered
    if the rounded schedule's last instalment would step over it. Outcome ``affordable``
    or ``nothing_affordable``. ``figures``: as for :func:`instalment_burden` (the rate)."""
    check_basis(basis)
    if method not in (Method.SIMPLE.value, Method.FEE.value):
        raise InvalidInput(
            "afford.method",
            f"بزرگ‌ترین وام تنها برای اقساط یکسان (simple یا fee) محاسبه می‌شود، نه «{method}».",
            f"The largest loan is computed for level instalments (simple or fee), not '{method}'.",
            field="method",
        )
    usage = Usage()
    usage.extend(figures)
    inc = compute_income(policy, profile, on, usage)
    limit = _limit(policy, usage, on, limit_percent)
    unit = (
        int(usage.use(policy.resolve("finance.rounding_unit", on)))
        if rounding_unit is None
        else rounding_unit
    )
    income = inc.income.household(basis)
    cap = math.floor(income * Fraction(limit) / 100)

    def amounts_of(p: int) -> tuple[int, ...]:
        s = build_schedule(method, p, annual_rate, months, rounding_unit=unit)
        return tuple(i.amount for i in s.instalments)

    # The exact annuity of max_principal fits; rounding (each instalment half-up, the last
    # absorbing the difference) can push the last instalment a few rials over. Step down
    # until every rounded instalment fits, then search back up between the last fitting
    # principal and the first that does not, so the answer is the largest that fits.
    principal = max_principal(cap, annual_rate, months)
    amounts: tuple[int, ...] = ()
    too_big: int | None = None
    while principal > 0:
        amounts = amounts_of(principal)
        excess = max(amounts) - cap
        if excess <= 0:
            break
        too_big = principal
        principal -= max(1, ceil_div(excess * principal, max(amounts)))
    if principal > 0 and too_big is None:
        # the exact bound fitted; rounding may let a little more fit too
        step = 1
        while max(trial := amounts_of(principal + step)) <= cap:
            principal, amounts, step = principal + step, trial, step * 2
        too_big = principal + step
    if principal <= 0:
        principal, amounts = 0, ()
    elif too_big is not None:
        lo, hi = principal, too_big  # lo fits, hi does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            trial = amounts_of(mid)
            if max(trial) <= cap:
                lo, amounts = mid, trial
            else:
                hi = mid
        principal = lo
    value = MaxLoan(
        income_basis=basis,
        income_rial=income,
        income=inc.income,
        limit_percent=limit,
        instalment_limit_rial=cap,
        annual_rate_percent=annual_rate,
        months=months,
        method=method,
        principal_rial=principal,
        first_instalment_rial=amounts[0] if amounts else 0,
        max_instalment_rial=max(amounts) if amounts else 0,
        total_rial=sum(amounts),
    )
    reasons = list(inc.reasons)
    reasons.append(
        Reason(
            "afford.instalment_limit",
            f"{fmt_percent(limit)}٪ درآمد {_basis_fa(basis)} {income:,} ریال = حداکثر قسط "
            f"{cap:,} ریال در ماه.",
            f"{fmt_percent(limit)}% of the {_basis_en(basis)} income of {income:,} rial = an "
            f"instalment of at most {cap:,} rial a month.",
            passed=cap > 0,
            parameter=LIMIT if limit_percent is None else None,
            reference=REF_BURDEN,
        )
    )
    reasons.append(
        Reason(
            "afford.max_loan",
            f"با نرخ {fmt_percent(annual_rate)}٪ در {months} ماه، بزرگ‌ترین وام {principal:,} "
            f"ریال است (بیشترین قسط {value.max_instalment_rial:,} ریال).",
            f"At {fmt_percent(annual_rate)}% a year over {months} months, the largest loan is "
            f"{principal:,} rial (highest instalment {value.max_instalment_rial:,} rial).",
            passed=principal > 0,
            reference="docs/rules.md §5 (simple repayment); finance.max_principal",
        )
    )
    return Decision(
        outcome="affordable" if principal > 0 else "nothing_affordable",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=usage.warnings() + inc.warnings,
    )


# -- months to repay --------------------------------------------------------------------------


@dataclass(frozen=True)
class RepaymentTerm:
    principal_rial: int
    annual_rate_percent: Decimal
    instalment_rial: int
    months: int
    full_years: int
    extra_months: int
    last_instalment_rial: int
    total_rial: int
    total_profit_rial: int


def repayment_term(
    policy: PolicyReader,
    *,
    principal: int,
    annual_rate: Decimal,
    instalment: int,
    on: date,
    figures: Iterable[Provenance] = (),
) -> Decision[RepaymentTerm]:
    """How many months ``instalment`` a month takes to repay ``principal`` at
    ``annual_rate`` / 12 a month (docs/rules.md §3.2: 9,600,000,000 at 18% with 200,000,000
    a month → 86 months). ``figures``: as for :func:`instalment_burden` (the rate)."""
    _positive(principal, "principal", "مبلغ وام", "principal")
    _positive(instalment, "instalment", "مبلغ قسط", "instalment")
    r = Repayment.fixed_instalment(principal, annual_rate, instalment)
    total = sum(r.amounts)
    value = RepaymentTerm(
        principal_rial=principal,
        annual_rate_percent=annual_rate,
        instalment_rial=instalment,
        months=r.months,
        full_years=r.months // MONTHS_PER_YEAR,
        extra_months=r.months % MONTHS_PER_YEAR,
        last_instalment_rial=r.amounts[-1],
        total_rial=total,
        total_profit_rial=total - principal,
    )
    reason = Reason(
        "afford.months_to_repay",
        f"وام {principal:,} ریالی با نرخ {fmt_percent(annual_rate)}٪ و قسط ماهانه "
        f"{instalment:,} ریال در {r.months} ماه ({value.full_years} سال و "
        f"{value.extra_months} ماه) بازپرداخت می‌شود؛ آخرین قسط {value.last_instalment_rial:,} "
        f"ریال و جمع پرداخت {total:,} ریال.",
        f"A loan of {principal:,} rial at {fmt_percent(annual_rate)}% a year with "
        f"{instalment:,} rial a month is repaid in {r.months} months ({value.full_years} years "
        f"{value.extra_months} months); the last instalment is "
        f"{value.last_instalment_rial:,} rial and {total:,} rial is paid in all.",
        passed=True,
        reference="docs/rules.md §3.2, §5; finance.months_to_repay",
    )
    return Decision(
        outcome="repaid",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=(reason,),
        warnings=warnings_for(figures),
    )
