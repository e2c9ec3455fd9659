"""Employment-loan rules (docs/rules.md §2), chosen by the date of the decision: caps,
guarantee bundles, the repeat-loan rule, the monthly-limit exemption for mandated loans.

Pure: plain values and a policy snapshot in, a ``Decision`` out.

The terms and eligibility (:mod:`.eligibility`) and the guarantees (:mod:`.guarantees`) live
in their own modules; this one gives the citizen one verdict, applies the bank's monthly
limit and re-exports every name for callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.programs.employment.eligibility import (
    GRADES,
    KIND_FA,
    NOT_CHECKED,
    REF_CAPS,
    REF_GUARANTEES,
    REF_LIMIT,
    REF_REPEAT,
    Applicant,
    Cap,
    Eligibility,
    P,
    PriorLoan,
    Terms,
    cap_for,
    check_application,
    terms,
)
from tashilat.domain.programs.employment.guarantees import (
    BundleCheck,
    GuaranteeResult,
    Offered,
    _describe,
    accepted_bundles,
    check_guarantees,
    guarantor_refusals,
)

__all__ = [
    "GRADES",
    "KIND_FA",
    "NOT_CHECKED",
    "REF_CAPS",
    "REF_GUARANTEES",
    "REF_LIMIT",
    "REF_REPEAT",
    "Applicant",
    "BundleCheck",
    "Cap",
    "Eligibility",
    "GuaranteeResult",
    "Offered",
    "P",
    "PriorLoan",
    "Terms",
    "Verdict",
    "accepted_bundles",
    "cap_for",
    "category_cap",
    "check_application",
    "check_guarantees",
    "exempt_from_monthly_limit",
    "guarantor_refusals",
    "terms",
    "verdict",
]


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
