"""The owner's share of the construction contribution on one building permit
(docs/rules.md §4), under the law version in force on the permit's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.construction.law import (
    FEE_LABELS,
    LAW,
    REF,
    LawVersion,
    P,
    Permit,
    law_in_force,
    previous_modelled,
)
from tashilat.domain.programs.wages.numbers import fmt_percent, half_up, share

# -- the owner's share --------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerShare:
    reference: str
    dated: date
    version: str
    version_name_en: str
    version_name_fa: str
    version_since: date
    applied_version: str | None  # the text used (a fallback), or None when refused
    method: str
    counted_fee_types: tuple[str, ...]
    counted_fees_rial: int
    excluded_fees_rial: int
    area_m2: Decimal | None
    daily_wage_rial: int | None
    rate_percent: Decimal | None
    owner_share_rial: int | None


@dataclass(frozen=True)
class _Outcome:
    share: OwnerShare
    outcome: str
    reasons: tuple[Reason, ...]


def _owner_share(policy: PolicyReader, permit: Permit, usage: Usage) -> _Outcome:
    law = law_in_force(policy, permit.dated)
    usage.add(law.provenance)
    applied = law
    reasons: list[Reason] = []
    when = format_jalali(permit.dated)
    since = format_jalali(law.since)
    if not law.modelled:
        mode_r = policy.resolve(f"{P}.unmodelled_version", permit.dated)
        usage.add(mode_r.provenance)
        fallback = previous_modelled(policy, law) if mode_r.value == "previous_text" else None
        if fallback is None:
            note_en = f" {law.provenance.note}" if law.provenance.note else ""
            note_fa = f" {law.provenance.note_fa}" if law.provenance.note_fa else ""
            reasons.append(
                Reason(
                    "construction.not_modelled",
                    f"پروانه مورخ {when} مشمول «{law.name_fa}» (از {since}) است که نحوه "
                    f"محاسبه سهم مالک در آن مدل نشده است؛ رقمی حدس زده نمی‌شود.{note_fa}",
                    f"The permit dated {when} falls under '{law.name_en}' (from {since}), "
                    f"whose owner's charge is not modelled; no figure is guessed.{note_en}",
                    passed=False,
                    parameter=f"{P}.unmodelled_version",
                    reference=REF,
                )
            )
            return _Outcome(
                OwnerShare(
                    reference=permit.reference,
                    dated=permit.dated,
                    version=law.version,
                    version_name_en=law.name_en,
                    version_name_fa=law.name_fa,
                    version_since=law.since,
                    applied_version=None,
                    method=law.owner_method,
                    counted_fee_types=(),
                    counted_fees_rial=0,
                    excluded_fees_rial=permit.total_fees,
                    area_m2=permit.area_m2,
                    daily_wage_rial=None,
                    rate_percent=None,
                    owner_share_rial=None,
                ),
                "not_modelled",
                tuple(reasons),
            )
        applied = fallback
        usage.add(fallback.provenance)
        why_en = f" {mode_r.provenance.note}" if mode_r.provenance.note else ""
        why_fa = f" {mode_r.provenance.note_fa}" if mode_r.provenance.note_fa else ""
        reasons.append(
            Reason(
                "construction.fallback",
                f"پروانه مورخ {when} مشمول «{law.name_fa}» است که مدل نشده است؛ طبق سیاست، "
                f"متن پیشین «{fallback.name_fa}» به کار رفت.{why_fa}",
                f"The permit dated {when} falls under '{law.name_en}', which is not modelled; "
                f"as policy says, the earlier text '{fallback.name_en}' is applied.{why_en}",
                passed=True,
                parameter=f"{P}.unmodelled_version",
                reference=REF,
            )
        )

    if applied.owner_method == "permit_fees":
        pct = applied.fee_percent
        assert pct is not None
        counted = sum(permit.fee(t) for t in applied.fee_types)
        excluded = permit.total_fees - counted
        amount = half_up(share(counted, pct))
        names_en = ", ".join(FEE_LABELS[t][1] for t in applied.fee_types)
        names_fa = "، ".join(FEE_LABELS[t][0] for t in applied.fee_types)
        reasons.append(
            Reason(
                "construction.owner_share",
                f"طبق «{applied.name_fa}»، سهم مالک {fmt_percent(pct)}٪ از {names_fa} "
                f"({counted:,} ریال) = {amount:,} ریال.",
                f"Under '{applied.name_en}', the owner's share is {fmt_percent(pct)}% of the "
                f"{names_en} ({counted:,} rial) = {amount:,} rial.",
                passed=True,
                parameter=LAW,
                reference=REF,
            )
        )
        if excluded:
            reasons.append(
                Reason(
                    "construction.fees_not_counted",
                    f"{excluded:,} ریال از عوارض داده‌شده در این نسخه از قانون مبنای حق بیمه نیست.",
                    f"{excluded:,} rial of the fees given are not in this version's base.",
                    passed=True,
                    parameter=LAW,
                    reference=REF,
                )
            )
        share_ = OwnerShare(
            reference=permit.reference,
            dated=permit.dated,
            version=law.version,
            version_name_en=law.name_en,
            version_name_fa=law.name_fa,
            version_since=law.since,
            applied_version=applied.version,
            method=applied.owner_method,
            counted_fee_types=applied.fee_types,
            counted_fees_rial=counted,
            excluded_fees_rial=excluded,
            area_m2=permit.area_m2,
            daily_wage_rial=None,
            rate_percent=pct,
            owner_share_rial=amount,
        )
    else:
        share_, per_m2_reasons = _per_square_metre(policy, permit, applied, law, usage)
        reasons += per_m2_reasons
    outcome = "computed" if applied is law else "computed_with_fallback"
    return _Outcome(share_, outcome, tuple(reasons))


def _per_square_metre(
    policy: PolicyReader, permit: Permit, applied: LawVersion, law: LawVersion, usage: Usage
) -> tuple[OwnerShare, list[Reason]]:
    if permit.area_m2 is None:
        raise InvalidInput(
            "construction.area_needed",
            f"طبق «{applied.name_fa}» حق بیمه بر اساس زیربنا است؛ مساحت زیربنا (متر مربع) "
            "را وارد کنید.",
            f"Under '{applied.name_en}' the charge is per m² of floor area; give the floor "
            "area (m²).",
            field="area_m2",
        )
    area = permit.area_m2
    if permit.daily_wage is not None:
        wage, wage_from = permit.daily_wage, "input"
    else:
        try:
            wage = int(usage.use(policy.resolve("wages.minimum_daily_wage", permit.dated)))
        except PolicyError:
            raise InvalidInput(
                "construction.daily_wage_needed",
                f"حداقل مزد روزانه در {format_jalali(permit.dated)} در سیاست‌ها ثبت نشده است؛ "
                "حداقل مزد روزانه آن سال را وارد کنید.",
                f"The minimum daily wage on {format_jalali(permit.dated)} is not in the policy "
                "data; give that year's minimum daily wage.",
                field="daily_wage",
            ) from None
        wage_from = "wages.minimum_daily_wage"
    mode_r = policy.resolve(f"{P}.area_rate_mode", permit.dated)
    usage.add(mode_r.provenance)
    small_max = applied.small_area_max_m2
    small, large = applied.small_area_percent, applied.large_area_percent
    assert small_max is not None and small is not None and large is not None
    a = Fraction(area)
    if a <= small_max:
        exact = a * Fraction(small) / 100 * wage
        how_en = f"{area} m² × {fmt_percent(small)}% × {wage:,}"
        how_fa = f"{area} متر مربع × {fmt_percent(small)}٪ × {wage:,}"
        rate: Decimal | None = small
    elif mode_r.value == "marginal":
        exact = (small_max * Fraction(small) + (a - small_max) * Fraction(large)) / 100 * wage
        how_en = (
            f"({small_max} m² × {fmt_percent(small)}% + {area - small_max} m² × "
            f"{fmt_percent(large)}%) × {wage:,}"
        )
        how_fa = (
            f"({small_max} متر × {fmt_percent(small)}٪ + {area - small_max} متر × "
            f"{fmt_percent(large)}٪) × {wage:,}"
        )
        rate = None
    else:
        exact = a * Fraction(large) / 100 * wage
        how_en = f"{area} m² × {fmt_percent(large)}% × {wage:,}"
        how_fa = f"{area} متر مربع × {fmt_percent(large)}٪ × {wage:,}"
        rate = large
    amount = half_up(exact)
    reasons = [
        Reason(
            "construction.owner_share",
            f"طبق «{applied.name_fa}»، سهم مالک {how_fa} (حداقل مزد روزانه) = {amount:,} ریال.",
            f"Under '{applied.name_en}', the owner's share is {how_en} (minimum daily wage) = "
            f"{amount:,} rial.",
            passed=True,
            parameter=LAW,
            reference=REF,
        )
    ]
    if wage_from == "input":
        reasons.append(
            Reason(
                "construction.daily_wage_input",
                f"حداقل مزد روزانه {wage:,} ریال را شما وارد کرده‌اید.",
                f"The minimum daily wage of {wage:,} rial is your input.",
                passed=True,
            )
        )
    if permit.total_fees:
        reasons.append(
            Reason(
                "construction.fees_not_counted",
                "در این نسخه از قانون عوارض پروانه مبنای حق بیمه نیست.",
                "Under this version the permit fees are not the base of the charge.",
                passed=True,
                parameter=LAW,
                reference=REF,
            )
        )
    share_ = OwnerShare(
        reference=permit.reference,
        dated=permit.dated,
        version=law.version,
        version_name_en=law.name_en,
        version_name_fa=law.name_fa,
        version_since=law.since,
        applied_version=applied.version,
        method=applied.owner_method,
        counted_fee_types=(),
        counted_fees_rial=0,
        excluded_fees_rial=permit.total_fees,
        area_m2=area,
        daily_wage_rial=wage,
        rate_percent=rate,
        owner_share_rial=amount,
    )
    return share_, reasons


def permit_contribution(policy: PolicyReader, permit: Permit) -> Decision[OwnerShare]:
    """The owner's share for one permit by the law in force on its date. Outcome
    ``computed``, ``computed_with_fallback`` or ``not_modelled`` (refused, with reasons)."""
    usage = Usage()
    result = _owner_share(policy, permit, usage)
    return Decision(
        outcome=result.outcome,
        value=result.share,
        policy_hash=policy.hash,
        as_of=permit.dated,
        reasons=result.reasons,
        warnings=usage.warnings(),
    )
