"""Housing affordability against a worker's income (docs/rules.md §3.2).

* **Instalment burden** = monthly instalment ÷ household monthly income, for every month of
  a loan's life. Any repayment the Foundation builds (a youth-fund loan, the
  960-million-toman loan, a market loan at the 23% cap: :func:`finance.build_schedule`) or
  a fixed instalment is accepted (:class:`Repayment`). Income in loan year ``y`` is the
  first month's income grown by an assumed yearly rise (an input) ``y − 1`` times, rounded
  half-up to the rial from the first month's figure (so rounding never drifts).
* **Largest affordable loan** at a burden limit: :func:`finance.max_principal` of the
  largest instalment within the limit, checked against the rounded schedule.
* **Months to repay** a principal at a fixed instalment (:func:`finance.months_to_repay`).
* **Rent burden**, and the **housing allowance** that would bring the rent burden down to a
  chosen share of income.

Percentages are ``Decimal`` rounded half-up to two places at one named point
(:func:`numbers.percent_of`); comparisons with a limit use exact values. The default limit
is ``wages.affordability.housing_cost_limit_percent`` (``assumed``: the common 30%
benchmark). Worked example: 200,000,000 against 113,994,208 → **175.45%**.

The rules live by what they compute (:mod:`.repayment`, :mod:`.burden`, :mod:`.max_loan`,
:mod:`.rent`); this module gathers them under one name for callers.
"""

from __future__ import annotations

from tashilat.domain.programs.wages.burden import (
    BurdenMonth,
    BurdenReport,
    BurdenYear,
    indexed_income,
    instalment_burden,
)
from tashilat.domain.programs.wages.max_loan import (
    MaxLoan,
    RepaymentTerm,
    max_affordable_loan,
    repayment_term,
)
from tashilat.domain.programs.wages.rent import (
    AllowanceNeed,
    RentBurden,
    allowance_needed,
    rent_burden,
)
from tashilat.domain.programs.wages.repayment import (
    LIMIT,
    MAX_LIMIT_PERCENT,
    MONTHS_PER_YEAR,
    REF_BURDEN,
    REF_RENT,
    RENT,
    LoanSummary,
    P,
    Repayment,
)

__all__ = [
    "LIMIT",
    "MAX_LIMIT_PERCENT",
    "MONTHS_PER_YEAR",
    "REF_BURDEN",
    "REF_RENT",
    "RENT",
    "AllowanceNeed",
    "BurdenMonth",
    "BurdenReport",
    "BurdenYear",
    "LoanSummary",
    "MaxLoan",
    "P",
    "RentBurden",
    "Repayment",
    "RepaymentTerm",
    "allowance_needed",
    "indexed_income",
    "instalment_burden",
    "max_affordable_loan",
    "rent_burden",
    "repayment_term",
]
