"""Repayments and the inputs shared by the affordability rules (docs/rules.md §3.2).

A :class:`Repayment` is a loan as the sequence of its monthly payments: a schedule
:func:`finance.build_schedule` builds, a fixed instalment or a constant payment. The policy ids,
references and input checks here are shared by the burden, largest-loan and rent rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tashilat.domain.decision import PolicyReader, Usage
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import Schedule, months_to_repay
from tashilat.domain.programs.wages.numbers import half_up

P = "wages.affordability"
LIMIT = f"{P}.housing_cost_limit_percent"
RENT = f"{P}.tehran_average_rent"
REF_BURDEN = "docs/rules.md §3.2: instalment burden = monthly instalment ÷ household monthly income"
REF_RENT = "docs/rules.md §3.2: Tehran average rent against the housing allowance"
MONTHS_PER_YEAR = 12
MAX_LIMIT_PERCENT = Decimal(1000)


# -- repayments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Repayment:
    """A loan as the sequence of its monthly payments (grace months included)."""

    label: str
    method: str
    principal_rial: int | None
    annual_rate_percent: Decimal | None
    amounts: tuple[int, ...]

    @staticmethod
    def from_schedule(schedule: Schedule, label: str = "") -> Repayment:
        return Repayment(
            label=label or f"{schedule.method.value} loan",
            method=schedule.method.value,
            principal_rial=schedule.principal,
            annual_rate_percent=schedule.annual_rate,
            amounts=tuple(i.amount for i in schedule.instalments),
        )

    @staticmethod
    def fixed_instalment(
        principal: int, annual_rate: Decimal, instalment: int, label: str = ""
    ) -> Repayment:
        """A level ``instalment`` until ``principal`` at ``annual_rate`` / 12 a month is
        repaid (``finance.months_to_repay`` months); the month's profit is rounded half-up
        to the rial as in every schedule, and the last payment clears the balance."""
        n = months_to_repay(principal, annual_rate, instalment)
        i = Fraction(annual_rate) / (100 * MONTHS_PER_YEAR)
        balance = principal
        amounts: list[int] = []
        for k in range(1, n + 1):
            profit = half_up(balance * i)
            if k == n or instalment >= balance + profit:
                amounts.append(balance + profit)
                break
            amounts.append(instalment)
            balance -= instalment - profit
        return Repayment(
            label=label or "fixed instalment",
            method="fixed_instalment",
            principal_rial=principal,
            annual_rate_percent=annual_rate,
            amounts=tuple(amounts),
        )

    @staticmethod
    def constant(instalment: int, months: int = 1, label: str = "") -> Repayment:
        """``months`` equal payments of ``instalment`` (no loan behind them)."""
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 1200:
            raise InvalidInput(
                "afford.months",
                f"تعداد ماه‌ها باید بین ۱ و ۱۲۰۰ باشد: {months!r}",
                f"The number of months must be from 1 to 1200: {months!r}",
                field="months",
            )
        _positive(instalment, "instalment", "مبلغ قسط", "instalment")
        return Repayment(
            label=label or "instalment",
            method="constant",
            principal_rial=None,
            annual_rate_percent=None,
            amounts=(instalment,) * months,
        )

    @property
    def months(self) -> int:
        return len(self.amounts)

    def summary(self) -> LoanSummary:
        return LoanSummary(
            label=self.label,
            method=self.method,
            principal_rial=self.principal_rial,
            annual_rate_percent=self.annual_rate_percent,
            months=self.months,
            first_instalment_rial=self.amounts[0],
            max_instalment_rial=max(self.amounts),
            last_instalment_rial=self.amounts[-1],
            total_rial=sum(self.amounts),
        )


@dataclass(frozen=True)
class LoanSummary:
    label: str
    method: str
    principal_rial: int | None
    annual_rate_percent: Decimal | None
    months: int
    first_instalment_rial: int
    max_instalment_rial: int
    last_instalment_rial: int
    total_rial: int


def _positive(value: object, field: str, fa: str, en: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(
            f"afford.{field}",
            f"{fa} باید عدد صحیح مثبت ریالی باشد: {value!r}",
            f"The {en} must be a positive whole number of rials: {value!r}",
            field=field,
        )
    return value


def _percent_input(value: object, field: str, fa: str, en: str, *, low: Decimal) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(
            f"afford.{field}",
            f"{fa} باید عدد دهدهی باشد: {value!r}",
            f"The {en} must be a decimal number: {value!r}",
            field=field,
        )
    if not low < value <= MAX_LIMIT_PERCENT:
        raise InvalidInput(
            f"afford.{field}",
            f"{fa} باید بیشتر از {low} و حداکثر {MAX_LIMIT_PERCENT} درصد باشد: {value}",
            f"The {en} must be above {low}% and at most {MAX_LIMIT_PERCENT}%: {value}",
            field=field,
        )
    return value


def _limit(policy: PolicyReader, usage: Usage, on: date, limit: Decimal | None) -> Decimal:
    if limit is None:
        return Decimal(str(usage.use(policy.resolve(LIMIT, on))))
    return _percent_input(limit, "limit", "سقف سهم از درآمد", "limit", low=Decimal(0))


def _basis_fa(basis: str) -> str:
    return "ناخالص" if basis == "gross" else "خالص (پس از بیمه)"


def _basis_en(basis: str) -> str:
    return "gross" if basis == "gross" else "net (after insurance)"
