"""Employment-loan guarantees (docs/rules.md §2.1): the bundles a tier accepts and whether
the guarantees offered cover one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.programs.employment.eligibility import GRADES, KIND_FA, REF_GUARANTEES, P

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
