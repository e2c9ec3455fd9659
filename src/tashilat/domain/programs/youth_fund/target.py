"""The inverse planner (``tashilat youth-fund target``): what to deposit to reach a loan
amount by the end of an account year, or when a given deposit reaches it.

* **Least deposit by year K**: the least fixed monthly deposit, and the least single lump
  sum on the opening day, whose plan's entitlement at the end of account year ``K`` is at
  least the amount. Found by exact integer bisection on the plan's own rules
  (:func:`rules.planned_events` → :func:`rules.monthly_structures` → :func:`rules.year_figures`),
  never by a formula: the entitlement never falls when a deposit grows (every monthly
  structure grows with it, and the ratio to the reference is capped at 1), so the least
  answer is well defined. It is never below the cohort's minimum opening deposit, since
  the first deposit opens the account.
* **First year a deposit reaches it**: the first account year from the minimum wait whose
  entitlement, with that monthly deposit or lump sum, is at least the amount; ``None``
  with the reason when no year up to the maximum wait does.
* The amount is given, or the **cap** (the whole cap of the year: of ``K``, or of each year
  when a deposit is given).

Pure: a policy and plain values in, a ``Decision`` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali
from tashilat.domain.money import MAX_BALANCE_RIAL, round_down
from tashilat.domain.programs.youth_fund.loan_plan import loan_day
from tashilat.domain.programs.youth_fund.rules import (
    REF_ENTITLEMENT,
    CohortTerms,
    cap_for_year,
    carried_forward_warning,
    cohort_terms,
    monthly_structures,
    planned_events,
    structures_with_profit,
    year_figures,
    yearly_averages,
)

P = "youth_fund"


@dataclass(frozen=True)
class Target:
    """The answer of the inverse planner. ``solve`` is ``deposit`` (least deposits for
    ``by_year``) or ``year`` (the first year the given deposit reaches the amount)."""

    opened_on: date
    cohort: int
    tier: int
    goal: str  # amount | cap
    solve: str  # deposit | year
    amount_rial: int | None  # the amount aimed at (with the cap goal: the cap of ``year``)
    by_year: int | None
    monthly_rial: int | None  # found (solve=deposit) or given
    lump_sum_rial: int | None  # found (solve=deposit) or given
    year: int | None  # the year the amount is reached; None if never
    loan_from: date | None  # the first day the loan can be taken
    entitlement_rial: int | None  # with the monthly deposit (or the given lump sum)
    min_wait_years: int
    max_wait_years: int
    min_opening_deposit_rial: int


def entitlements(
    terms: CohortTerms,
    tier: int,
    *,
    monthly: int | None,
    lump_sum: int,
    years: int,
    policy: PolicyReader | None = None,
) -> list[int]:
    """Entitlement at the end of account years 1 … ``years`` of a plan depositing
    ``monthly`` on the first day of every account month and ``lump_sum`` on the opening
    day: the plan's own rules, without its presentation (with a ``policy``, the savings
    profit counts in the structures where it says so, as in the plan)."""
    events = planned_events(terms, monthly=monthly, lump_sum=lump_sum)
    structures = monthly_structures(terms.opened_on, events, 12 * years, terms.structure_mode)
    if policy is not None and terms.profit_counts:
        structures = structures_with_profit(policy, terms, events, structures, Usage())
    rows = year_figures(terms, tier, yearly_averages(structures), Usage())
    return [r.entitlement_rial for r in rows]


def least_deposit(
    terms: CohortTerms,
    tier: int,
    year: int,
    needed: int,
    *,
    lump: bool,
    policy: PolicyReader | None = None,
) -> int | None:
    """The least monthly deposit (or, with ``lump``, the least lump sum) whose entitlement
    at the end of ``year`` is at least ``needed``; ``None`` if no deposit reaches it (the
    amount is above the year's whole cap). Exact bisection on integers."""

    def reaches(x: int) -> bool:
        ent = entitlements(
            terms,
            tier,
            monthly=None if lump else x,
            lump_sum=x if lump else 0,
            years=year,
            policy=policy,
        )
        return ent[year - 1] >= needed

    cap = cap_for_year(terms, year, tier).amount
    if needed > round_down(cap, terms.rounding_unit):
        return None
    lo = terms.min_opening_deposit
    if reaches(lo):
        return lo
    # following the table reaches the whole cap; at least the table's largest monthly
    # amount each month (or its whole sum at once) keeps every balance at or above it
    table = [terms.deposit_for_year(k) for k in range(1, year + 1)]
    hi = max(lo + 1, 12 * sum(table) if lump else max(table))
    while not reaches(hi):
        if hi >= MAX_BALANCE_RIAL:
            return None
        lo, hi = hi, min(2 * hi, MAX_BALANCE_RIAL)
    # invariant: not reaches(lo), reaches(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if reaches(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _bad_year(terms: CohortTerms, year: int) -> InvalidInput:
    return InvalidInput(
        "target.year",
        f"سال هدف باید بین {terms.min_wait_years} (حداقل مدت انتظار) و "
        f"{terms.max_wait_years} (حداکثر مدت انتظار) باشد: {year}",
        f"The target year must be from {terms.min_wait_years} (the minimum wait) to "
        f"{terms.max_wait_years} (the maximum wait): {year}",
        field="by_year",
    )


def _positive(value: object, field: str, fa: str, en: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(
            f"target.{field}",
            f"{fa} باید عدد صحیح مثبت ریالی باشد: {value!r}",
            f"The {en} must be a positive whole number of rials: {value!r}",
            field=field,
        )
    return value


def target(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    amount: int | None = None,
    by_year: int | None = None,
    monthly: int | None = None,
    lump_sum: int | None = None,
) -> Decision[Target]:
    """The least deposits that reach ``amount`` (``None``: the whole cap) by the end of
    account year ``by_year``, or the first year the given ``monthly`` deposit or
    ``lump_sum`` reaches it. Exactly one of ``by_year``, ``monthly``, ``lump_sum``.
    Outcome ``found`` or ``unreachable`` (the reason says why)."""
    if sum(x is not None for x in (by_year, monthly, lump_sum)) != 1:
        raise InvalidInput(
            "target.mode",
            "دقیقاً یکی از سال هدف، واریز ماهانه یا واریز یکجا را بدهید.",
            "Give exactly one of a target year, a monthly deposit or a lump sum.",
            field="by_year",
        )
    if amount is not None:
        _positive(amount, "amount", "مبلغ هدف", "target amount")
    terms = cohort_terms(policy, opened_on)
    usage = Usage()
    usage.extend(terms.provenances)
    floor = terms.min_opening_deposit
    goal = "amount" if amount is not None else "cap"

    def needed(year: int) -> tuple[int, int]:
        cap = cap_for_year(terms, year, tier)
        usage.extend(cap.provenance)
        aim = amount if amount is not None else cap.amount
        return aim, aim if amount is not None else round_down(cap.amount, terms.rounding_unit)

    reasons: list[Reason] = []
    year: int | None = None
    aim: int | None = amount
    if by_year is not None:
        if isinstance(by_year, bool) or not isinstance(by_year, int):
            raise _bad_year(terms, by_year)
        if not terms.min_wait_years <= by_year <= terms.max_wait_years:
            raise _bad_year(terms, by_year)
        aim_y, need = needed(by_year)
        aim = aim_y
        m = least_deposit(terms, tier, by_year, need, lump=False, policy=policy)
        lump = least_deposit(terms, tier, by_year, need, lump=True, policy=policy)
        when = loan_day(opened_on, by_year)
        if m is None or lump is None:
            cap = cap_for_year(terms, by_year, tier).amount
            reasons.append(
                Reason(
                    "target.above_cap",
                    f"مبلغ {aim:,} ریال از سقف وام سال {by_year} ({cap:,} ریال) بیشتر است؛ "
                    "هیچ واریزی تا پایان آن سال به آن نمی‌رسد.",
                    f"{aim:,} rial is above the year-{by_year} cap of {cap:,} rial; no deposit "
                    "reaches it by the end of that year.",
                    passed=False,
                    parameter=f"{P}.caps",
                    reference=REF_ENTITLEMENT,
                )
            )
            outcome, year, ent = "unreachable", None, None
        else:
            ent = entitlements(terms, tier, monthly=m, lump_sum=0, years=by_year, policy=policy)[
                by_year - 1
            ]
            reasons.append(
                Reason(
                    "target.least_deposit",
                    f"برای امتیاز {aim:,} ریال در پایان سال {by_year} (وام از "
                    f"{format_jalali(when)}) کمترین واریز ماهانه {m:,} ریال است، یا یک "
                    f"واریز یکجای {lump:,} ریالی در روز افتتاح؛ یک ریال کمتر نمی‌رسد.",
                    f"To be entitled to {aim:,} rial at the end of year {by_year} (a loan from "
                    f"{format_jalali(when)}) the least monthly deposit is {m:,} rial, or a "
                    f"single lump sum of {lump:,} rial on the opening day; one rial less does "
                    "not reach it.",
                    passed=True,
                    parameter=f"{P}.deposit_table",
                    reference=REF_ENTITLEMENT,
                )
            )
            if floor in (m, lump):
                reasons.append(
                    Reason(
                        "target.opening_floor",
                        f"واریز نخست دست‌کم حداقل مبلغ افتتاح حساب ({floor:,} ریال) است.",
                        f"The first deposit is at least the minimum opening deposit "
                        f"({floor:,} rial).",
                        passed=True,
                        parameter=f"{P}.min_opening_deposit",
                        reference=REF_ENTITLEMENT,
                    )
                )
            outcome, year = "found", by_year
        value = Target(
            opened_on=opened_on,
            cohort=terms.cohort,
            tier=tier,
            goal=goal,
            solve="deposit",
            amount_rial=aim,
            by_year=by_year,
            monthly_rial=m if year else None,
            lump_sum_rial=lump if year else None,
            year=year,
            loan_from=when if year else None,
            entitlement_rial=ent,
            min_wait_years=terms.min_wait_years,
            max_wait_years=terms.max_wait_years,
            min_opening_deposit_rial=floor,
        )
    else:
        given = monthly if monthly is not None else lump_sum
        field = "monthly" if monthly is not None else "lump_sum"
        x = _positive(given, field, "مبلغ واریز", "deposit")
        if x < floor:
            raise InvalidInput(
                "youth_fund.opening_deposit_too_low",
                f"واریز روز افتتاح ({x:,} ریال) کمتر از حداقل مبلغ افتتاح حساب "
                f"({floor:,} ریال) است.",
                f"The opening-day deposit ({x:,} rial) is below the minimum opening "
                f"deposit ({floor:,} rial).",
                field=field,
            )
        ents = entitlements(
            terms,
            tier,
            monthly=monthly,
            lump_sum=lump_sum or 0,
            years=terms.max_wait_years,
            policy=policy,
        )
        year = None
        aim = amount
        for k in range(terms.min_wait_years, terms.max_wait_years + 1):
            aim_k, need = needed(k)
            if ents[k - 1] >= need:
                year, aim = k, aim_k
                break
        what_fa = f"واریز ماهانه {x:,} ریال" if monthly else f"واریز یکجای {x:,} ریال"
        what_en = f"a monthly deposit of {x:,} rial" if monthly else f"a lump sum of {x:,} rial"
        if year is None:
            best = ents[terms.max_wait_years - 1]
            last_aim, _ = needed(terms.max_wait_years)
            aim = aim if aim is not None else last_aim
            goal_fa = f"{amount:,} ریال" if amount is not None else "کل سقف"
            goal_en = f"{amount:,} rial" if amount is not None else "the whole cap"
            reasons.append(
                Reason(
                    "target.never",
                    f"با {what_fa} امتیاز تا حداکثر مدت انتظار ({terms.max_wait_years} سال) "
                    f"به {goal_fa} نمی‌رسد؛ بیشترین امتیاز {best:,} ریال است.",
                    f"With {what_en} the entitlement never reaches {goal_en} by the maximum "
                    f"wait ({terms.max_wait_years} years); at most it is {best:,} rial.",
                    passed=False,
                    parameter=f"{P}.caps",
                    reference=REF_ENTITLEMENT,
                )
            )
            outcome, ent, when = "unreachable", None, None
        else:
            ent = ents[year - 1]
            when = loan_day(opened_on, year)
            reasons.append(
                Reason(
                    "target.first_year",
                    f"با {what_fa} امتیاز در پایان سال {year} به {ent:,} ریال (هدف: "
                    f"{aim:,} ریال) می‌رسد؛ وام از {format_jalali(when)}.",
                    f"With {what_en} the entitlement reaches {ent:,} rial (aim: {aim:,} rial) "
                    f"at the end of year {year}; a loan from {format_jalali(when)}.",
                    passed=True,
                    parameter=f"{P}.caps",
                    reference=REF_ENTITLEMENT,
                )
            )
            outcome = "found"
        value = Target(
            opened_on=opened_on,
            cohort=terms.cohort,
            tier=tier,
            goal=goal,
            solve="year",
            amount_rial=aim,
            by_year=None,
            monthly_rial=monthly,
            lump_sum_rial=lump_sum,
            year=year,
            loan_from=when,
            entitlement_rial=ent,
            min_wait_years=terms.min_wait_years,
            max_wait_years=terms.max_wait_years,
            min_opening_deposit_rial=floor,
        )
    return Decision(
        outcome=outcome,
        value=value,
        policy_hash=policy.hash,
        as_of=opened_on,
        reasons=tuple(reasons),
        warnings=carried_forward_warning(terms) + usage.warnings(),
    )
