"""Repayment schedules as values, the checks on a loan's inputs and the rounded schedule
builder behind every method (docs/rules.md §5).

Pure: no I/O, no clock, no float. The rounding rules are described in :mod:`.finance`,
which builds the schedules of each method on :func:`_build` and re-exports these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import add_months, format_jalali

#: Precision of every Decimal computation in this module (far beyond any rial amount).
PRECISION = 50
MONTHS_PER_YEAR = 12
DEFAULT_STEP_PERCENT = Decimal(3)
DEFAULT_PENALTY_POINTS = Decimal(6)


def _context() -> Context:
    return Context(prec=PRECISION, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)


class Method(StrEnum):
    """How a loan is repaid (docs/rules.md §5)."""

    SIMPLE = "simple"  # level annuity
    STEPWISE = "stepwise"  # پلکانی: level within a year, rising by a step each year
    FEE = "fee"  # qard al-hasan: annuity at the fee rate; the charge is a fee, not interest


@dataclass(frozen=True)
class Instalment:
    """One month of a schedule. ``profit`` holds the fee for the FEE method (see
    ``Schedule.charge_label``); ``balance`` is the principal outstanding afterwards."""

    number: int
    due: date | None
    amount: int
    principal: int
    profit: int
    balance: int


@dataclass(frozen=True)
class NegativeAmortisation:
    """Where early instalments are below the month's profit the unpaid profit is added to the
    balance (docs/rules.md §5 "Stepwise repayment"): how many instalments fall short, the
    instalment after which the balance is highest, and that balance."""

    months_below_profit: int
    peak_number: int
    peak_due: date | None
    peak_balance: int

    @property
    def message_fa(self) -> str:
        when = f" ({format_jalali(self.peak_due)})" if self.peak_due else ""
        return (
            f"{self.months_below_profit:,} قسط کمتر از سود ماه خود است و مانده بدهی "
            f"به جای کم شدن افزایش می‌یابد؛ بیشترین مانده پس از قسط {self.peak_number:,}"
            f"{when} به {self.peak_balance:,} ریال می‌رسد."
        )

    @property
    def message_en(self) -> str:
        when = f" ({format_jalali(self.peak_due)})" if self.peak_due else ""
        return (
            f"Negative amortisation: {self.months_below_profit:,} instalments are below the "
            f"month's profit, so the balance grows instead of falling; it peaks at "
            f"{self.peak_balance:,} rial after instalment {self.peak_number:,}{when}."
        )


@dataclass(frozen=True)
class Schedule:
    """A whole repayment schedule: ``grace_months`` profit-only instalments followed by
    ``months`` repayment instalments, numbered 1.. without a break."""

    principal: int
    annual_rate: Decimal
    months: int
    grace_months: int
    method: Method
    step_percent: Decimal | None
    instalments: tuple[Instalment, ...]

    @property
    def total(self) -> int:
        """Everything paid: sum of all instalment amounts (grace included)."""
        return sum(i.amount for i in self.instalments)

    @property
    def total_profit(self) -> int:
        """Profit (or fee, for the FEE method) paid over the life of the loan."""
        return sum(i.profit for i in self.instalments)

    @property
    def total_principal(self) -> int:
        """Principal repaid; always equals ``principal``."""
        return sum(i.principal for i in self.instalments)

    @property
    def grace_instalments(self) -> tuple[Instalment, ...]:
        return self.instalments[: self.grace_months]

    @property
    def repayments(self) -> tuple[Instalment, ...]:
        """The ``months`` instalments that repay principal (after the grace months)."""
        return self.instalments[self.grace_months :]

    @property
    def negative_amortisation(self) -> NegativeAmortisation | None:
        """The balance's growth when instalments fall below the month's profit, or ``None``
        when the balance never rises above the principal lent."""
        repayments = self.repayments
        short = sum(1 for i in repayments if i.principal < 0)
        if not short:
            return None
        peak = max(repayments, key=lambda i: (i.balance, -i.number))
        if peak.balance <= self.principal:
            return None
        return NegativeAmortisation(short, peak.number, peak.due, peak.balance)

    @property
    def charge_label(self) -> str:
        """docs/rules.md §5 "Qard al-hasan fee": the fee is not interest and is labelled so."""
        return "fee" if self.method is Method.FEE else "profit"

    @property
    def charge_label_fa(self) -> str:
        return "کارمزد" if self.method is Method.FEE else "سود"


# --------------------------------------------------------------------------------------
# Validation


# Bounds far beyond any real loan that keep every computation finite and fast.
MAX_PERCENT = Decimal(1000)
MAX_TERM_MONTHS = 1200


def _as_rate(value: object, *, field: str, what_fa: str, what_en: str) -> Decimal:
    """A non-negative finite Decimal percent; ints are accepted, floats are refused."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidInput(
            "finance.rate_type",
            f"{what_fa} باید عدد دهدهی دقیق باشد (نه اعشاری شناور): {value!r}",
            f"The {what_en} must be an exact decimal (not a float): {value!r}",
            field=field,
        )
    rate = Decimal(value)
    if not rate.is_finite():
        raise InvalidInput(
            "finance.rate_not_finite",
            f"{what_fa} عدد معتبری نیست: {value}",
            f"The {what_en} is not a valid number: {value}",
            field=field,
        )
    if rate < 0:
        raise InvalidInput(
            "finance.rate_negative",
            f"{what_fa} نمی‌تواند منفی باشد: {value}",
            f"The {what_en} cannot be negative: {value}",
            field=field,
        )
    if rate > MAX_PERCENT:
        raise InvalidInput(
            "finance.rate_too_high",
            f"{what_fa} بیش از {MAX_PERCENT} درصد پذیرفته نمی‌شود: {value}",
            f"The {what_en} above {MAX_PERCENT}% is not accepted: {value}",
            field=field,
        )
    return rate


def _as_int(
    value: object, *, field: str, minimum: int, code: str, what_fa: str, what_en: str
) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"finance.{field}_type",
            f"{what_fa} باید عدد صحیح باشد: {value!r}",
            f"The {what_en} must be a whole number: {value!r}",
            field=field,
        )
    if value < minimum:
        bound_fa = "مثبت" if minimum == 1 else "نامنفی"
        bound_en = "positive" if minimum == 1 else "non-negative"
        raise InvalidInput(
            code,
            f"{what_fa} باید {bound_fa} باشد: {value}",
            f"The {what_en} must be {bound_en}: {value}",
            field=field,
        )
    return value


def _check_loan(
    principal: object, annual_rate: object, months: object, grace_months: object, unit: object
) -> tuple[int, Decimal, int, int, int]:
    p = _as_int(
        principal,
        field="principal",
        minimum=1,
        code="finance.principal_not_positive",
        what_fa="مبلغ وام",
        what_en="principal",
    )
    r = _as_rate(annual_rate, field="annual_rate", what_fa="نرخ سالانه", what_en="annual rate")
    n = _as_int(
        months,
        field="months",
        minimum=1,
        code="finance.months_not_positive",
        what_fa="تعداد ماه‌های بازپرداخت",
        what_en="number of repayment months",
    )
    g = _as_int(
        grace_months,
        field="grace_months",
        minimum=0,
        code="finance.grace_negative",
        what_fa="دوره تنفس",
        what_en="grace period",
    )
    u = _as_int(
        unit,
        field="rounding_unit",
        minimum=1,
        code="finance.rounding_unit_not_positive",
        what_fa="واحد گرد کردن",
        what_en="rounding unit",
    )
    if n + g > MAX_TERM_MONTHS:
        raise InvalidInput(
            "finance.term_too_long",
            f"مدت وام با تنفس بیش از {MAX_TERM_MONTHS} ماه پذیرفته نمی‌شود ({n + g} ماه).",
            f"A term (with grace) above {MAX_TERM_MONTHS} months is not accepted ({n + g}).",
            field="months",
        )
    return p, r, n, g, u


# --------------------------------------------------------------------------------------
# Arithmetic helpers


def _monthly_rate(annual_rate: Decimal) -> Decimal:
    """docs/rules.md §5: the monthly rate is the annual rate / 12 (percent -> fraction)."""
    with localcontext(_context()):
        return annual_rate / 100 / MONTHS_PER_YEAR


def _monthly_rate_exact(annual_rate: Decimal) -> Fraction:
    return Fraction(annual_rate) / (100 * MONTHS_PER_YEAR)


def _month_profit(balance: int, annual_rate: Decimal) -> int:
    """A month's profit (or fee) on ``balance``: exact, then rounded half-up to the rial."""
    num, den = annual_rate.as_integer_ratio()
    den *= 100 * MONTHS_PER_YEAR
    # floor((balance*num/den) + 1/2), exact in integers; balance and rate are >= 0
    return (2 * balance * num + den) // (2 * den)


def _round_unit(value: Decimal, unit: int) -> int:
    """Half-up to a multiple of ``unit`` (values here are >= 0)."""
    with localcontext(_context()):
        q = (value / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(q) * unit


def _build(
    *,
    method: Method,
    principal: int,
    annual_rate: Decimal,
    months: int,
    grace_months: int,
    step_percent: Decimal | None,
    start: date | None,
    unit: int,
    levels: Sequence[Decimal],
) -> Schedule:
    """Turn exact level amounts (one per repayment month) into a rounded schedule
    (docs/rules.md §5 "Rounding": round each instalment, the last absorbs the difference)."""

    def due(number: int) -> date | None:
        # always counted from the start date, so a clamped day never drifts
        return None if start is None else add_months(start, number)

    rows: list[Instalment] = []
    grace_profit = _month_profit(principal, annual_rate)
    for k in range(1, grace_months + 1):
        rows.append(Instalment(k, due(k), grace_profit, 0, grace_profit, principal))

    balance = principal
    for k in range(1, months + 1):
        number = grace_months + k
        profit = _month_profit(balance, annual_rate)
        if k == months:
            amount = balance + profit
        else:
            amount = _round_unit(levels[k - 1], unit)
            # never repay more than is owed (only when the unit is large vs. the loan)
            amount = min(amount, (balance + profit) // unit * unit)
        repaid = amount - profit
        balance -= repaid
        rows.append(Instalment(number, due(number), amount, repaid, profit, balance))

    return Schedule(
        principal=principal,
        annual_rate=annual_rate,
        months=months,
        grace_months=grace_months,
        method=method,
        step_percent=step_percent,
        instalments=tuple(rows),
    )
