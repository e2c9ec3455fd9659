"""Youth Housing Savings Fund rules (docs/rules.md §1): deposits → monthly structures →
yearly averages → entitlement, with the cohort's terms from policy.

Pure: plain values and a policy snapshot in, a ``Decision`` out. The business date is an
argument, never the clock.

The cohort's terms (:mod:`.cohort`), the yearly averages (:mod:`.averages`), the caps
(:mod:`.caps`) and the entitlement (:mod:`.entitlement`) live in their own modules; this one
plans deposits towards a loan and re-exports their names for callers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from tashilat.domain.decision import Decision, PolicyReader, Usage
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import account_month_start
from tashilat.domain.programs.youth_fund import profit
from tashilat.domain.programs.youth_fund.averages import (
    check_history,
    reference_averages,
    structures_with_profit,
    yearly_averages,
)
from tashilat.domain.programs.youth_fund.balances import Event as Event
from tashilat.domain.programs.youth_fund.balances import monthly_structures as monthly_structures
from tashilat.domain.programs.youth_fund.caps import Cap, cap_for_year
from tashilat.domain.programs.youth_fund.cohort import (
    REF_CAPS,
    REF_ENTITLEMENT,
    TIERS,
    CohortTerms,
    P,
    carried_forward_warning,
    cohort_terms,
)
from tashilat.domain.programs.youth_fund.entitlement import (
    Entitlement,
    PrivilegeUse,
    YearFigures,
    entitlement,
    with_privilege_use,
    year_figures,
)

__all__ = [
    "REF_CAPS",
    "REF_ENTITLEMENT",
    "TIERS",
    "Cap",
    "CohortTerms",
    "Entitlement",
    "Event",
    "P",
    "Plan",
    "PrivilegeUse",
    "YearFigures",
    "cap_for_year",
    "carried_forward_warning",
    "check_history",
    "cohort_terms",
    "entitlement",
    "monthly_structures",
    "plan",
    "planned_events",
    "reference_averages",
    "structures_with_profit",
    "with_privilege_use",
    "year_figures",
    "yearly_averages",
]


# -- planning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    opened_on: date
    cohort: int
    tier: int
    min_wait_years: int
    max_wait_years: int
    monthly_rial: int | None
    share_percent: int | None
    lump_sum_rial: int
    years: tuple[YearFigures, ...]


def planned_events(
    terms: CohortTerms,
    *,
    monthly: int | None = None,
    share_percent: int | None = None,
    lump_sum: int = 0,
) -> list[Event]:
    """Deposits on the first day of every account month (a fixed amount, or the table's
    amount times a share), plus an optional lump sum on the opening day."""
    events: list[Event] = []
    if lump_sum:
        events.append(Event(terms.opened_on, lump_sum))
    for i in range(1, 12 * terms.max_wait_years + 1):
        if monthly is not None:
            amount = monthly
        elif share_percent is not None:
            amount = terms.deposit_for_year((i - 1) // 12 + 1) * share_percent // 100
        else:
            amount = 0
        if amount:
            events.append(Event(account_month_start(terms.opened_on, i), amount))
    return events


def plan(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    monthly: int | None = None,
    share_percent: int | None = None,
    lump_sum: int = 0,
) -> Decision[Plan]:
    """Simulate deposits from opening to the maximum wait and show, for each account year,
    the averages, the cap and the entitlement (``tashilat youth-fund plan``)."""
    if monthly is not None and share_percent is not None:
        raise InvalidInput(
            "plan.conflict",
            "یا مبلغ ماهانه بدهید یا پیروی از جدول، نه هر دو.",
            "Give either a monthly amount or follow the table, not both.",
        )
    if share_percent is not None and not 0 < share_percent <= 1000:
        raise InvalidInput(
            "plan.share",
            "درصد پیروی از جدول باید بین ۱ و ۱۰۰۰ باشد.",
            "The share of the table must be between 1 and 1000 percent.",
            field="share",
        )
    if monthly is None and share_percent is None and not lump_sum:
        raise InvalidInput(
            "plan.no_deposits",
            "هیچ واریزی مشخص نشده است (مبلغ ماهانه، پیروی از جدول یا واریز یکجا).",
            "No deposits given (a monthly amount, following the table, or a lump sum).",
        )
    terms = cohort_terms(policy, opened_on)
    usage = Usage()
    usage.extend(terms.provenances)
    events = planned_events(terms, monthly=monthly, share_percent=share_percent, lump_sum=lump_sum)
    first_day = sum(e.amount for e in events if e.on == opened_on)
    if first_day < terms.min_opening_deposit:
        raise InvalidInput(
            "youth_fund.opening_deposit_too_low",
            f"واریز روز افتتاح ({first_day:,} ریال) کمتر از حداقل مبلغ افتتاح حساب "
            f"({terms.min_opening_deposit:,} ریال) است.",
            f"The opening-day deposit ({first_day:,} rial) is below the minimum opening "
            f"deposit ({terms.min_opening_deposit:,} rial).",
            field="monthly",
        )
    n = 12 * terms.max_wait_years
    structures = monthly_structures(opened_on, events, n, terms.structure_mode)
    _, rate_provenances = profit.month_rates(policy, opened_on, n)
    usage.extend(rate_provenances)
    gains = [m.profit_rial for m in profit.monthly_profits(policy, opened_on, events, n)]
    if terms.profit_counts:
        structures = profit.with_profit(structures, gains)
    closing = monthly_structures(opened_on, events, n, "closing_balance")
    rows = [
        replace(
            r,
            profit_rial=sum(gains[12 * r.year - 12 : 12 * r.year]),
            balance_rial=closing[12 * r.year - 1] + sum(gains[: 12 * r.year]),
        )
        for r in year_figures(terms, tier, yearly_averages(structures), usage)
    ]
    value = Plan(
        opened_on=opened_on,
        cohort=terms.cohort,
        tier=tier,
        min_wait_years=terms.min_wait_years,
        max_wait_years=terms.max_wait_years,
        monthly_rial=monthly,
        share_percent=share_percent,
        lump_sum_rial=lump_sum,
        years=tuple(rows),
    )
    return Decision(
        outcome="planned",
        value=value,
        policy_hash=policy.hash,
        as_of=opened_on,
        warnings=carried_forward_warning(terms) + usage.warnings(),
    )
