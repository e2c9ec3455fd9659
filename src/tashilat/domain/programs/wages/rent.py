"""Rent burden and the housing allowance that would bring it to a chosen share of
income (docs/rules.md §3.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.programs.wages.income import Income, WorkerProfile, check_basis, compute_income
from tashilat.domain.programs.wages.numbers import exceeds_share, fmt_percent, percent_of, ratio
from tashilat.domain.programs.wages.repayment import (
    REF_RENT,
    RENT,
    _basis_en,
    _basis_fa,
    _limit,
    _positive,
)

# -- rent and the housing allowance ----------------------------------------------------------


def _rent(policy: PolicyReader, usage: Usage, on: date, rent: int | None) -> tuple[int, str]:
    if rent is None:
        return int(usage.use(policy.resolve(RENT, on))), RENT
    return _positive(rent, "rent", "اجاره‌بها", "rent"), "input"


@dataclass(frozen=True)
class RentBurden:
    income_basis: str
    income_rial: int
    income: Income
    rent_rial: int
    rent_source: str
    burden_percent: Decimal
    limit_percent: Decimal
    affordable_rent_rial: int
    housing_allowance_rial: int
    allowance_covers_percent: Decimal


def rent_burden(
    policy: PolicyReader,
    profile: WorkerProfile,
    *,
    on: date,
    rent: int | None = None,
    limit_percent: Decimal | None = None,
    basis: str = "gross",
) -> Decision[RentBurden]:
    """Rent as a share of household income, the rent the limit would allow, and how much
    of the rent the housing allowance covers. ``rent`` defaults to the Tehran average
    (``wages.affordability.tehran_average_rent``). Outcome ``within_limit``/``over_limit``."""
    check_basis(basis)
    usage = Usage()
    inc = compute_income(policy, profile, on, usage)
    rent_rial, source = _rent(policy, usage, on, rent)
    limit = _limit(policy, usage, on, limit_percent)
    income = inc.income.household(basis)
    allowance = inc.income.amount("housing")
    over = exceeds_share(rent_rial, income, limit)
    value = RentBurden(
        income_basis=basis,
        income_rial=income,
        income=inc.income,
        rent_rial=rent_rial,
        rent_source=source,
        burden_percent=percent_of(rent_rial, income),
        limit_percent=limit,
        affordable_rent_rial=math.floor(income * Fraction(limit) / 100),
        housing_allowance_rial=allowance,
        allowance_covers_percent=percent_of(allowance, rent_rial),
    )
    whose_fa = "میانگین اجاره تهران" if source == RENT else "اجاره"
    whose_en = "The Tehran average rent" if source == RENT else "A rent"
    reasons = list(inc.reasons)
    reasons.append(
        Reason(
            "afford.rent_burden",
            f"{whose_fa} {rent_rial:,} ریال {fmt_percent(value.burden_percent)}٪ درآمد "
            f"{_basis_fa(basis)} ماهانه ({income:,} ریال) است؛ با سقف {fmt_percent(limit)}٪ "
            f"اجاره‌ای تا {value.affordable_rent_rial:,} ریال در توان است.",
            f"{whose_en} of {rent_rial:,} rial is {fmt_percent(value.burden_percent)}% of the "
            f"{_basis_en(basis)} monthly income ({income:,} rial); at the "
            f"{fmt_percent(limit)}% limit a rent of up to {value.affordable_rent_rial:,} rial "
            "is affordable.",
            passed=not over,
            parameter=RENT if source == RENT else None,
            reference=REF_RENT,
        )
    )
    reasons.append(
        Reason(
            "afford.allowance_coverage",
            f"حق مسکن {allowance:,} ریال تنها {fmt_percent(value.allowance_covers_percent)}٪ "
            "اجاره را می‌پوشاند.",
            f"The housing allowance of {allowance:,} rial covers "
            f"{fmt_percent(value.allowance_covers_percent)}% of the rent.",
            passed=allowance >= rent_rial,
            parameter="wages.housing_allowance",
            reference=REF_RENT,
        )
    )
    return Decision(
        outcome="over_limit" if over else "within_limit",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=usage.warnings() + inc.warnings,
    )


@dataclass(frozen=True)
class AllowanceNeed:
    income_rial: int
    income: Income
    rent_rial: int
    rent_source: str
    target_percent: Decimal
    affordable_rent_rial: int
    current_allowance_rial: int
    needed_allowance_rial: int
    increase_rial: int
    multiple_of_current: Decimal
    burden_now_percent: Decimal
    burden_with_needed_percent: Decimal


def allowance_needed(
    policy: PolicyReader,
    profile: WorkerProfile,
    *,
    on: date,
    rent: int | None = None,
    target_percent: Decimal | None = None,
) -> Decision[AllowanceNeed]:
    """The monthly housing allowance that would bring the rent down to ``target_percent``
    of household gross income (income includes the allowance): the smallest ``H'`` with
    ``rent ≤ target × (income − H + H')``. Outcome ``raise_needed`` or ``sufficient``."""
    usage = Usage()
    inc = compute_income(policy, profile, on, usage)
    rent_rial, source = _rent(policy, usage, on, rent)
    target = _limit(policy, usage, on, target_percent)
    income = inc.income.household_gross_rial
    current = inc.income.amount("housing")
    rest = income - current
    needed_income = math.ceil(Fraction(rent_rial) * 100 / Fraction(target))
    needed = max(current, needed_income - rest)
    value = AllowanceNeed(
        income_rial=income,
        income=inc.income,
        rent_rial=rent_rial,
        rent_source=source,
        target_percent=target,
        affordable_rent_rial=math.floor(income * Fraction(target) / 100),
        current_allowance_rial=current,
        needed_allowance_rial=needed,
        increase_rial=needed - current,
        multiple_of_current=ratio(needed, current) if current else Decimal(0),
        burden_now_percent=percent_of(rent_rial, income),
        burden_with_needed_percent=percent_of(rent_rial, rest + needed),
    )
    reasons = list(inc.reasons)
    raise_needed = needed > current
    reasons.append(
        Reason(
            "afford.allowance_needed",
            f"برای آنکه اجاره {rent_rial:,} ریال {fmt_percent(target)}٪ درآمد شود، حق مسکن "
            f"باید {needed:,} ریال در ماه باشد ({value.multiple_of_current} برابر حق مسکن "
            f"کنونی {current:,} ریال)."
            if raise_needed
            else f"حق مسکن کنونی {current:,} ریال کافی است؛ اجاره "
            f"{fmt_percent(value.burden_now_percent)}٪ درآمد است.",
            f"For a rent of {rent_rial:,} rial to be {fmt_percent(target)}% of income, the "
            f"housing allowance would have to be {needed:,} rial a month "
            f"({value.multiple_of_current} times the current {current:,} rial)."
            if raise_needed
            else f"The current housing allowance of {current:,} rial is enough; the rent is "
            f"{fmt_percent(value.burden_now_percent)}% of income.",
            passed=not raise_needed,
            parameter="wages.housing_allowance",
            reference=REF_RENT,
        )
    )
    return Decision(
        outcome="raise_needed" if raise_needed else "sufficient",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=usage.warnings() + inc.warnings,
    )
