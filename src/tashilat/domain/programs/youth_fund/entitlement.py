"""The youth fund's entitlement (docs/rules.md §1.3): each year's figures, the use of the
privilege and the loan an account is entitled to on a business date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import (
    account_month_start,
    account_year_end,
    completed_account_years,
    format_jalali,
)
from tashilat.domain.money import round_down
from tashilat.domain.programs.youth_fund.averages import (
    check_history,
    reference_averages,
    structures_with_profit,
    yearly_averages,
)
from tashilat.domain.programs.youth_fund.balances import Event, monthly_structures
from tashilat.domain.programs.youth_fund.caps import cap_for_year
from tashilat.domain.programs.youth_fund.cohort import (
    REF_CAPS,
    REF_ENTITLEMENT,
    CohortTerms,
    P,
    carried_forward_warning,
    cohort_terms,
)
from tashilat.domain.programs.youth_fund.servicing import RELATIONS_FA

# -- entitlement ----------------------------------------------------------------------------


def _entitlement_at(
    terms: CohortTerms, cap: int, averages: Sequence[int], references: Sequence[int], n: int
) -> int:
    sa, sr = sum(averages[:n]), sum(references[:n])
    if sr <= 0:
        return 0
    if terms.entitlement_mode == "all_or_nothing":
        return round_down(cap, terms.rounding_unit) if sa >= sr else 0
    if sa <= 0:
        return 0
    return round_down(cap * min(sa, sr) // sr, terms.rounding_unit)


@dataclass(frozen=True)
class YearFigures:
    year: int
    ends_on: date
    average_rial: int
    reference_average_rial: int
    cap_rial: int | None
    entitlement_rial: int
    eligible: bool
    # a plan's (None elsewhere): the savings profit credited for the year's twelve months,
    # and the balance once the last of it is credited (the next year's first day, before
    # that day's deposit)
    profit_rial: int | None = None
    balance_rial: int | None = None


def year_figures(
    terms: CohortTerms, tier: int, averages: Sequence[int], usage: Usage
) -> list[YearFigures]:
    """Figures for account years 1 … len(averages) (at most the maximum wait)."""
    years = min(len(averages), terms.max_wait_years)
    refs = reference_averages(terms, years)
    rows: list[YearFigures] = []
    best = 0
    for k in range(1, years + 1):
        eligible = k >= terms.min_wait_years
        cap_amount: int | None = None
        ent = 0
        if eligible:
            cap = cap_for_year(terms, k, tier)
            usage.extend(cap.provenance)
            cap_amount = cap.amount
            ent = _entitlement_at(terms, cap.amount, averages, refs, k)
            if terms.accrual == "keep_best":
                best = max(best, ent)
                ent = best
        rows.append(
            YearFigures(
                year=k,
                ends_on=account_year_end(terms.opened_on, k),
                average_rial=averages[k - 1],
                reference_average_rial=refs[k - 1],
                cap_rial=cap_amount,
                entitlement_rial=ent,
                eligible=eligible,
            )
        )
    return rows


@dataclass(frozen=True)
class PrivilegeUse:
    """What the bank recorded about the account's privilege: a housing loan paid out on it
    (``how="loan"``, which consumes it) or a transfer to a relative (``how="transfer"``,
    after which the entitlement is the relative's)."""

    how: str  # loan | transfer
    on: date
    loan_rial: int | None = None
    to_customer_id: int | None = None
    relation: str | None = None


@dataclass(frozen=True)
class Entitlement:
    opened_on: date
    cohort: int
    tier: int
    completed_years: int
    counted_years: int
    min_wait_years: int
    max_wait_years: int
    eligible: bool
    eligible_on: date
    cap_rial: int
    entitlement_rial: int
    years: tuple[YearFigures, ...]
    privilege_used: bool = False
    privilege_used_on: date | None = None
    privilege_used_how: str | None = None  # loan | transfer
    privilege_loan_rial: int | None = None
    remaining_rial: int | None = None  # what the holder may still borrow on this account


def with_privilege_use(
    decision: Decision[Entitlement], uses: Sequence[PrivilegeUse]
) -> Decision[Entitlement]:
    """The entitlement answer once the account's recorded privilege uses are known.

    A loan paid out on the account consumes the privilege (docs/rules.md §1.3): the answer
    says so, when, for how much, and that nothing remains to borrow on this account; whether
    a second loan may use an unused part is not published (docs/rules.md §6.3), so none is
    offered. A transfer is reported with its date and relation: the entitlement is then the
    relative's to use, not the account holder's."""
    if not uses:
        return decision
    e = decision.value
    reasons = list(decision.reasons)
    loans = [u for u in uses if u.how == "loan"]
    for u in sorted((u for u in uses if u.how == "transfer"), key=lambda u: u.on):
        rel_fa = RELATIONS_FA.get(u.relation or "", u.relation or "")
        reasons.append(
            Reason(
                "youth_fund.privilege_transferred",
                f"امتیاز این حساب در {format_jalali(u.on)} به {rel_fa} دارنده منتقل شده است؛ "
                "امتیاز محاسبه‌شده متعلق به اوست.",
                f"The account's privilege was transferred to the holder's {u.relation} on "
                f"{format_jalali(u.on)}; the entitlement is theirs to use.",
                passed=True,
                parameter=f"{P}.privilege_transfer_relatives",
                reference=REF_ENTITLEMENT,
            )
        )
    if not loans:
        last = max(uses, key=lambda u: u.on)
        value = replace(e, privilege_used_on=last.on, privilege_used_how="transfer")
        return replace(decision, value=value, reasons=tuple(reasons))
    first = min(loans, key=lambda u: u.on)
    borrowed = sum(u.loan_rial or 0 for u in loans)
    when = format_jalali(first.on)
    reasons.append(
        Reason(
            "youth_fund.privilege_used",
            f"امتیاز این حساب در {when} با پرداخت وام {borrowed:,} ریالی استفاده شده است؛ "
            "با این حساب وام دیگری قابل دریافت نیست (مانده امتیاز: ۰ ریال). موجودی حساب "
            "همچنان متعلق به دارنده است.",
            f"The account's privilege was used on {when}: a loan of {borrowed:,} rial was "
            "paid out on it. No further loan can be taken on this account (remaining: 0 "
            "rial); the balance still belongs to the holder.",
            passed=False,
            parameter=f"{P}.caps",
            reference=REF_ENTITLEMENT,
        )
    )
    value = replace(
        e,
        eligible=False,
        entitlement_rial=0,
        privilege_used=True,
        privilege_used_on=first.on,
        privilege_used_how="loan",
        privilege_loan_rial=borrowed,
        remaining_rial=0,
    )
    return replace(decision, outcome="privilege_used", value=value, reasons=tuple(reasons))


def entitlement(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    events: Iterable[Event],
    as_of: date,
    check: bool = False,
) -> Decision[Entitlement]:
    """The loan entitlement of an account at the business date ``as_of`` from its real
    history (docs/rules.md §1.3). Before the minimum wait: no entitlement, and the decision
    says when the holder becomes eligible and what the cap will be then.

    With ``check`` a history given by hand is first held to the account services' rules
    (:func:`check_history`); a ledger's history has passed them already."""
    if as_of < opened_on:
        raise InvalidInput(
            "youth_fund.as_of_before_opening",
            "تاریخ محاسبه پیش از افتتاح حساب است.",
            "The as-of date precedes the account's opening.",
        )
    terms = cohort_terms(policy, opened_on)
    events = list(events)
    if check:
        check_history(policy, terms, events)
    usage = Usage()
    usage.extend(terms.provenances)
    completed = completed_account_years(opened_on, as_of)
    counted = min(completed, terms.max_wait_years)
    evs = [e for e in events if e.on < as_of]
    structures = monthly_structures(opened_on, evs, counted * 12, terms.structure_mode)
    if terms.profit_counts:
        structures = structures_with_profit(policy, terms, evs, structures, usage)
    rows = year_figures(terms, tier, yearly_averages(structures), usage)
    eligible_on = account_month_start(opened_on, 12 * terms.min_wait_years + 1)
    reasons: list[Reason] = []
    if completed < terms.min_wait_years:
        future = cap_for_year(terms, terms.min_wait_years, tier)
        usage.extend(future.provenance)
        reasons.append(
            Reason(
                "youth_fund.min_wait",
                f"حداقل مدت انتظار {terms.min_wait_years} سال است و {completed} سال کامل "
                f"گذشته است؛ از {format_jalali(eligible_on)} با سقف "
                f"{future.amount:,} ریال واجد شرایط می‌شوید.",
                f"The minimum wait is {terms.min_wait_years} years and {completed} full "
                f"years have passed; eligible from {format_jalali(eligible_on)}, when the cap "
                f"will be {future.amount:,} rial.",
                passed=False,
                parameter=f"{P}.min_wait_years",
                reference=REF_CAPS,
            )
        )
        cap_amount, amount, outcome = future.amount, 0, "not_yet_eligible"
    else:
        last = rows[-1]
        cap_amount = last.cap_rial or 0
        amount = last.entitlement_rial
        reasons.append(
            Reason(
                "youth_fund.min_wait",
                f"حداقل مدت انتظار ({terms.min_wait_years} سال) سپری شده است.",
                f"The minimum wait ({terms.min_wait_years} years) has passed.",
                passed=True,
                parameter=f"{P}.min_wait_years",
                reference=REF_CAPS,
            )
        )
        if completed > terms.max_wait_years:
            reasons.append(
                Reason(
                    "youth_fund.frozen",
                    f"پس از حداکثر مدت انتظار ({terms.max_wait_years} سال) امتیاز افزایش نمی‌یابد.",
                    f"After the maximum wait ({terms.max_wait_years} years) the entitlement "
                    "no longer grows.",
                    passed=True,
                    parameter=f"{P}.max_wait_years",
                    reference=REF_CAPS,
                )
            )
        full = amount >= round_down(cap_amount, terms.rounding_unit)
        reasons.append(
            Reason(
                "youth_fund.savings_ratio",
                (
                    "میانگین موجودی به اندازه جدول واریز بوده و کل سقف قابل دریافت است."
                    if full
                    else f"میانگین موجودی کمتر از جدول واریز بوده؛ امتیاز {amount:,} ریال از "
                    f"سقف {cap_amount:,} ریال است."
                ),
                (
                    "Average balances kept up with the deposit table: the whole cap is available."
                    if full
                    else f"Average balances fell short of the deposit table: entitlement "
                    f"{amount:,} of the {cap_amount:,} rial cap."
                ),
                passed=full,
                parameter=f"{P}.entitlement_mode",
                reference=REF_ENTITLEMENT,
            )
        )
        outcome = "eligible" if amount > 0 else "no_entitlement"
    value = Entitlement(
        opened_on=opened_on,
        cohort=terms.cohort,
        tier=tier,
        completed_years=completed,
        counted_years=counted,
        min_wait_years=terms.min_wait_years,
        max_wait_years=terms.max_wait_years,
        eligible=outcome == "eligible",
        eligible_on=eligible_on,
        cap_rial=cap_amount,
        entitlement_rial=amount,
        years=tuple(rows),
    )
    return Decision(
        outcome=outcome,
        value=value,
        policy_hash=policy.hash,
        as_of=as_of,
        reasons=tuple(reasons),
        warnings=carried_forward_warning(terms) + usage.warnings(),
    )
