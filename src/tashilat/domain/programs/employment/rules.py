"""Employment-loan rules (docs/rules.md §2), chosen by the date of the decision: caps,
guarantee bundles, the repeat-loan rule, the monthly-limit exemption for mandated loans.

Pure: plain values and a policy snapshot in, a ``Decision`` out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from tashilat.domain.decision import (
    Decision,
    PolicyReader,
    Reason,
    Status,
    Usage,
    Warning,
)
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


# -- guarantees -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Offered:
    """What the applicant offers as guarantees (``guarantors``: national IDs, normalised)."""

    credit_grade: str | None = None  # A (best) … E
    promissory_note: bool = False
    guarantors: tuple[str, ...] = ()


@dataclass(frozen=True)
class BundleCheck:
    """One acceptable bundle, whether the offer meets it and what it lacks. ``tier_up_to``
    is the tier that publishes the bundle: a higher tier's bundle is accepted for a smaller
    amount too."""

    bundle: tuple[str, ...]
    met: bool
    missing: tuple[str, ...]
    tier_up_to: int = 0


@dataclass(frozen=True)
class GuaranteeResult:
    tier_up_to: int
    bundles: tuple[BundleCheck, ...]
    met_bundle: tuple[str, ...] | None
    min_credit_grade: str = ""


def _describe(bundle: Sequence[str], fa: bool, min_grade: str = "") -> str:
    """A bundle in words; with ``min_grade``, the credit score says which grade counts."""
    counts: dict[str, int] = {}
    for k in bundle:
        counts[k] = counts.get(k, 0) + 1
    parts = []
    for k, n in counts.items():
        if fa:
            part = f"{'دو ' if n == 2 else ''}{KIND_FA[k]}" if n <= 2 else f"{n} {KIND_FA[k]}"
            if k == "credit_score" and min_grade:
                part += f" با رتبه {min_grade} یا بهتر"
        else:
            part = f"{n} {k.replace('_', ' ')}s" if n > 1 else k.replace("_", " ")
            if k == "credit_score" and min_grade:
                part += f" of grade {min_grade} or better"
        parts.append(part)
    return (" و " if fa else " + ").join(parts)


def _counts(bundle: Sequence[str]) -> dict[str, int]:
    need: dict[str, int] = {}
    for k in bundle:
        need[k] = need.get(k, 0) + 1
    return need


def _covers(smaller: dict[str, int], larger: dict[str, int]) -> bool:
    """Every guarantee ``smaller`` asks for, ``larger`` asks for too (as a multiset)."""
    return all(larger.get(k, 0) >= n for k, n in smaller.items())


def accepted_bundles(tiers: Sequence[Any], index: int) -> list[tuple[tuple[str, ...], int]]:
    """The bundles accepted for an amount in tier ``index``: its own, then those of every
    higher tier (an offer good enough for a larger loan is good enough for a smaller one on
    the same date, docs/rules.md §2.2), each with the index of the tier that publishes it.
    A bundle asking for everything an earlier one asks and more adds nothing and is left
    out, so the list stays short. Monotone by construction: the set accepted for a tier
    contains the set accepted for every higher tier."""
    out: list[tuple[tuple[str, ...], int]] = []
    kept: list[dict[str, int]] = []
    for j in range(index, len(tiers)):
        for raw in tiers[j]["bundles"]:
            bundle = tuple(str(x) for x in raw)
            need = _counts(bundle)
            if any(_covers(k, need) for k in kept):
                continue
            kept.append(need)
            out.append((bundle, j))
    return out


def guarantor_refusals(applicant_national_id: str, guarantors: Sequence[str]) -> list[Reason]:
    """A guarantor is somebody other than the applicant, and each person guarantees once:
    one failed reason for the applicant among the guarantors, and one for each repeat."""
    reasons: list[Reason] = []
    if applicant_national_id in guarantors:
        reasons.append(
            Reason(
                "guarantee.self_guarantor",
                f"متقاضی (کد ملی {applicant_national_id}) نمی‌تواند ضامن وام خودش باشد؛ "
                "ضامن باید شخص دیگری باشد.",
                f"The applicant (national ID {applicant_national_id}) cannot guarantee their "
                "own loan; a guarantor must be somebody else.",
                parameter=f"{P}.guarantees",
                reference=REF_GUARANTEES,
            )
        )
    seen: set[str] = set()
    for g in guarantors:
        if g in seen and g != applicant_national_id:
            reasons.append(
                Reason(
                    "guarantee.duplicate_guarantor",
                    f"ضامن با کد ملی {g} پیش‌تر ثبت شده است؛ هر ضامن یک بار شمرده می‌شود.",
                    f"The guarantor with national ID {g} is already listed; each guarantor "
                    "counts once.",
                    parameter=f"{P}.guarantees",
                    reference=REF_GUARANTEES,
                )
            )
        seen.add(g)
    return reasons


def check_guarantees(
    policy: PolicyReader, *, on: date, amount: int, applicant_national_id: str, offered: Offered
) -> Decision[GuaranteeResult]:
    """Which guarantee bundle the offer meets for this amount, or exactly what is missing
    from each (docs/rules.md §2.2). Outcome ``met``, ``missing``, or ``refused`` when the
    applicant is among the guarantors or a guarantor is listed twice (the bundles are then
    counted over the valid guarantors only, to show what would remain)."""
    u = Usage()
    r = policy.resolve(f"{P}.guarantees", on)
    tiers = r.value
    min_grade = str(u.use(policy.resolve(f"{P}.min_credit_grade", on)))
    index = next((i for i, t in enumerate(tiers) if amount <= int(t["up_to"])), len(tiers) - 1)
    tier = tiers[index]
    refusals = guarantor_refusals(applicant_national_id, offered.guarantors)
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
    for bundle, j in accepted_bundles(tiers, index):
        missing: list[str] = []
        for k, n in _counts(bundle).items():
            missing += [k] * max(0, n - have.get(k, 0))
        checks.append(BundleCheck(bundle, not missing, tuple(missing), int(tiers[j]["up_to"])))
    met = next((c for c in checks if c.met), None)
    # The answer stands on the tier it was met by; when nothing is met, on every tier whose
    # bundles it lists.
    by_tier = {int(t["up_to"]): i for i, t in enumerate(tiers)}
    relied = [met] if met else checks
    u.add(r.provenance)
    for c in relied:
        u.add(r.cell(f"{by_tier[c.tier_up_to]}.bundles"))
    reasons: list[Reason] = []
    own_up_to = int(tier["up_to"])
    for c in checks:
        if c.tier_up_to == own_up_to:
            where_fa, where_en = f"تا {own_up_to:,} ریال", f"up to {own_up_to:,} rial"
        else:
            where_fa = f"بسته وام‌های تا {c.tier_up_to:,} ریال، برای مبلغ کمتر هم پذیرفته است"
            where_en = f"the bundle for loans up to {c.tier_up_to:,} rial, accepted for less too"
        reasons.append(
            Reason(
                "guarantee.bundle",
                f"بسته «{_describe(c.bundle, True)}» ({where_fa}): "
                + ("کامل است." if c.met else f"کم دارد: {_describe(c.missing, True)}."),
                f"Bundle '{_describe(c.bundle, False)}' ({where_en}): "
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
    reasons += refusals
    return Decision(
        outcome="refused" if refusals else "met" if met else "missing",
        value=GuaranteeResult(own_up_to, tuple(checks), met.bundle if met else None, min_grade),
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=u.warnings(),
    )


# -- one answer for the citizen -----------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The overall answer of the employment-loan check.

    ``outcome``: ``eligible`` (within the rules and a guarantee bundle is complete),
    ``eligible_with_guarantees`` (within the rules once one of ``to_bring`` is brought),
    ``not_eligible`` (``because`` lists the rules that say no). ``one_loan_rule`` is
    ``checked`` when the registry was looked up, else ``not_checked``."""

    outcome: str
    message_fa: str
    message_en: str
    because: tuple[Reason, ...]
    to_bring: tuple[tuple[str, ...], ...]
    one_loan_rule: str


def verdict(
    eligibility: Decision[Eligibility], guarantees: Decision[GuaranteeResult]
) -> Decision[Verdict]:
    """One answer from the application rules and the guarantee rules of the same date."""
    e, g = eligibility, guarantees
    checked = e.value.registry_checked
    because = tuple(
        r
        for r in (*e.reasons, *g.reasons)
        if not r.passed and r.code != "guarantee.bundle" and r.code != "guarantee.credit_grade"
    )
    to_bring: tuple[tuple[str, ...], ...] = ()
    if e.outcome != "eligible" or g.outcome == "refused":
        outcome = "not_eligible"
        fa = "واجد شرایط نیست، زیرا: " + " ".join(r.message_fa for r in because)
        en = "Not eligible, because: " + " ".join(r.message_en for r in because)
    elif g.outcome == "met":
        outcome = "eligible"
        fa = (
            "واجد شرایط است: مبلغ در حد سقف است و ضمانت‌های شما بسته "
            f"«{_describe(g.value.met_bundle or (), True)}» را کامل می‌کند."
        )
        en = (
            "Eligible: the amount is within the cap and your guarantees complete the bundle "
            f"'{_describe(g.value.met_bundle or (), False)}'."
        )
    else:
        outcome = "eligible_with_guarantees"
        to_bring = tuple(c.missing for c in g.value.bundles)
        grade = g.value.min_credit_grade
        fa = (
            "واجد شرایط است، به شرط آوردن ضمانت‌ها؛ یکی از این‌ها را بیاورید: "
            + "؛ یا ".join(_describe(m, True, grade) for m in to_bring)
            + "."
        )
        en = (
            "Eligible once the guarantees are brought; bring one of: "
            + "; or ".join(_describe(m, False, grade) for m in to_bring)
            + "."
        )
    if not checked and outcome != "not_eligible":
        fa += " سابقه وام اشتغال‌زایی شما بررسی نشد (هر نفر فقط یک بار)."
        en += " Whether you had an employment loan before was not checked (one per person)."
    seen: set[tuple[str, str]] = set()
    warnings = []
    for w in (*e.warnings, *g.warnings):
        if (w.code, w.parameter) not in seen:
            seen.add((w.code, w.parameter))
            warnings.append(w)
    return Decision(
        outcome=outcome,
        value=Verdict(outcome, fa, en, because, to_bring, "checked" if checked else "not_checked"),
        policy_hash=e.policy_hash,
        as_of=e.as_of,
        reasons=(*e.reasons, *g.reasons),
        warnings=tuple(warnings),
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
