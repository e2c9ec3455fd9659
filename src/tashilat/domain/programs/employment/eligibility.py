"""Employment-loan terms from policy and the eligibility of an application
(docs/rules.md §2.1).

Pure: plain values and a policy snapshot in, a ``Decision`` out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from tashilat.domain.decision import Decision, PolicyReader, Reason, Status, Usage, Warning
from tashilat.domain.jalali import format_jalali, to_jalali

P = "employment"
REF_CAPS = "Central Bank circulars of 25 Ordibehesht and 13 Aban 1403 (docs/rules.md §2.1)"
REF_GUARANTEES = "Executive directive for micro-loans, latest amendment; circular of 13 Aban 1403"
REF_REPEAT = "Central Bank circular: one employment loan per person (docs/rules.md §2.1)"
REF_LIMIT = "Circular of 13 Aban 1403: mandated loans under 3 billion rial are still paid"

KIND_FA = {"credit_score": "اعتبارسنجی", "promissory_note": "سفته", "guarantor": "ضامن"}
GRADES = ("A", "B", "C", "D", "E")


@dataclass(frozen=True)
class Terms:
    """The rule set in force on a decision date."""

    on: date
    individual_cap: int
    approved_category_cap: int
    category_share_percent: Decimal
    employer_max: int
    term_months: int
    fee_percent: Decimal
    grace_months: int
    repeat_rule: str
    repeat_min_years: int
    repeat_share_percent: Decimal
    usage: Usage = field(compare=False, repr=False)


@lru_cache(maxsize=4096)
def terms(policy: PolicyReader, on: date) -> Terms:
    """The rule set in force on ``on`` (memoised: a snapshot is immutable, so the same
    policy and date always give the same terms; every introduction needs them)."""
    return _terms(policy, on)


def _terms(policy: PolicyReader, on: date) -> Terms:
    u = Usage()

    def get(path: str) -> object:
        return u.use(policy.resolve(f"{P}.{path}", on))

    repeat_rule = str(get("repeat_loans"))
    repeat_years = int(str(get("repeat_min_years"))) if repeat_rule != "never" else 0
    return Terms(
        on=on,
        individual_cap=int(str(get("individual_cap"))),
        approved_category_cap=int(str(get("approved_category_cap"))),
        category_share_percent=Decimal(str(get("approved_category_share_percent"))),
        employer_max=int(str(get("employer_max"))),
        term_months=int(str(get("term_months"))),
        fee_percent=Decimal(str(get("fee_percent"))),
        grace_months=int(str(get("grace_months"))),
        repeat_rule=repeat_rule,
        repeat_min_years=repeat_years,
        repeat_share_percent=Decimal(str(get("repeat_share_percent"))),
        usage=u,
    )


@dataclass(frozen=True)
class Applicant:
    national_id: str
    legal_entity: bool = False
    clients_hired: int = 0  # agency clients a legal entity hires (employer cap)


@dataclass(frozen=True)
class PriorLoan:
    """An employment loan already in the national registry (SAMAT)."""

    samat_code: str
    disbursed_on: date
    bank_code: str
    agency_code: str
    amount: int


@dataclass(frozen=True)
class Cap:
    amount: int
    basis: str


def cap_for(t: Terms, applicant: Applicant, approved_category: bool) -> Cap:
    """The largest loan this applicant may have under the rules in force."""
    per_person = t.approved_category_cap if approved_category else t.individual_cap
    if applicant.legal_entity:
        return Cap(
            min(t.individual_cap * max(applicant.clients_hired, 0), t.employer_max), "employer"
        )
    return Cap(per_person, "approved_category" if approved_category else "individual")


@dataclass(frozen=True)
class Eligibility:
    cap_rial: int
    cap_basis: str
    amount_rial: int
    repeat: bool
    term_months: int
    fee_percent: Decimal
    grace_months: int
    registry_checked: bool = True


# Said whenever the one-loan rule could not be looked up: the answer then stands on the
# applicant having had no employment loan, which nobody verified.
NOT_CHECKED = Warning(
    code="employment.one_loan_not_checked",
    message_fa=(
        "قاعده «هر نفر فقط یک بار وام اشتغال‌زایی» بررسی نشد: کد ملی داده نشد یا سامانه "
        "ثبت وام‌ها (سمات) در دسترس نبود. اگر پیش‌تر وام اشتغال‌زایی گرفته‌اید، وام دوم "
        "پرداخت نمی‌شود؛ بانک پیش از پرداخت این را در سمات بررسی می‌کند."
    ),
    message_en=(
        "The one-employment-loan-per-person rule was not checked: no national ID was given "
        "or no loan registry (SAMAT) was available. A person who has had an employment loan "
        "before cannot have another; the bank checks SAMAT before paying."
    ),
    parameter=f"{P}.repeat_loans",
    status=Status.ASSUMED,
)


def check_application(
    policy: PolicyReader,
    *,
    on: date,
    applicant: Applicant,
    amount: int,
    approved_category: bool,
    prior_loans: Sequence[PriorLoan] | None = (),
    bank_code: str | None = None,
    business_active_and_hiring: bool = False,
    application_in_progress: bool = False,
) -> Decision[Eligibility]:
    """Amount within the cap in force on ``on``; one loan per person (1403: never again, even
    through another agency or bank, and no top-up when caps rise); the 1404 repeat rule.

    ``prior_loans`` is what the registry holds for the person; ``None`` means the registry
    was not consulted, and then the one-loan rule is neither passed nor failed: the
    decision carries the ``employment.one_loan_not_checked`` warning instead.
    ``application_in_progress``: the person's loan slot is held by an open application."""
    t = terms(policy, on)
    cap = cap_for(t, applicant, approved_category)
    cap_param = "approved_category_cap" if cap.basis == "approved_category" else "individual_cap"
    reasons: list[Reason] = []
    ok_amount = 0 < amount <= cap.amount
    basis_fa = {"individual": "فردی", "approved_category": "رسته مصوب", "employer": "کارفرما"}[
        cap.basis
    ]
    reasons.append(
        Reason(
            "employment.cap",
            f"مبلغ {amount:,} ریال {'در حد' if ok_amount else 'بیش از'} سقف {basis_fa} "
            f"({cap.amount:,} ریال) در {format_jalali(on)} است.",
            f"{amount:,} rial is {'within' if ok_amount else 'above'} the "
            f"{cap.basis.replace('_', ' ')} "
            f"cap ({cap.amount:,} rial) on {format_jalali(on)}.",
            passed=ok_amount,
            parameter=f"{P}.{cap_param}",
            reference=REF_CAPS,
        )
    )
    repeat = False
    if prior_loans is None:
        pass
    elif application_in_progress:
        reasons.append(
            Reason(
                "employment.application_in_progress",
                "برای این کد ملی درخواست دیگری در جریان است؛ هر فرد تنها یک تسهیلات "
                "اشتغال‌زایی می‌گیرد.",
                "Another application for this national ID is in progress; a person gets one "
                "employment loan.",
                parameter=f"{P}.repeat_loans",
                reference=REF_REPEAT,
            )
        )
    elif prior_loans:
        first = min(prior_loans, key=lambda x: x.disbursed_on)
        when = format_jalali(first.disbursed_on)
        if t.repeat_rule == "never" or len(prior_loans) >= 2:
            reasons.append(
                Reason(
                    "employment.one_loan_per_person",
                    f"متقاضی پیش‌تر تسهیلات اشتغال‌زایی گرفته است (کد سمات {first.samat_code}، "
                    f"{when}). دریافت مجدد، حتی با طرح جدید یا معرفی دستگاه دیگر، و دریافت "
                    "مابه‌التفاوت افزایش سقف ممکن نیست.",
                    f"The applicant already had an employment loan (SAMAT {first.samat_code}, "
                    f"{when}). A second loan — even with a new plan or through another agency "
                    "or bank — and any top-up when caps rise are not allowed.",
                    parameter=f"{P}.repeat_loans",
                    reference=REF_REPEAT,
                )
            )
        else:
            when = f"{when}, SAMAT {first.samat_code}"
            y0, m0, d0 = to_jalali(first.disbursed_on)
            y1, m1, d1 = to_jalali(on)
            years = y1 - y0 - (1 if (m1, d1) < (m0, d0) else 0)
            conditions = [
                (
                    years >= t.repeat_min_years,
                    "repeat.after_years",
                    f"دست‌کم {t.repeat_min_years} سال از وام نخست ({when}) گذشته باشد "
                    f"({years} سال).",
                    f"At least {t.repeat_min_years} years since the first loan ({when}); "
                    f"{years} have passed.",
                ),
                (
                    bank_code is not None and bank_code == first.bank_code,
                    "repeat.same_bank",
                    f"وام دوم از همان بانک عامل ({first.bank_code}) باشد.",
                    f"The second loan must come from the same bank ({first.bank_code}).",
                ),
                (
                    business_active_and_hiring,
                    "repeat.business_active",
                    "کسب‌وکار فعال و اشتغال‌زا باشد.",
                    "The business must still be running and hiring.",
                ),
            ]
            for passed, code, fa, en in conditions:
                reasons.append(
                    Reason(
                        code,
                        fa,
                        en,
                        passed=passed,
                        parameter=f"{P}.repeat_loans",
                        reference=REF_REPEAT,
                    )
                )
            repeat = True
    else:
        reasons.append(
            Reason(
                "employment.one_loan_per_person",
                "در سامانه سمات وام اشتغال‌زایی دیگری به نام متقاضی ثبت نشده است.",
                "The registry (SAMAT) holds no earlier employment loan for the applicant.",
                passed=True,
                parameter=f"{P}.repeat_loans",
                reference=REF_REPEAT,
            )
        )
    failed = [r for r in reasons if not r.passed]
    value = Eligibility(
        cap.amount,
        cap.basis,
        amount,
        repeat,
        t.term_months,
        t.fee_percent,
        t.grace_months,
        registry_checked=prior_loans is not None,
    )
    warnings = t.usage.warnings()
    if prior_loans is None:
        warnings = (*warnings, NOT_CHECKED)
    return Decision(
        outcome="refused" if failed else "eligible",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=warnings,
    )
