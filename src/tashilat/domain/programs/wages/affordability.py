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
    warnings_for,
)
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import (
    Method,
    Schedule,
    build_schedule,
    max_principal,
    months_to_repay,
)
from tashilat.domain.programs.wages.income import (
    Income,
    WorkerProfile,
    check_basis,
    compute_income,
)
from tashilat.domain.programs.wages.numbers import (
    ceil_div,
    exceeds_share,
    fmt_percent,
    grown,
    half_up,
    percent_of,
    ratio,
)

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
