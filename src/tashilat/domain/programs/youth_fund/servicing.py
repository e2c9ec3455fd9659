"""Youth-fund servicing rules (docs/rules.md §1.3–1.4): who may hold an account, the
withdrawal floor, transfer of the privilege, and the housing loan offer.

Each check returns reasons; a refusal lists every failed condition in Persian and English
with the parameter and the legal reference behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.finance import Method, Schedule, build_schedule
from tashilat.domain.jalali import to_jalali
from tashilat.domain.money import round_down

P = "youth_fund"
REF_RULES = "Bank Maskan, Youth Housing Savings Fund terms (docs/rules.md §1.3)"
REF_LOAN = "Bank Maskan, youth-fund housing loan terms (docs/rules.md §1.4)"

RELATIONS_FA = {
    "spouse": "همسر",
    "parent": "پدر یا مادر",
    "child": "فرزند",
    "sibling": "خواهر یا برادر",
    "grandparent": "پدربزرگ یا مادربزرگ",
    "grandchild": "نوه",
}


def age_on(birth_date: date, on: date) -> int:
    """Age in whole Jalali years on a day (a birthday on 30 Esfand counts on 29 Esfand in
    common years)."""
    by, bm, bd = to_jalali(birth_date)
    y, m, d = to_jalali(on)
    return y - by - (1 if (m, d) < (bm, bd) else 0)


def check_holder(
    policy: PolicyReader,
    *,
    birth_date: date,
    on: date,
    guardian_birth_date: date | None = None,
) -> Decision[int]:
    """An account holder is 18 or older, or a minor whose adult guardian opens the account
    (``sourced``). The value is the holder's age."""
    u = Usage()
    min_age = int(u.use(policy.resolve(f"{P}.min_age", on)))
    age = age_on(birth_date, on)
    reasons: list[Reason] = []
    if birth_date > on:
        reasons.append(
            Reason(
                "holder.birth_in_future",
                "تاریخ تولد پس از تاریخ امروز است.",
                "The birth date is after the business date.",
                parameter=None,
            )
        )
    elif age >= min_age:
        reasons.append(
            Reason(
                "holder.adult",
                f"دارنده حساب {age} ساله است (حداقل {min_age}).",
                f"The holder is {age} (at least {min_age}).",
                passed=True,
                parameter=f"{P}.min_age",
                reference=REF_RULES,
            )
        )
    elif guardian_birth_date is None:
        reasons.append(
            Reason(
                "holder.minor_without_guardian",
                f"دارنده حساب {age} ساله است؛ برای افراد زیر {min_age} سال، ولی یا قیم باید "
                "حساب را افتتاح کند.",
                f"The holder is {age}; under {min_age} a guardian must open the account.",
                parameter=f"{P}.min_age",
                reference=REF_RULES,
            )
        )
    else:
        g_age = age_on(guardian_birth_date, on)
        ok = g_age >= min_age
        reasons.append(
            Reason(
                "holder.guardian",
                f"حساب فرد {age} ساله توسط ولی {g_age} ساله افتتاح می‌شود."
                if ok
                else f"ولی باید دست‌کم {min_age} سال داشته باشد ({g_age} سال).",
                f"A guardian aged {g_age} opens the account of a {age}-year-old."
                if ok
                else f"The guardian must be at least {min_age} (is {g_age}).",
                passed=ok,
                parameter=f"{P}.min_age",
                reference=REF_RULES,
            )
        )
    failed = any(not r.passed for r in reasons)
    return Decision(
        outcome="refused" if failed else "accepted",
        value=age,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=u.warnings(),
    )


def check_withdrawal(
    policy: PolicyReader, *, opened_on: date, balance: int, amount: int, on: date
) -> Decision[int]:
    """A withdrawal may not take the balance below the minimum opening deposit while the
    account is open (``assumed``). The value is the largest amount that may be withdrawn."""
    u = Usage()
    floor = int(u.use(policy.resolve(f"{P}.min_opening_deposit", opened_on)))
    available = max(0, balance - floor)
    reasons: list[Reason] = []
    if amount <= 0:
        reasons.append(
            Reason(
                "withdrawal.not_positive",
                "مبلغ برداشت باید مثبت باشد.",
                "The withdrawal must be a positive amount.",
            )
        )
    ok = 0 < amount <= available
    if amount > 0:
        reasons.append(
            Reason(
                "withdrawal.floor",
                f"برداشت {amount:,} ریال مجاز است؛ مانده پس از آن {balance - amount:,} ریال "
                f"است و از حداقل {floor:,} ریال کمتر نمی‌شود."
                if ok
                else f"برداشت {amount:,} ریال مانده را به کمتر از حداقل مبلغ افتتاح حساب "
                f"({floor:,} ریال) می‌رساند؛ حداکثر قابل برداشت {available:,} ریال است. "
                "برای برداشت کامل باید حساب را ببندید.",
                f"Withdrawing {amount:,} rial leaves {balance - amount:,}, not below the "
                f"{floor:,} floor."
                if ok
                else f"Withdrawing {amount:,} rial would take the balance below the minimum "
                f"opening deposit ({floor:,} rial); at most {available:,} rial can be "
                "withdrawn. Close the account to withdraw everything.",
                passed=ok,
                parameter=f"{P}.min_opening_deposit",
                reference=REF_RULES,
            )
        )
    return Decision(
        outcome="accepted" if ok else "refused",
        value=available,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=u.warnings(),
    )


def transfer_relatives(policy: PolicyReader, on: date) -> Decision[tuple[str, ...]]:
    """The relatives to whom the privilege may pass on a day, in the policy's order, with
    the warning for the figure's status (``assumed`` for the youth account)."""
    u = Usage()
    allowed = tuple(str(r) for r in u.use(policy.resolve(f"{P}.privilege_transfer_relatives", on)))
    return Decision(
        outcome="listed",
        value=allowed,
        policy_hash=policy.hash,
        as_of=on,
        reasons=(),
        warnings=u.warnings(),
    )


def check_transfer(
    policy: PolicyReader, *, relation: str, on: date, privilege_used: bool = False
) -> Decision[str]:
    """May the privilege pass to this relative now? Only to a spouse, parent, child,
    sibling, grandparent or grandchild, never to anyone else (``sourced`` for the general
    fund, ``assumed`` here), and only while no loan has used it: a loan paid out on the
    account consumes the privilege, so nothing is left to transfer. Every failed condition
    is listed. The staff transfer and the citizens' check both ask this rule."""
    listed = transfer_relatives(policy, on)
    allowed = listed.value
    ok = relation in allowed
    names_fa = "، ".join(RELATIONS_FA.get(r, r) for r in allowed)
    reasons = [
        Reason(
            "transfer.relation",
            f"انتقال امتیاز به {RELATIONS_FA.get(relation, relation)} مجاز است."
            if ok
            else f"امتیاز تنها به این بستگان قابل انتقال است: {names_fa}.",
            f"The privilege may be transferred to a {relation}."
            if ok
            else f"The privilege may be transferred only to: {', '.join(allowed)}.",
            passed=ok,
            parameter=f"{P}.privilege_transfer_relatives",
            reference=REF_RULES,
        )
    ]
    if privilege_used:
        reasons.append(
            Reason(
                "transfer.privilege_used",
                "با این حساب وام گرفته شده و امتیاز آن استفاده شده است؛ امتیازی برای انتقال "
                "باقی نمانده است.",
                "A loan has been paid out on this account, which used its privilege; nothing "
                "is left to transfer.",
                passed=False,
                reference=REF_RULES,
            )
        )
    return Decision(
        outcome="accepted" if all(r.passed for r in reasons) else "refused",
        value=relation,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=listed.warnings,
    )


@dataclass(frozen=True)
class LoanOffer:
    requested_rial: int
    max_rial: int
    entitlement_rial: int
    appraisal_limit_rial: int
    rate_percent: Decimal
    months: int
    method: Method
    schedule: Schedule | None


def loan_offer(
    policy: PolicyReader,
    *,
    opened_on: date,
    entitlement_rial: int,
    appraisal_rial: int,
    requested_rial: int,
    months: int,
    method: str,
    on: date,
    start: date | None = None,
) -> Decision[LoanOffer]:
    """The youth-fund housing loan (§1.4): amount ≤ entitlement and ≤ 80% of the bank's
    appraisal; term ≤ the cohort's maximum; method among the cohort's; priced at the
    cohort's rate. Every failed condition is listed; when all pass, the schedule is built."""
    u = Usage()
    rate = Decimal(str(u.use(policy.resolve(f"{P}.loan.rate_percent", opened_on))))
    max_term = int(u.use(policy.resolve(f"{P}.loan.max_term_months", opened_on)))
    methods = tuple(str(m) for m in u.use(policy.resolve(f"{P}.loan.methods", opened_on)))
    ltv = Decimal(str(u.use(policy.resolve(f"{P}.loan.appraisal_ltv_percent", on))))
    rounding = int(u.use(policy.resolve("finance.rounding_unit", on)))
    appraisal_limit = round_down(Decimal(appraisal_rial) * ltv / 100, 1)
    max_amount = min(entitlement_rial, appraisal_limit)
    reasons = [
        Reason(
            "loan.within_entitlement",
            f"مبلغ درخواستی {requested_rial:,} ریال "
            + ("در حد" if requested_rial <= entitlement_rial else "بیش از")
            + f" امتیاز حساب ({entitlement_rial:,} ریال) است.",
            f"The requested {requested_rial:,} rial is "
            + ("within" if requested_rial <= entitlement_rial else "above")
            + f" the account's entitlement ({entitlement_rial:,} rial).",
            passed=0 < requested_rial <= entitlement_rial,
            parameter=f"{P}.caps",
            reference=REF_LOAN,
        ),
        Reason(
            "loan.within_appraisal",
            f"سقف {ltv}٪ ارزش کارشناسی ملک {appraisal_limit:,} ریال است.",
            f"{ltv}% of the bank's appraisal is {appraisal_limit:,} rial.",
            passed=requested_rial <= appraisal_limit,
            parameter=f"{P}.loan.appraisal_ltv_percent",
            reference=REF_LOAN,
        ),
        Reason(
            "loan.term",
            f"مدت بازپرداخت {months} ماه (حداکثر {max_term} ماه).",
            f"Repayment over {months} months (at most {max_term}).",
            passed=0 < months <= max_term,
            parameter=f"{P}.loan.max_term_months",
            reference=REF_LOAN,
        ),
        Reason(
            "loan.method",
            f"روش بازپرداخت {method} (مجاز: {'، '.join(methods)}).",
            f"Repayment method {method} (allowed: {', '.join(methods)}).",
            passed=method in methods,
            parameter=f"{P}.loan.methods",
            reference=REF_LOAN,
        ),
    ]
    ok = all(r.passed for r in reasons)
    schedule = None
    if ok:
        m = Method(method)
        step = None
        if m is Method.STEPWISE:
            step = Decimal(str(u.use(policy.resolve("finance.stepwise_step_percent", on))))
        schedule = build_schedule(
            m, requested_rial, rate, months, step_percent=step, start=start, rounding_unit=rounding
        )
    value = LoanOffer(
        requested_rial=requested_rial,
        max_rial=max_amount,
        entitlement_rial=entitlement_rial,
        appraisal_limit_rial=appraisal_limit,
        rate_percent=rate,
        months=months,
        method=Method(method) if method in {x.value for x in Method} else Method.SIMPLE,
        schedule=schedule,
    )
    return Decision(
        outcome="offered" if ok else "refused",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=u.warnings(),
    )
