"""The fund's loan in a saver's plan (docs/rules.md §1.4, §3.2, §5): for every account year
from the minimum wait, the housing loan the year's entitlement buys, its first instalment
and total repayable under each repayment method, and, given the household's income, the
first instalment as a share of that income against the burden limit.

* **Purchase or construction.** The source names both kinds of loan and publishes one set
  of terms for them: the same entitlement, rate, term, repayment methods and share of the
  appraisal. Nothing published differs, so both kinds are priced alike and the answer says
  so (:data:`KINDS`).
* **Rate, term and methods** are the cohort's (resolved at the opening date, like the staff
  loan offer, :func:`servicing.loan_offer`); the 1403 rate and term are not published and
  carry the ``assumed`` status, which surfaces as a warning. The rounding unit and the
  stepwise step are resolved on the day the loan can first be taken (the day after the
  account year ends).
* **Schedules** come from the shared finance rules (:func:`finance.build_schedule`), the
  functions the staff loan servicing uses: 16,000,000,000 rial at 9% over 240 months →
  first instalment 143,956,153 rial (simple).
* **Burden** = first instalment ÷ household monthly income (docs/rules.md §3.2), shown to
  two decimals (:func:`numbers.percent_of`), compared exactly with
  ``wages.affordability.housing_cost_limit_percent``. The income is either given, or that
  of a married worker on the legal minimum wage with N children in the loan's year
  (:func:`income.compute_income`); wages for years not yet decided are the latest ones
  published, not indexed, and the answer warns so.

Pure: a policy and plain values in, a ``Decision`` out.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tashilat.domain.decision import (
    Decision,
    PolicyReader,
    Reason,
    Status,
    Usage,
    Warning,
)
from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.finance import Method, build_schedule
from tashilat.domain.jalali import account_month_start, format_jalali, jalali_year
from tashilat.domain.programs.wages.income import WorkerProfile, compute_income
from tashilat.domain.programs.wages.numbers import exceeds_share, fmt_percent, percent_of
from tashilat.domain.programs.youth_fund.rules import Plan, YearFigures

P = "youth_fund.loan"
LIMIT = "wages.affordability.housing_cost_limit_percent"
REF_LOAN = "docs/rules.md §1.4 (the fund's loan); §5 (shared finance rules)"
REF_BURDEN = "docs/rules.md §3.2: instalment burden = monthly instalment ÷ household income"

#: The loan kinds the source names (docs/rules.md §1: "a housing purchase or construction
#: loan"). No published term differs between them.
KINDS: dict[str, tuple[str, str]] = {
    "purchase": ("خرید مسکن", "purchase"),
    "construction": ("ساخت مسکن", "construction"),
}
METHOD_FA = {"simple": "ساده", "stepwise": "پلکانی"}


@dataclass(frozen=True)
class Household:
    """Whose income the instalment is measured against: a given household monthly income
    (rial), or a married worker on the legal minimum wage with ``minimum_wage_children``
    children (the wages program, gross). Neither: no burden is computed."""

    income_rial: int | None = None
    minimum_wage_children: int | None = None

    def __post_init__(self) -> None:
        if self.income_rial is not None and self.minimum_wage_children is not None:
            raise InvalidInput(
                "plan.income_conflict",
                "یا درآمد خانوار را بدهید یا «کارگر متأهل با حداقل دستمزد»، نه هر دو.",
                "Give either the household income or a minimum-wage worker, not both.",
                field="income",
            )
        v = self.income_rial
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v <= 0):
            raise InvalidInput(
                "plan.income",
                f"درآمد ماهانه خانوار باید عدد صحیح مثبت ریالی باشد: {v!r}",
                f"The household's monthly income must be a positive whole number of rials: {v!r}",
                field="income",
            )

    @property
    def given(self) -> bool:
        return self.income_rial is not None or self.minimum_wage_children is not None


@dataclass(frozen=True)
class YearLoan:
    """The loan one account year's entitlement buys, repaid by one method."""

    kind: str
    principal_rial: int
    rate_percent: Decimal
    months: int
    method: str
    step_percent: Decimal | None
    first_instalment_rial: int
    max_instalment_rial: int
    total_repayable_rial: int
    income_rial: int | None = None
    burden_percent: Decimal | None = None
    over_limit: bool | None = None


@dataclass(frozen=True)
class PlanYear(YearFigures):
    """A plan's account year with the loan its entitlement buys (``None`` before the
    minimum wait or with no entitlement): ``loan`` by the chosen method, ``loans`` by
    every method the cohort allows."""

    loan: YearLoan | None = None
    loans: tuple[YearLoan, ...] = ()


@dataclass(frozen=True)
class LoanPlan(Plan):
    """A saver's plan with the loan of every year (``tashilat youth-fund plan``)."""

    years: tuple[PlanYear, ...]
    kind: str = "purchase"
    method: str = "simple"
    rate_percent: Decimal = Decimal(0)
    months: int = 0
    income_source: str | None = None  # given | minimum_wage
    minimum_wage_children: int | None = None
    limit_percent: Decimal | None = None


@dataclass(frozen=True)
class LoanTerms:
    rate_percent: Decimal
    months: int
    methods: tuple[str, ...]


def loan_terms(policy: PolicyReader, opened_on: date, usage: Usage) -> LoanTerms:
    """The cohort's loan rate, longest term and methods (resolved at the opening date)."""
    return LoanTerms(
        rate_percent=Decimal(str(usage.use(policy.resolve(f"{P}.rate_percent", opened_on)))),
        months=int(usage.use(policy.resolve(f"{P}.max_term_months", opened_on))),
        methods=tuple(str(m) for m in usage.use(policy.resolve(f"{P}.methods", opened_on))),
    )


def loan_day(opened_on: date, year: int) -> date:
    """The first day a loan on account year ``year``'s entitlement can be taken."""
    return account_month_start(opened_on, 12 * year + 1)


def check_choice(kind: str, method: str) -> None:
    if kind not in KINDS:
        raise InvalidInput(
            "plan.loan_kind",
            f"نوع وام باید خرید (purchase) یا ساخت (construction) باشد، نه «{kind}».",
            f"The loan kind must be purchase or construction, not '{kind}'.",
            field="kind",
        )
    if method not in METHOD_FA:
        raise InvalidInput(
            "plan.loan_method",
            f"روش بازپرداخت باید ساده (simple) یا پلکانی (stepwise) باشد، نه «{method}».",
            f"The repayment method must be simple or stepwise, not '{method}'.",
            field="method",
        )


def _income(
    policy: PolicyReader, household: Household, on: date, usage: Usage, extra: list[Warning]
) -> tuple[int, Decimal] | None:
    """The household's monthly income and the burden limit for a loan taken on ``on``;
    ``None`` without a household, or (with a warning) before the wage figures begin."""
    if not household.given:
        return None
    try:
        limit_r = policy.resolve(LIMIT, on)
        profile = WorkerProfile(married=True, children=household.minimum_wage_children or 0)
        wage_usage = Usage()
        result = (
            None
            if household.income_rial is not None
            else compute_income(policy, profile, on, wage_usage)
        )
    except PolicyError as exc:
        extra.append(
            Warning(
                code="plan.burden_unavailable",
                message_fa=f"سهم قسط از درآمد برای وام {format_jalali(on)} محاسبه نشد: "
                f"{exc.message_fa}",
                message_en=f"The burden of a loan taken on {format_jalali(on)} is not "
                f"computed: {exc.message_en}",
                parameter=LIMIT,
                status=Status.ASSUMED,
            )
        )
        return None
    limit = Decimal(str(usage.use(limit_r)))
    if result is None:
        assert household.income_rial is not None
        return household.income_rial, limit
    usage.extend(wage_usage.provenances)
    # one summary warning below stands for the wages program's per-year ones
    extra.extend(w for w in result.warnings if w.code != "wages.figures_from_earlier_year")
    inc = result.income
    if jalali_year(on) > inc.wage_year:
        extra.append(
            Warning(
                code="plan.wage_not_published",
                message_fa=f"دستمزد سال‌های پس از {inc.wage_year} هنوز تعیین نشده است؛ برای "
                f"وام‌های آن سال‌ها دستمزد {inc.wage_year} بدون افزایش به کار رفته است.",
                message_en=f"Wages after {inc.wage_year} are not decided yet; loans in later "
                f"years are measured against the {inc.wage_year} wages, without any rise.",
                parameter="wages.minimum_monthly_wage",
                status=Status.ASSUMED,
            )
        )
    return inc.household("gross"), limit


def _year_loans(
    policy: PolicyReader,
    plan: Plan,
    y: YearFigures,
    terms: LoanTerms,
    kind: str,
    burden: tuple[int, Decimal] | None,
    usage: Usage,
) -> tuple[YearLoan, ...]:
    on = loan_day(plan.opened_on, y.year)
    unit = int(usage.use(policy.resolve("finance.rounding_unit", on)))
    income, limit = burden if burden is not None else (None, None)
    out: list[YearLoan] = []
    for method in terms.methods:
        step = None
        if method == Method.STEPWISE:
            step = Decimal(str(usage.use(policy.resolve("finance.stepwise_step_percent", on))))
        s = build_schedule(
            method,
            y.entitlement_rial,
            terms.rate_percent,
            terms.months,
            step_percent=step,
            rounding_unit=unit,
        )
        first = s.instalments[0].amount
        out.append(
            YearLoan(
                kind=kind,
                principal_rial=y.entitlement_rial,
                rate_percent=terms.rate_percent,
                months=terms.months,
                method=str(method),
                step_percent=step,
                first_instalment_rial=first,
                max_instalment_rial=max(i.amount for i in s.instalments),
                total_repayable_rial=s.total,
                income_rial=income,
                burden_percent=None if income is None else percent_of(first, income),
                over_limit=None
                if income is None or limit is None
                else exceeds_share(first, income, limit),
            )
        )
    return tuple(out)


def _year_sentence(y: PlanYear, loan: YearLoan, when: date) -> Reason:
    others = [x for x in y.loans if x.method != loan.method]
    alt_fa = "".join(
        f"؛ به روش {METHOD_FA.get(x.method, x.method)} نخستین قسط "
        f"{x.first_instalment_rial:,} ریال و جمع بازپرداخت {x.total_repayable_rial:,} ریال"
        for x in others
    )
    alt_en = "".join(
        f"; {x.method}: first instalment {x.first_instalment_rial:,} rial, total repayable "
        f"{x.total_repayable_rial:,} rial"
        for x in others
    )
    return Reason(
        "plan.loan",
        f"از {format_jalali(when)} امتیاز {loan.principal_rial:,} ریالی سال {y.year} وام "
        f"{KINDS[loan.kind][0]} {loan.principal_rial:,} ریالی با سود {loan.rate_percent}٪ در "
        f"{loan.months} ماه می‌خرد: به روش {METHOD_FA.get(loan.method, loan.method)} نخستین "
        f"قسط {loan.first_instalment_rial:,} ریال و جمع بازپرداخت "
        f"{loan.total_repayable_rial:,} ریال{alt_fa}.",
        f"From {format_jalali(when)} the year-{y.year} entitlement of "
        f"{loan.principal_rial:,} rial buys a {loan.kind} loan of {loan.principal_rial:,} rial "
        f"at {loan.rate_percent}% over {loan.months} months: {loan.method}: first instalment "
        f"{loan.first_instalment_rial:,} rial, total repayable "
        f"{loan.total_repayable_rial:,} rial{alt_en}.",
        passed=True,
        parameter=f"{P}.rate_percent",
        reference=REF_LOAN,
    )


def _burden_sentence(loan: YearLoan, limit: Decimal, source: str, children: int | None) -> Reason:
    assert loan.income_rial is not None and loan.burden_percent is not None
    limit_rial = int(loan.income_rial * Fraction(limit) / 100)
    whose_fa = (
        "درآمد ماهانه خانوار"
        if source == "given"
        else f"درآمد ماهانه کارگر متأهل با حداقل دستمزد و {children} فرزند"
    )
    whose_en = (
        "the household's monthly income"
        if source == "given"
        else f"the monthly income of a married minimum-wage worker with {children} children"
    )
    over = bool(loan.over_limit)
    return Reason(
        "plan.burden",
        f"نخستین قسط ({loan.first_instalment_rial:,} ریال) {fmt_percent(loan.burden_percent)}٪ "
        f"{whose_fa} ({loan.income_rial:,} ریال) است و "
        + ("از" if over else "در حد")
        + f" سقف {fmt_percent(limit)}٪ ({limit_rial:,} ریال) "
        + ("بیشتر است." if over else "است."),
        f"The first instalment of {loan.first_instalment_rial:,} rial is "
        f"{fmt_percent(loan.burden_percent)}% of {whose_en} ({loan.income_rial:,} rial), "
        + ("above" if over else "within")
        + f" the {fmt_percent(limit)}% limit ({limit_rial:,} rial).",
        passed=not over,
        parameter=LIMIT,
        reference=REF_BURDEN,
    )


def plan_loans(
    policy: PolicyReader,
    plan: Decision[Plan],
    *,
    kind: str = "purchase",
    method: str = "simple",
    household: Household | None = None,
) -> Decision[LoanPlan]:
    """``plan`` with, for every year from the minimum wait, the loan its entitlement buys
    (docs/rules.md §1.4) and, with a ``household``, the first instalment's burden."""
    check_choice(kind, method)
    household = household or Household()
    p = plan.value
    usage = Usage()
    terms = loan_terms(policy, p.opened_on, usage)
    if method not in terms.methods:
        raise InvalidInput(
            "plan.loan_method",
            f"روش {METHOD_FA[method]} برای حساب‌های {p.cohort} مجاز نیست.",
            f"The {method} method is not offered to the {p.cohort} cohort.",
            field="method",
        )
    extra: list[Warning] = []
    limit: Decimal | None = None
    years: list[PlanYear] = []
    reasons: list[Reason] = [
        Reason(
            "plan.loan_kind",
            f"وام {KINDS[kind][0]}: منابع برای وام خرید و ساخت یک امتیاز، نرخ، مدت، روش "
            "بازپرداخت و سقف نسبت به ارزش کارشناسی اعلام کرده‌اند و تفاوتی منتشر نشده است؛ "
            "مبلغ وام به سهمی از ارزش کارشناسی ملک هم محدود است.",
            f"A {kind} loan: the sources give purchase and construction loans the same "
            "entitlement, rate, term, repayment methods and limit on the share of the "
            "appraisal, and publish no difference; the loan is also limited by that share of "
            "the bank's appraisal of the home.",
            passed=True,
            parameter=f"{P}.appraisal_ltv_percent",
            reference=REF_LOAN,
        )
    ]
    said = False
    for y in p.years:
        year_loans: tuple[YearLoan, ...] = ()
        if y.eligible and y.entitlement_rial > 0:
            burden = _income(policy, household, loan_day(p.opened_on, y.year), usage, extra)
            if burden is not None and limit is None:
                limit = burden[1]
            year_loans = _year_loans(policy, p, y, terms, kind, burden, usage)
        chosen = next((x for x in year_loans if x.method == method), None)
        row = PlanYear(
            **{f.name: getattr(y, f.name) for f in fields(YearFigures)},
            loan=chosen,
            loans=year_loans,
        )
        years.append(row)
        if chosen is not None and not said:
            said = True
            reasons.append(_year_sentence(row, chosen, loan_day(p.opened_on, y.year)))
            if chosen.income_rial is not None and limit is not None:
                source = "given" if household.income_rial is not None else "minimum_wage"
                reasons.append(
                    _burden_sentence(chosen, limit, source, household.minimum_wage_children)
                )
    value = LoanPlan(
        **{f.name: getattr(p, f.name) for f in fields(Plan) if f.name != "years"},
        years=tuple(years),
        kind=kind,
        method=method,
        rate_percent=terms.rate_percent,
        months=terms.months,
        income_source=None
        if not household.given
        else ("given" if household.income_rial is not None else "minimum_wage"),
        minimum_wage_children=household.minimum_wage_children,
        limit_percent=limit,
    )
    warnings = tuple(dict.fromkeys(plan.warnings + usage.warnings() + tuple(extra)))
    return Decision(
        outcome=plan.outcome,
        value=value,
        policy_hash=plan.policy_hash,
        as_of=plan.as_of,
        reasons=plan.reasons + tuple(reasons),
        warnings=warnings,
    )


__all__ = [
    "KINDS",
    "Household",
    "LoanPlan",
    "PlanYear",
    "YearLoan",
    "check_choice",
    "loan_day",
    "loan_terms",
    "plan_loans",
]
