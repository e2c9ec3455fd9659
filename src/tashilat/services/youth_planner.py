"""The saver's planner (docs/rules.md §1): a plan with the loan each year buys, and the
inverse planner. Stateless use cases over a policy snapshot; the CLI, the API and the web
pages call these, so that all three give the same answer.

* :func:`plan_with_loan` — the year-by-year plan (averages, cap, entitlement) with the loan
  each year's entitlement buys, its instalments, and their burden on a household's income.
* :func:`deposit_target` — the least deposits that reach an amount by a year, or the first
  year a given deposit reaches it.
* :func:`place_city` — the tier of a city as typed, with the figures that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from tashilat.data import load_city_index
from tashilat.domain.decision import Decision, PolicyReader, Provenance, warnings_for
from tashilat.domain.programs.youth_fund.cities import tier_of
from tashilat.domain.programs.youth_fund.loan_plan import Household, LoanPlan, plan_loans
from tashilat.domain.programs.youth_fund.rules import plan
from tashilat.domain.programs.youth_fund.target import Target, target

__all__ = [
    "Household",
    "Placement",
    "deposit_target",
    "place_city",
    "plan_with_loan",
    "with_figures",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Placement:
    """A city as found, its tier on a date, and the figures that decided the tier."""

    tier: int
    name: str  # «تهران (Tehran), تهران / Tehran»
    provenances: tuple[Provenance, ...]


def place_city(policy: PolicyReader, city: str, on: date, province: str | None = None) -> Placement:
    """The tier of ``city`` (Persian or English, ``province`` where names repeat) on ``on``."""
    found = load_city_index().lookup(city, province)
    t = tier_of(policy, found, on)
    name = f"{found.name_fa} ({found.name_en}), {found.province_fa} / {found.province_en}"
    return Placement(t.tier, name, tuple(t.provenances))


def with_figures(decision: Decision[T], used: tuple[Provenance, ...]) -> Decision[T]:
    """``decision`` with the warnings of other figures that shaped it (a city's tier)."""
    extra = tuple(w for w in warnings_for(used) if w not in decision.warnings)
    return replace(decision, warnings=decision.warnings + extra) if extra else decision


def plan_with_loan(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    monthly: int | None = None,
    share_percent: int | None = None,
    lump_sum: int = 0,
    kind: str = "purchase",
    method: str = "simple",
    household: Household | None = None,
) -> Decision[LoanPlan]:
    """The plan of these deposits (``rules.plan``) with, from the minimum wait, the loan
    each year's entitlement buys (``loan_plan.plan_loans``): ``kind`` purchase or
    construction, ``method`` simple or stepwise (both are computed; ``loan`` is this
    one), and with a ``household`` the first instalment's share of its income."""
    d = plan(
        policy,
        opened_on=opened_on,
        tier=tier,
        monthly=monthly,
        share_percent=share_percent,
        lump_sum=lump_sum,
    )
    return plan_loans(policy, d, kind=kind, method=method, household=household)


def deposit_target(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    amount: int | None = None,
    by_year: int | None = None,
    monthly: int | None = None,
    lump_sum: int | None = None,
) -> Decision[Target]:
    """The least monthly deposit and lump sum that reach ``amount`` (``None``: the whole
    cap) by the end of account year ``by_year``, or the first year a given ``monthly``
    deposit or ``lump_sum`` reaches it (``target.target``)."""
    return target(
        policy,
        opened_on=opened_on,
        tier=tier,
        amount=amount,
        by_year=by_year,
        monthly=monthly,
        lump_sum=lump_sum,
    )
