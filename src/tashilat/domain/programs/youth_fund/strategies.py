"""Deposit strategies side by side (docs/rules.md §1.2–1.4): up to three ways of saving in
one youth-fund account — follow the opening year's table, a fixed monthly amount, a lump
sum on the opening day plus a monthly amount — each planned with the same rules as the
planner (:func:`rules.plan`) and priced with the same loan rules (:func:`loan_plan.plan_loans`).

For each strategy the answer gives the first account year with an entitlement, the day the
loan can first be taken, the loan and its first instalment then, what has been deposited by
then, and the first year the entitlement reaches that year's full cap. Every strategy's
year-by-year figures are kept for the chart.

Pure: a policy and plain values in, a ``Decision`` out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tashilat.domain.decision import Decision, PolicyReader, Reason
from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.jalali import account_month_start, format_jalali
from tashilat.domain.programs.youth_fund.loan_plan import (
    METHOD_FA,
    Household,
    PlanYear,
    YearLoan,
    loan_day,
    plan_loans,
)
from tashilat.domain.programs.youth_fund.rules import cohort_terms, plan, planned_events

MAX_STRATEGIES = 3
REF = "docs/rules.md §1.2–1.4 (deposits, entitlement, the fund's loan)"

#: strategy kind → (Persian name, English name)
KINDS: dict[str, tuple[str, str]] = {
    "table": ("پیروی از جدول واریز", "follow the deposit table"),
    "monthly": ("مبلغ ثابت ماهانه", "a fixed monthly amount"),
    "lump_sum": ("واریز یکجا به‌علاوه ماهانه", "a lump sum plus monthly"),
}


@dataclass(frozen=True)
class Strategy:
    """One way of saving. ``table``: the opening year's table times ``share_percent``;
    ``monthly``: ``monthly_rial`` every month; ``lump_sum``: ``lump_sum_rial`` on the
    opening day plus ``monthly_rial`` (zero allowed) every month. ``number`` is how the
    person numbered it (a form's or a request's ``s2``); by default its position."""

    kind: str
    share_percent: int | None = None
    monthly_rial: int | None = None
    lump_sum_rial: int = 0
    number: int | None = None

    def check(self, n: int) -> None:
        """Refuse an incomplete strategy (``n`` is its 1-based position, for the field)."""

        def bad(field: str, fa: str, en: str) -> InvalidInput:
            return InvalidInput(
                f"strategies.{field}",
                f"راهبرد {n}: {fa}",
                f"Strategy {n}: {en}",
                field=f"s{n}_{field}",
            )

        if self.kind not in KINDS:
            raise bad(
                "kind",
                "نوع راهبرد باید پیروی از جدول، مبلغ ماهانه یا واریز یکجا باشد.",
                "the kind must be table, monthly or lump_sum.",
            )
        if self.kind == "monthly" and not self.monthly_rial:
            raise bad("monthly", "مبلغ ماهانه را بدهید.", "give the monthly amount.")
        if self.kind == "lump_sum" and self.lump_sum_rial <= 0:
            raise bad("lump_sum", "مبلغ واریز یکجا را بدهید.", "give the lump sum.")

    def label(self, n: int) -> tuple[str, str]:
        fa, en = KINDS[self.kind]
        return f"راهبرد {n}: {fa}", f"Strategy {n}: {en}"


@dataclass(frozen=True)
class StrategyResult:
    strategy: Strategy
    label_fa: str
    label_en: str
    eligible_year: int | None  # first account year with an entitlement (None: never)
    loan_from: date | None  # the first day that year's loan can be taken
    entitlement_rial: int  # the entitlement of that year (0: never)
    loan: YearLoan | None  # that year's loan by the chosen method
    deposited_rial: int  # deposited by the end of that year (or of the maximum wait)
    full_cap_year: int | None  # first year the entitlement is that year's whole cap
    years: tuple[PlanYear, ...]


@dataclass(frozen=True)
class Comparison:
    opened_on: date
    cohort: int
    tier: int
    min_wait_years: int
    max_wait_years: int
    kind: str
    method: str
    results: tuple[StrategyResult, ...]


def _deposited(policy: PolicyReader, opened_on: date, s: Strategy, year: int) -> int:
    """The sum of the strategy's planned deposits made before account year ``year`` ends."""
    terms = cohort_terms(policy, opened_on)
    end = account_month_start(opened_on, 12 * year + 1)
    events = planned_events(
        terms,
        monthly=s.monthly_rial if s.kind != "table" else None,
        share_percent=(s.share_percent or 100) if s.kind == "table" else None,
        lump_sum=s.lump_sum_rial,
    )
    return sum(e.amount for e in events if e.on < end)


def _sentence(r: StrategyResult, n: int) -> Reason:
    if r.eligible_year is None or r.loan is None or r.loan_from is None:
        return Reason(
            "strategies.never",
            f"{r.label_fa}: تا پایان حداکثر مدت انتظار امتیازی به دست نمی‌آید "
            f"(جمع واریز {r.deposited_rial:,} ریال).",
            f"{r.label_en}: no entitlement by the end of the maximum wait "
            f"({r.deposited_rial:,} rial deposited).",
            passed=False,
            reference=REF,
        )
    method_fa = METHOD_FA.get(r.loan.method, r.loan.method)
    return Reason(
        "strategies.result",
        f"{r.label_fa}: از {format_jalali(r.loan_from)} (پایان سال {r.eligible_year}) وام "
        f"{r.entitlement_rial:,} ریالی با نخستین قسط {r.loan.first_instalment_rial:,} ریال "
        f"(روش {method_fa})؛ تا آن زمان {r.deposited_rial:,} ریال واریز کرده‌اید.",
        f"{r.label_en}: from {format_jalali(r.loan_from)} (end of year {r.eligible_year}) a "
        f"loan of {r.entitlement_rial:,} rial, first instalment "
        f"{r.loan.first_instalment_rial:,} rial ({r.loan.method}); "
        f"{r.deposited_rial:,} rial deposited by then.",
        passed=True,
        reference=REF,
    )


def compare_strategies(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    strategies: Sequence[Strategy],
    kind: str = "purchase",
    method: str = "simple",
    household: Household | None = None,
) -> Decision[Comparison]:
    """Plan and price each of one to three strategies for the same account (same opening
    date, city tier, loan kind and repayment method)."""
    if not 1 <= len(strategies) <= MAX_STRATEGIES:
        raise InvalidInput(
            "strategies.count",
            f"یک تا {MAX_STRATEGIES} راهبرد را مقایسه کنید.",
            f"Compare one to {MAX_STRATEGIES} strategies.",
            field="strategies",
        )
    results: list[StrategyResult] = []
    reasons: list[Reason] = []
    warnings: list[object] = []
    first = None
    for position, s in enumerate(strategies, start=1):
        n = s.number or position
        s.check(n)
        try:
            d = plan_loans(
                policy,
                plan(
                    policy,
                    opened_on=opened_on,
                    tier=tier,
                    monthly=s.monthly_rial if s.kind != "table" else None,
                    share_percent=(s.share_percent or 100) if s.kind == "table" else None,
                    lump_sum=s.lump_sum_rial,
                ),
                kind=kind,
                method=method,
                household=household,
            )
        except PolicyError:
            raise  # about the opening date, not this strategy
        except TashilatError as exc:
            if exc.field in (None, "monthly", "share", "lump_sum"):
                # the deposits of this strategy: filed under its own field
                exc.field = f"s{n}_{exc.field or 'kind'}"
                exc.message_fa = f"راهبرد {n}: {exc.message_fa}"
                exc.message_en = f"Strategy {n}: {exc.message_en}"
            raise
        first = first or d
        p = d.value
        years = tuple(p.years)
        got = next((y for y in years if y.eligible and y.entitlement_rial > 0), None)
        full = next(
            (y.year for y in years if y.cap_rial is not None and y.entitlement_rial >= y.cap_rial),
            None,
        )
        label_fa, label_en = s.label(n)
        r = StrategyResult(
            strategy=s,
            label_fa=label_fa,
            label_en=label_en,
            eligible_year=got.year if got else None,
            loan_from=loan_day(opened_on, got.year) if got else None,
            entitlement_rial=got.entitlement_rial if got else 0,
            loan=got.loan if got else None,
            deposited_rial=_deposited(policy, opened_on, s, got.year if got else p.max_wait_years),
            full_cap_year=full,
            years=years,
        )
        results.append(r)
        reasons.append(_sentence(r, n))
        warnings.extend(d.warnings)
    assert first is not None
    v = first.value
    value = Comparison(
        opened_on=opened_on,
        cohort=v.cohort,
        tier=tier,
        min_wait_years=v.min_wait_years,
        max_wait_years=v.max_wait_years,
        kind=kind,
        method=method,
        results=tuple(results),
    )
    return Decision(
        outcome="compared",
        value=value,
        policy_hash=first.policy_hash,
        as_of=first.as_of,
        reasons=tuple(reasons),
        warnings=tuple(dict.fromkeys(warnings)),  # type: ignore[arg-type]
    )


__all__ = [
    "KINDS",
    "MAX_STRATEGIES",
    "Comparison",
    "Strategy",
    "StrategyResult",
    "compare_strategies",
]
