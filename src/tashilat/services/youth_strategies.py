"""Deposit strategies side by side (docs/rules.md §1.2–1.4): the use case behind the web
planner's comparison and ``/api/v1/youth-fund/strategies``. Stateless over a policy
snapshot, so that the page and the API give the same answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tashilat.domain.decision import Decision, PolicyReader, Provenance
from tashilat.domain.programs.youth_fund.loan_plan import Household
from tashilat.domain.programs.youth_fund.strategies import (
    Comparison,
    Strategy,
    compare_strategies,
)
from tashilat.services.youth_planner import place_city, with_figures

__all__ = ["Comparison", "Household", "Strategy", "compare"]


def compare(
    policy: PolicyReader,
    *,
    opened_on: date,
    strategies: Sequence[Strategy],
    tier: int | None = None,
    city: str | None = None,
    province: str | None = None,
    kind: str = "purchase",
    method: str = "simple",
    household: Household | None = None,
) -> tuple[Decision[Comparison], str | None]:
    """Each strategy planned and priced for one account, in the city's tier (``city``, as
    typed) or a given ``tier``; with the city's name as found, and the warnings of the
    figures that placed it."""
    name = None
    used: tuple[Provenance, ...] = ()
    if city is not None:
        placed = place_city(policy, city, opened_on, province)
        tier, name, used = placed.tier, placed.name, placed.provenances
    assert tier is not None
    d = compare_strategies(
        policy,
        opened_on=opened_on,
        tier=tier,
        strategies=strategies,
        kind=kind,
        method=method,
        household=household,
    )
    return with_figures(d, used), name
