"""A worker's monthly income by component, the worker's social insurance, and net pay
(docs/rules.md §3.1).

Gross monthly income is the sum of the Supreme Labour Council's components in force on the
business date: the base wage (the legal minimum unless a wage level is given), the
seniority base per year of service, the grocery and housing allowances, the marriage
allowance for a married worker and the child allowance per child.

The worker pays ``wages.insurance.worker_share_percent`` (7%) of the **insurable wage**.
Which components are insurable is policy (``wages.insurance.insurable_components``,
``assumed``): every regular cash payment — base wage, seniority, grocery, housing and
marriage allowances — but not the child allowance of up to
``wages.insurance.child_allowance_exempt_children`` children (payroll practice under the
Social Security Act). The insurable wage is capped at
``wages.insurance.ceiling_minimum_wages`` minimum wages. The insurance is rounded half-up
to the rial (the one rounding point here).

Worked example: 1403, married, two children, minimum wage, no seniority →
71,661,840 + 14,000,000 + 9,000,000 + 5,000,000 + 2 × 7,166,184 = **113,994,208** rial.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tashilat.domain.decision import (
    Decision,
    PolicyReader,
    Reason,
    Resolved,
    Status,
    Usage,
    Warning,
)
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import jalali_year
from tashilat.domain.programs.wages.numbers import half_up, share

P = "wages"
REF_WAGES = "Supreme Labour Council wage decision of the year (docs/rules.md §3.1)"
REF_INSURANCE = (
    "Social Security Act: the worker's 7% share of the insurable wage (docs/rules.md §3.1)"
)

MAX_CHILDREN = 20
MAX_YEARS_OF_SERVICE = 60


class Component(StrEnum):
    BASE_WAGE = "base_wage"
    SENIORITY = "seniority"
    GROCERY = "grocery"
    HOUSING = "housing"
    MARRIAGE = "marriage"
    CHILDREN = "children"


LABELS: dict[Component, tuple[str, str]] = {
    Component.BASE_WAGE: ("مزد پایه", "base wage"),
    Component.SENIORITY: ("پایه سنوات", "seniority base"),
    Component.GROCERY: ("بن کارگری", "grocery allowance"),
    Component.HOUSING: ("حق مسکن", "housing allowance"),
    Component.MARRIAGE: ("حق تأهل", "marriage allowance"),
    Component.CHILDREN: ("حق اولاد", "child allowance"),
}


@dataclass(frozen=True)
class WorkerProfile:
    """Who earns: a wage level (``None`` = the legal minimum of the year), marital status,
    children, whole years of service, and any other household income (a spouse's pay),
    which counts towards household income but is not the worker's wage."""

    married: bool = False
    children: int = 0
    years_of_service: int = 0
    base_wage: int | None = None
    other_income: int = 0

    def __post_init__(self) -> None:
        _check_count(self.children, "children", "تعداد فرزندان", "number of children", MAX_CHILDREN)
        _check_count(
            self.years_of_service,
            "years_of_service",
            "سال‌های سابقه",
            "years of service",
            MAX_YEARS_OF_SERVICE,
        )
        if self.base_wage is not None:
            _check_amount(self.base_wage, "base_wage", "مزد پایه", "base wage", positive=True)
        _check_amount(self.other_income, "other_income", "درآمد دیگر خانوار", "other income")


def _check_count(value: object, field: str, fa: str, en: str, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise InvalidInput(
            f"profile.{field}",
            f"{fa} باید عدد صحیح بین ۰ و {high} باشد: {value!r}",
            f"The {en} must be a whole number from 0 to {high}: {value!r}",
            field=field,
        )


def _check_amount(value: object, field: str, fa: str, en: str, *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"profile.{field}",
            f"{fa} باید عدد صحیح ریالی باشد: {value!r}",
            f"The {en} must be a whole number of rials: {value!r}",
            field=field,
        )
    if value < 0 or (positive and value == 0):
        raise InvalidInput(
            "amount.negative" if value < 0 else "amount.not_positive",
            f"{fa} باید {'مثبت' if positive else 'نامنفی'} باشد: {value:,}",
            f"The {en} must be {'positive' if positive else 'non-negative'}: {value:,}",
            field=field,
        )


@dataclass(frozen=True)
class IncomeLine:
    """One component of gross pay: its amount, the part of it that is insurable, the
    parameter it comes from and how it was computed (``2 × 7,166,184``)."""

    component: str
    label_fa: str
    label_en: str
    amount_rial: int
    insurable_rial: int
    parameter: str
    detail: str


@dataclass(frozen=True)
class Income:
    on: date
    wage_year: int  # the Jalali year whose wage figures were used
    married: bool
    children: int
    years_of_service: int
    minimum_monthly_wage_rial: int
    lines: tuple[IncomeLine, ...]
    gross_rial: int
    insurable_rial: int
    insurance_percent: Decimal
    insurance_rial: int
    net_rial: int
    other_income_rial: int
    household_gross_rial: int
    household_net_rial: int
    below_minimum_wage: bool

    def line(self, component: str) -> IncomeLine | None:
        return next((x for x in self.lines if x.component == component), None)

    def amount(self, component: str) -> int:
        x = self.line(component)
        return 0 if x is None else x.amount_rial

    def household(self, basis: str) -> int:
        """Household income on a basis: ``gross`` (before insurance) or ``net``."""
        check_basis(basis)
        return self.household_gross_rial if basis == "gross" else self.household_net_rial

    def breakdown_en(self) -> str:
        """``minimum wage 71,661,840 + grocery 14,000,000 + …`` (the figures used)."""
        return _breakdown_en(self.lines)

    def breakdown_fa(self) -> str:
        return _breakdown_fa(self.lines)


BASES = ("gross", "net")


def check_basis(basis: str) -> None:
    if basis not in BASES:
        raise InvalidInput(
            "afford.basis",
            f"مبنای درآمد باید gross یا net باشد، نه «{basis}».",
            f"The income basis must be gross or net, not '{basis}'.",
            field="basis",
        )


@dataclass(frozen=True)
class IncomeResult:
    """What :func:`compute_income` returns to other rules: the figures, the reasons and
    the extra warnings (policy provenance goes into the caller's ``Usage``)."""

    income: Income
    reasons: tuple[Reason, ...]
    warnings: tuple[Warning, ...]


def _get(policy: PolicyReader, usage: Usage, path: str, on: date) -> Any:
    return usage.use(policy.resolve(f"{P}.{path}", on))


def compute_income(
    policy: PolicyReader, profile: WorkerProfile, on: date, usage: Usage
) -> IncomeResult:
    """The income of ``profile`` on ``on``; records every figure used in ``usage``."""
    minimum_r: Resolved[Any] = policy.resolve(f"{P}.minimum_monthly_wage", on)
    usage.add(minimum_r.provenance)
    minimum = int(minimum_r.value)
    wage_year = jalali_year(minimum_r.provenance.since)
    grocery = int(_get(policy, usage, "grocery_allowance", on))
    housing = int(_get(policy, usage, "housing_allowance", on))
    per_child = int(_get(policy, usage, "child_allowance_per_child", on))
    insurable_set = {str(c) for c in _get(policy, usage, "insurance.insurable_components", on)}
    exempt_children = int(_get(policy, usage, "insurance.child_allowance_exempt_children", on))
    pct = Decimal(str(_get(policy, usage, "insurance.worker_share_percent", on)))

    def line(component: Component, amount: int, parameter: str, detail: str) -> IncomeLine:
        fa, en = LABELS[component]
        insurable = amount if component.value in insurable_set else 0
        return IncomeLine(component.value, fa, en, amount, insurable, f"{P}.{parameter}", detail)

    lines: list[IncomeLine] = []
    base = minimum if profile.base_wage is None else profile.base_wage
    base_line = line(Component.BASE_WAGE, base, "minimum_monthly_wage", f"{base:,}")
    if profile.base_wage is None:  # the legal minimum: say so in the label
        base_line = replace(base_line, label_fa="حداقل دستمزد", label_en="minimum wage")
    lines.append(base_line)
    if profile.years_of_service > 0:
        per_year = int(_get(policy, usage, "seniority_base_per_year", on))
        _get(policy, usage, "seniority_method", on)
        lines.append(
            line(
                Component.SENIORITY,
                profile.years_of_service * per_year,
                "seniority_base_per_year",
                f"{profile.years_of_service} × {per_year:,}",
            )
        )
    lines.append(line(Component.GROCERY, grocery, "grocery_allowance", f"{grocery:,}"))
    lines.append(line(Component.HOUSING, housing, "housing_allowance", f"{housing:,}"))
    if profile.married:
        marriage = int(_get(policy, usage, "marriage_allowance", on))
        lines.append(line(Component.MARRIAGE, marriage, "marriage_allowance", f"{marriage:,}"))
    if profile.children:
        fa, en = LABELS[Component.CHILDREN]
        amount = profile.children * per_child
        insurable_children = (
            profile.children
            if Component.CHILDREN.value in insurable_set
            else max(0, profile.children - exempt_children)
        )
        lines.append(
            IncomeLine(
                Component.CHILDREN.value,
                fa,
                en,
                amount,
                insurable_children * per_child,
                f"{P}.child_allowance_per_child",
                f"{profile.children} × {per_child:,}",
            )
        )

    gross = sum(x.amount_rial for x in lines)
    insurable = sum(x.insurable_rial for x in lines)
    reasons: list[Reason] = []
    ceiling_r = policy.resolve(f"{P}.insurance.ceiling_minimum_wages", on)
    ceiling = int(ceiling_r.value) * minimum
    if insurable > ceiling:
        usage.add(ceiling_r.provenance)
        reasons.append(
            Reason(
                "wages.insurance_ceiling",
                f"مزد مشمول بیمه به سقف {ceiling:,} ریال ({ceiling_r.value} برابر حداقل "
                "دستمزد) محدود شد.",
                f"The insurable wage is capped at {ceiling:,} rial ({ceiling_r.value} minimum "
                "wages).",
                passed=True,
                parameter=f"{P}.insurance.ceiling_minimum_wages",
                reference=REF_INSURANCE,
            )
        )
        insurable = ceiling
    insurance = half_up(share(insurable, pct))
    net = gross - insurance
    below = base < minimum

    reasons.insert(
        0,
        Reason(
            "wages.gross",
            f"درآمد ناخالص ماهانه {gross:,} ریال با ارقام مزد {wage_year}: {_breakdown_fa(lines)}.",
            f"Gross monthly income {gross:,} rial with the {wage_year} wage figures: "
            f"{_breakdown_en(lines)}.",
            passed=True,
            parameter=f"{P}.minimum_monthly_wage",
            reference=REF_WAGES,
        ),
    )
    excluded = gross - sum(x.insurable_rial for x in lines)
    reasons.append(
        Reason(
            "wages.insurance",
            f"بیمه سهم کارگر {pct}٪ از مزد مشمول بیمه {insurable:,} ریال = {insurance:,} ریال"
            + (f" (حق اولاد {excluded:,} ریال مشمول بیمه نیست)" if excluded else "")
            + f"؛ خالص {net:,} ریال.",
            f"The worker's insurance is {pct}% of an insurable wage of {insurable:,} rial = "
            f"{insurance:,} rial"
            + (f" (the child allowance of {excluded:,} rial is not insurable)" if excluded else "")
            + f"; net {net:,} rial.",
            passed=True,
            parameter=f"{P}.insurance.insurable_components",
            reference=REF_INSURANCE,
        )
    )
    if below:
        reasons.append(
            Reason(
                "wages.below_minimum",
                f"مزد پایه {base:,} ریال کمتر از حداقل دستمزد قانونی {minimum:,} ریال است.",
                f"The base wage of {base:,} rial is below the legal minimum of {minimum:,} rial.",
                passed=False,
                parameter=f"{P}.minimum_monthly_wage",
                reference="Labour Law, article 41",
            )
        )

    warnings: list[Warning] = []
    year = jalali_year(on)
    if year > wage_year:
        warnings.append(
            Warning(
                code="wages.figures_from_earlier_year",
                message_fa=f"ارقام مزد سال {year} در سیاست‌ها ثبت نشده است؛ ارقام {wage_year} "
                "به کار رفت.",
                message_en=f"The {year} wage figures are not in the policy data; the "
                f"{wage_year} figures were used.",
                parameter=f"{P}.minimum_monthly_wage",
                status=Status.ASSUMED,
            )
        )

    income = Income(
        on=on,
        wage_year=wage_year,
        married=profile.married,
        children=profile.children,
        years_of_service=profile.years_of_service,
        minimum_monthly_wage_rial=minimum,
        lines=tuple(lines),
        gross_rial=gross,
        insurable_rial=insurable,
        insurance_percent=pct,
        insurance_rial=insurance,
        net_rial=net,
        other_income_rial=profile.other_income,
        household_gross_rial=gross + profile.other_income,
        household_net_rial=net + profile.other_income,
        below_minimum_wage=below,
    )
    if profile.other_income:
        reasons.append(
            Reason(
                "wages.other_income",
                f"درآمد دیگر خانوار {profile.other_income:,} ریال افزوده شد؛ درآمد ناخالص "
                f"خانوار {income.household_gross_rial:,} ریال.",
                f"Other household income of {profile.other_income:,} rial is added; household "
                f"gross income {income.household_gross_rial:,} rial.",
                passed=True,
            )
        )
    return IncomeResult(income, tuple(reasons), tuple(warnings))


def _breakdown_en(lines: Sequence[IncomeLine]) -> str:
    return " + ".join(f"{x.label_en} {x.detail}" for x in lines)


def _breakdown_fa(lines: Sequence[IncomeLine]) -> str:
    return " + ".join(f"{x.label_fa} {x.detail}" for x in lines)


def monthly_income(policy: PolicyReader, profile: WorkerProfile, on: date) -> Decision[Income]:
    """Gross income by component, the worker's insurance and net pay on ``on``
    (``tashilat wages profile``). Outcome ``computed``, or ``below_minimum_wage`` when a
    wage level under the legal minimum is given."""
    usage = Usage()
    result = compute_income(policy, profile, on, usage)
    return Decision(
        outcome="below_minimum_wage" if result.income.below_minimum_wage else "computed",
        value=result.income,
        policy_hash=policy.hash,
        as_of=on,
        reasons=result.reasons,
        warnings=usage.warnings() + result.warnings,
    )
