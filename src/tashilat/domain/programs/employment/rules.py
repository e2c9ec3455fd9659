"""Employment-loan rules (PROGRAMS.md §2), chosen by the date of the decision: caps,
guarantee bundles, the repeat-loan rule, the monthly-limit exemption for mandated loans.

Pure: plain values and a policy snapshot in, a ``Decision`` out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.jalali import format_jalali, to_jalali

P = "employment"
REF_CAPS = "Central Bank circulars of 25 Ordibehesht and 13 Aban 1403 (PROGRAMS.md §2.1)"
REF_GUARANTEES = "Executive directive for micro-loans, latest amendment; circular of 13 Aban 1403"
REF_REPEAT = "Central Bank circular: one employment loan per person (PROGRAMS.md §2.1)"
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


def check_application(
    policy: PolicyReader,
    *,
    on: date,
    applicant: Applicant,
    amount: int,
    approved_category: bool,
    prior_loans: Sequence[PriorLoan] = (),
    bank_code: str | None = None,
    business_active_and_hiring: bool = False,
) -> Decision[Eligibility]:
    """Amount within the cap in force on ``on``; one loan per person (1403: never again, even
    through another agency or bank, and no top-up when caps rise); the 1404 repeat rule."""
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
    if prior_loans:
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
                "متقاضی تاکنون تسهیلات اشتغال‌زایی نگرفته است.",
                "The applicant has had no employment loan before.",
                passed=True,
                parameter=f"{P}.repeat_loans",
                reference=REF_REPEAT,
            )
        )
    failed = [r for r in reasons if not r.passed]
    value = Eligibility(
        cap.amount, cap.basis, amount, repeat, t.term_months, t.fee_percent, t.grace_months
    )
    return Decision(
        outcome="refused" if failed else "eligible",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=t.usage.warnings(),
    )


# -- guarantees -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Offered:
    """What the applicant offers as guarantees."""

    credit_grade: str | None = None  # A (best) … E
    promissory_note: bool = False
    guarantors: tuple[str, ...] = ()  # valid national IDs, not the applicant's


@dataclass(frozen=True)
class BundleCheck:
    bundle: tuple[str, ...]
    met: bool
    missing: tuple[str, ...]


@dataclass(frozen=True)
class GuaranteeResult:
    tier_up_to: int
    bundles: tuple[BundleCheck, ...]
    met_bundle: tuple[str, ...] | None


def _describe(bundle: Sequence[str], fa: bool) -> str:
    counts: dict[str, int] = {}
    for k in bundle:
        counts[k] = counts.get(k, 0) + 1
    parts = []
    for k, n in counts.items():
        if fa:
            parts.append(
                f"{'دو ' if n == 2 else ''}{KIND_FA[k]}" if n <= 2 else f"{n} {KIND_FA[k]}"
            )
        else:
            parts.append(f"{n} {k.replace('_', ' ')}s" if n > 1 else k.replace("_", " "))
    return (" و " if fa else " + ").join(parts)


def check_guarantees(
    policy: PolicyReader, *, on: date, amount: int, applicant_national_id: str, offered: Offered
) -> Decision[GuaranteeResult]:
    """Which guarantee bundle the offer meets for this amount, or exactly what is missing
    from each (PROGRAMS.md §2.2)."""
    u = Usage()
    r = policy.resolve(f"{P}.guarantees", on)
    tiers = r.value
    u.add(r.provenance)
    min_grade = str(u.use(policy.resolve(f"{P}.min_credit_grade", on)))
    index = next((i for i, t in enumerate(tiers) if amount <= int(t["up_to"])), len(tiers) - 1)
    tier = tiers[index]
    u.add(r.cell(f"{index}.bundles"))
    guarantors = tuple(g for g in dict.fromkeys(offered.guarantors) if g != applicant_national_id)
    have = {
        "credit_score": 1
        if offered.credit_grade in GRADES
        and GRADES.index(offered.credit_grade) <= GRADES.index(min_grade)
        else 0,
        "promissory_note": 1 if offered.promissory_note else 0,
        "guarantor": len(guarantors),
    }
    checks: list[BundleCheck] = []
    for raw in tier["bundles"]:
        bundle = tuple(str(x) for x in raw)
        need: dict[str, int] = {}
        for k in bundle:
            need[k] = need.get(k, 0) + 1
        missing: list[str] = []
        for k, n in need.items():
            missing += [k] * max(0, n - have[k])
        checks.append(BundleCheck(bundle, not missing, tuple(missing)))
    met = next((c.bundle for c in checks if c.met), None)
    reasons: list[Reason] = []
    tier_fa = f"تا {int(tier['up_to']):,} ریال"
    for c in checks:
        reasons.append(
            Reason(
                "guarantee.bundle",
                f"بسته «{_describe(c.bundle, True)}» ({tier_fa}): "
                + ("کامل است." if c.met else f"کم دارد: {_describe(c.missing, True)}."),
                f"Bundle '{_describe(c.bundle, False)}' (up to {int(tier['up_to']):,} rial): "
                + ("met." if c.met else f"missing {_describe(c.missing, False)}."),
                passed=c.met,
                parameter=f"{P}.guarantees",
                reference=REF_GUARANTEES,
            )
        )
    if offered.credit_grade is not None and not have["credit_score"]:
        reasons.append(
            Reason(
                "guarantee.credit_grade",
                f"رتبه اعتباری {offered.credit_grade} از حداقل قابل قبول ({min_grade}) "
                "پایین‌تر است.",
                f"Credit grade {offered.credit_grade} is below the acceptable {min_grade}.",
                parameter=f"{P}.min_credit_grade",
                reference=REF_GUARANTEES,
            )
        )
    if len(guarantors) < len(offered.guarantors):
        reasons.append(
            Reason(
                "guarantee.self_or_duplicate",
                "متقاضی نمی‌تواند ضامن خود باشد و هر ضامن یک بار شمرده می‌شود.",
                "The applicant cannot guarantee themselves, and each guarantor counts once.",
                parameter=f"{P}.guarantees",
                reference=REF_GUARANTEES,
            )
        )
    return Decision(
        outcome="met" if met else "missing",
        value=GuaranteeResult(int(tier["up_to"]), tuple(checks), met),
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=u.warnings(),
    )


# -- the bank's monthly limit -----------------------------------------------------------------


def exempt_from_monthly_limit(
    policy: PolicyReader, *, on: date, amount: int, mandated: bool
) -> Decision[bool]:
    """Mandated (تکلیفی) loans under 3 billion rial are paid even when the bank's monthly
    SAMAT limit is used up (``seed``; applied per loan)."""
    u = Usage()
    try:
        threshold = int(str(u.use(policy.resolve(f"{P}.mandated_exemption_below", on))))
    except Exception:
        threshold = 0
    exempt = mandated and amount < threshold
    reason = Reason(
        "monthly_limit.exemption",
        (
            f"تسهیلات تکلیفی کمتر از {threshold:,} ریال است و با وجود سقف ماهانه پرداخت می‌شود."
            if exempt
            else "مشمول سقف ماهانه بانک در سامانه سمات است."
        ),
        (
            f"A mandated loan under {threshold:,} rial: paid even when the bank's monthly "
            "limit is used."
            if exempt
            else "Counts against the bank's monthly SAMAT limit."
        ),
        passed=True,
        parameter=f"{P}.mandated_exemption_below",
        reference=REF_LIMIT,
    )
    return Decision(
        outcome="exempt" if exempt else "limited",
        value=exempt,
        policy_hash=policy.hash,
        as_of=on,
        reasons=(reason,),
        warnings=u.warnings(),
    )


def category_cap(allocation: int, share_percent: Decimal) -> int:
    """The approved-category share of an allocation, rounded down to the rial."""
    return int(Decimal(allocation) * share_percent // 100)
