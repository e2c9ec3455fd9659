"""Repayment schedules, late-payment charges and affordability arithmetic.

Implements docs/rules.md §5 ("Shared finance rules") and the affordability sums of §3.2.
Pure: no I/O, no clock, no float. Money is ``int`` rial; rates are ``Decimal`` percents a
year (``Decimal("17.5")`` is 17.5% a year); every intermediate is a ``Decimal`` computed in a
local 50-digit context or an exact integer/``Fraction``.

Rounding (docs/rules.md §5 "Rounding", ``assumed``; the unit is a policy parameter):

* each instalment's amount is the exact level amount rounded half-up to ``rounding_unit``;
* the profit (or fee) of a month is the outstanding balance times the monthly rate
  (annual rate / 12), computed exactly and rounded half-up to the rial;
* principal repaid in a month = amount - profit;
* the last instalment repays exactly the remaining balance (amount = balance + its profit),
  so the principal parts always sum to the principal lent.

Two edge rules keep balances meaningful when the rounding unit is large compared with the
instalment (they never fire for ordinary loans):

* an instalment never repays more than the outstanding balance: if the rounded amount
  would, it is lowered to the largest multiple of the unit that does not (so the balance
  stays >= 0 and the last instalment still settles the loan);
* if the rounded amount is below the month's profit (possible only when the level amount
  is smaller than about half a rounding unit), the unpaid profit stays in the balance.

The schedule values, the checks on a loan's inputs and the rounded builder live in
:mod:`.schedule`; this module builds each method's schedule on them and re-exports them.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction

from tashilat.domain.errors import InvalidInput
from tashilat.domain.schedule import (
    DEFAULT_PENALTY_POINTS,
    DEFAULT_STEP_PERCENT,
    MAX_PERCENT,
    MAX_TERM_MONTHS,
    MONTHS_PER_YEAR,
    PRECISION,
    Instalment,
    Method,
    NegativeAmortisation,
    Schedule,
    _as_int,
    _as_rate,
    _build,
    _check_loan,
    _context,
    _month_profit,
    _monthly_rate,
    _monthly_rate_exact,
)

__all__ = [
    "DEFAULT_PENALTY_POINTS",
    "DEFAULT_STEP_PERCENT",
    "MAX_PERCENT",
    "MAX_TERM_MONTHS",
    "MONTHS_PER_YEAR",
    "PRECISION",
    "Instalment",
    "Method",
    "NegativeAmortisation",
    "Schedule",
    "annuity_payment",
    "build_schedule",
    "fee_schedule",
    "late_penalty",
    "max_principal",
    "months_to_repay",
    "simple_schedule",
    "stepwise_schedule",
]


# --------------------------------------------------------------------------------------
# Public API


def annuity_payment(principal: int, annual_rate: Decimal, months: int) -> Decimal:
    """The exact (unrounded) level monthly payment that repays ``principal`` in ``months``
    at ``annual_rate`` / 12 a month (docs/rules.md §5 "Simple repayment"):
    ``P·i / (1 − (1+i)^−n)``, or ``P / n`` at 0%."""
    p, r, n, _, _ = _check_loan(principal, annual_rate, months, 0, 1)
    with localcontext(_context()):
        i = _monthly_rate(r)
        if i == 0:
            return Decimal(p) / n
        return Decimal(p) * i / (1 - (1 + i) ** -n)


def simple_schedule(
    principal: int,
    annual_rate: Decimal,
    months: int,
    *,
    grace_months: int = 0,
    start: date | None = None,
    rounding_unit: int = 1,
) -> Schedule:
    """Level-annuity schedule (docs/rules.md §5 "Simple repayment"), rounded per §5
    "Rounding". Test vector: 600,000,000 rial at 17.5% over 144 months → 9,992,322 a month.

    During ``grace_months`` only the month's profit on the full principal is paid."""
    p, r, n, g, u = _check_loan(principal, annual_rate, months, grace_months, rounding_unit)
    level = annuity_payment(p, r, n)
    return _build(
        method=Method.SIMPLE,
        principal=p,
        annual_rate=r,
        months=n,
        grace_months=g,
        step_percent=None,
        start=start,
        unit=u,
        levels=[level] * n,
    )


def _stepwise_levels(
    principal: int, annual_rate: Decimal, months: int, step: Decimal
) -> list[Decimal]:
    """Exact instalments of a stepwise loan: year ``y`` (months 12(y−1)+1..12y) pays
    ``P1·(1+step)^(y−1)``; ``P1`` makes the present value at the monthly rate equal the
    principal. A trailing partial year uses its own year's step."""
    with localcontext(_context()):
        i = _monthly_rate(annual_rate)
        growth = 1 + step / 100
        v = 1 / (1 + i)
        factors = [growth ** ((k - 1) // MONTHS_PER_YEAR) for k in range(1, months + 1)]
        pv_of_one = sum(
            (f * v**k for k, f in enumerate(factors, start=1)),
            start=Decimal(0),
        )
        first = Decimal(principal) / pv_of_one
        return [first * f for f in factors]


def stepwise_schedule(
    principal: int,
    annual_rate: Decimal,
    months: int,
    *,
    step_percent: Decimal = DEFAULT_STEP_PERCENT,
    grace_months: int = 0,
    start: date | None = None,
    rounding_unit: int = 1,
) -> Schedule:
    """Stepwise (پلکانی) schedule (docs/rules.md §5 "Stepwise repayment"): instalments level
    within each 12-month year and rising by ``step_percent`` each year, priced at the annual
    rate / 12; rounded per §5 "Rounding" (the last instalment absorbs the difference).

    Test vector: 5,500,000,000 rial, 18%, 240 months, 3% step → first-year instalment
    73,577,189, year-20 instalment 129,018,046."""
    p, r, n, g, u = _check_loan(principal, annual_rate, months, grace_months, rounding_unit)
    step = _as_rate(
        step_percent, field="step_percent", what_fa="درصد افزایش سالانه", what_en="yearly step"
    )
    return _build(
        method=Method.STEPWISE,
        principal=p,
        annual_rate=r,
        months=n,
        grace_months=g,
        step_percent=step,
        start=start,
        unit=u,
        levels=_stepwise_levels(p, r, n, step),
    )


def fee_schedule(
    principal: int,
    fee_rate: Decimal,
    months: int,
    *,
    grace_months: int = 0,
    start: date | None = None,
    rounding_unit: int = 1,
) -> Schedule:
    """Qard al-hasan schedule (docs/rules.md §5 "Qard al-hasan fee"): an annuity at the fee
    rate whose charge is a *fee* (کارمزد), not interest — ``Schedule.charge_label`` says so;
    the per-month fee sits in ``Instalment.profit``."""
    p, r, n, g, u = _check_loan(principal, fee_rate, months, grace_months, rounding_unit)
    level = annuity_payment(p, r, n)
    return _build(
        method=Method.FEE,
        principal=p,
        annual_rate=r,
        months=n,
        grace_months=g,
        step_percent=None,
        start=start,
        unit=u,
        levels=[level] * n,
    )


def build_schedule(
    method: Method | str,
    principal: int,
    annual_rate: Decimal,
    months: int,
    *,
    step_percent: Decimal | None = None,
    grace_months: int = 0,
    start: date | None = None,
    rounding_unit: int = 1,
) -> Schedule:
    """Dispatch to the schedule of ``method`` (docs/rules.md §5). ``step_percent`` is used by
    the stepwise method only (default 3%) and ignored by the others."""
    try:
        m = Method(method)
    except ValueError as exc:
        raise InvalidInput(
            "finance.method_unknown",
            f"روش بازپرداخت «{method}» شناخته نیست.",
            f"Unknown repayment method '{method}'.",
            field="method",
        ) from exc
    if m is Method.STEPWISE:
        return stepwise_schedule(
            principal,
            annual_rate,
            months,
            step_percent=DEFAULT_STEP_PERCENT if step_percent is None else step_percent,
            grace_months=grace_months,
            start=start,
            rounding_unit=rounding_unit,
        )
    if m is Method.FEE:
        return fee_schedule(
            principal,
            annual_rate,
            months,
            grace_months=grace_months,
            start=start,
            rounding_unit=rounding_unit,
        )
    return simple_schedule(
        principal,
        annual_rate,
        months,
        grace_months=grace_months,
        start=start,
        rounding_unit=rounding_unit,
    )


def late_penalty(
    overdue_amount: int,
    contract_rate: Decimal,
    *,
    days_late: int,
    penalty_points: Decimal = DEFAULT_PENALTY_POINTS,
    day_count: int = 365,
) -> int:
    """Late-payment charge (وجه التزام تأخیر, docs/rules.md §5 "Late payment"): (contract rate
    + 6 percentage points) a year, simple and never compounded, on the overdue amount for
    ``days_late`` days, computed exactly and rounded DOWN to the rial.

    ``10,000,000`` overdue at 9% (+6 = 15%) for 30 days → ``floor(10,000,000 × 0.15 × 30 / 365)
    = 123,287``."""
    amount = _as_int(
        overdue_amount,
        field="overdue_amount",
        minimum=0,
        code="finance.overdue_negative",
        what_fa="مبلغ معوق",
        what_en="overdue amount",
    )
    days = _as_int(
        days_late,
        field="days_late",
        minimum=0,
        code="finance.days_late_negative",
        what_fa="تعداد روزهای تأخیر",
        what_en="number of days late",
    )
    basis = _as_int(
        day_count,
        field="day_count",
        minimum=1,
        code="finance.day_count_not_positive",
        what_fa="تعداد روزهای سال",
        what_en="day count",
    )
    rate = _as_rate(
        contract_rate, field="contract_rate", what_fa="نرخ قرارداد", what_en="contract rate"
    ) + _as_rate(
        penalty_points,
        field="penalty_points",
        what_fa="درصد جریمه",
        what_en="penalty points",
    )
    num, den = rate.as_integer_ratio()
    return (amount * num * days) // (den * 100 * basis)


def months_to_repay(principal: int, annual_rate: Decimal, instalment: int) -> int:
    """How many months a fixed monthly ``instalment`` takes to repay ``principal`` at
    ``annual_rate`` / 12 a month (docs/rules.md §3.2, §5): the smallest ``n`` whose balance,
    computed exactly, is paid off (the last instalment may be smaller).

    Raises ``InvalidInput`` when the instalment never exceeds the monthly profit."""
    p, r, _, _, _ = _check_loan(principal, annual_rate, 1, 0, 1)
    a = _as_int(
        instalment,
        field="instalment",
        minimum=1,
        code="finance.instalment_not_positive",
        what_fa="مبلغ قسط",
        what_en="instalment",
    )
    i = _monthly_rate_exact(r)
    too_long = InvalidInput(
        "finance.term_too_long",
        f"با قسط {a:,} ریال بازپرداخت بیش از {MAX_TERM_MONTHS} ماه طول می‌کشد.",
        f"At {a:,} rial a month repayment would take more than {MAX_TERM_MONTHS} months.",
        field="instalment",
    )
    if i == 0:
        if -(-p // a) > MAX_TERM_MONTHS:
            raise too_long
        return -(-p // a)
    if a <= p * i:
        profit = _month_profit(p, r)
        raise InvalidInput(
            "finance.instalment_too_small",
            f"قسط {a:,} ریال از سود ماهانه ({profit:,} ریال) بیشتر نیست؛ وام هرگز تسویه نمی‌شود.",
            f"An instalment of {a:,} rial does not exceed the monthly profit "
            f"({profit:,} rial); the loan would never be repaid.",
            field="instalment",
            details={"instalment": a, "monthly_profit": profit},
        )
    # Balance after n payments is <= 0  <=>  (1+i)^n >= a / (a − p·i) =: target.
    target = Fraction(a) / (a - p * i)
    growth = 1 + i

    def repaid_after(n: int) -> bool:
        return growth**n >= target

    with localcontext(_context()) as ctx:
        estimate = ctx.divide(
            ctx.ln(Decimal(target.numerator) / Decimal(target.denominator)),
            ctx.ln(Decimal(growth.numerator) / Decimal(growth.denominator)),
        )
        n = max(1, int(estimate.to_integral_value(rounding=ROUND_CEILING)))
    if n > MAX_TERM_MONTHS + 1:
        raise too_long
    while n > 1 and repaid_after(n - 1):
        n -= 1
    while not repaid_after(n):
        n += 1
    return n


def max_principal(instalment: int, annual_rate: Decimal, months: int) -> int:
    """The largest principal (rial) whose exact level instalment over ``months`` at
    ``annual_rate`` / 12 is at most ``instalment`` (docs/rules.md §5 "Simple repayment",
    §3.2): the present value of the instalments, rounded down."""
    a = _as_int(
        instalment,
        field="instalment",
        minimum=0,
        code="finance.instalment_negative",
        what_fa="مبلغ قسط",
        what_en="instalment",
    )
    _, r, n, _, _ = _check_loan(1, annual_rate, months, 0, 1)
    i = _monthly_rate_exact(r)
    if i == 0:
        return a * n
    pv = Fraction(a) * (1 - (1 + i) ** -n) / i
    return math.floor(pv)
