"""Construction workers' insurance contributions by the law in force on the permit date
(docs/rules.md §4).

The text of article 5 in force on a permit's date (``construction.law``) decides the
owner's (employer's) share:

* **1379/08/17** (law of 1352 as amended): per m² of floor area, 3% (≤ 100 m²) or 4%
  (> 100 m²) of the minimum *daily* wage at the permit date; whether 4% covers the whole
  area or only the m² over 100 is ``construction.area_rate_mode`` (``assumed``:
  ``whole_area``, as docs/rules.md reads it);
* **1393/09/16**: 15% of the building-permit fees;
* **1402/06/22** (in force): 25% of the permit, density, demolition/renovation and
  major-repair fees;
* **1386** and **1401/11/05**: charging rules not modelled (not found, or suspended): the
  permit is **refused with a reason** unless ``construction.unmodelled_version`` is
  ``previous_text``, which applies the last modelled text before it, with a warning.

Fees the version does not count (e.g. density fees under the 1393 text) are reported, not
charged. The worker pays the version's ``worker_percent`` (7% from 1393) of a base
(``construction.worker_base``, ``assumed``: the monthly minimum wage of the year).
Amounts are rounded half-up to the rial (the one rounding point).

Worked example: 1,000,000,000 rial of fees dated 1402/07/01 → 250,000,000;
dated 1400/06/01 (the 1393 text) → 150,000,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from tashilat.domain.decision import Decision, PolicyReader, Provenance, Reason, Usage
from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.wages.numbers import fmt_percent, half_up, share

P = "construction"
LAW = f"{P}.law"
REF = (
    "Construction workers' insurance law, article 5 as in force on the permit date "
    "(docs/rules.md §4)"
)
MAX_AREA_M2 = Decimal(10_000_000)


class FeeType(StrEnum):
    PERMIT = "permit"
    DENSITY = "density"
    DEMOLITION_RENOVATION = "demolition_renovation"
    MAJOR_REPAIR = "major_repair"


FEE_LABELS: dict[str, tuple[str, str]] = {
    FeeType.PERMIT: ("عوارض صدور پروانه", "permit fees"),
    FeeType.DENSITY: ("عوارض تراکم", "density fees"),
    FeeType.DEMOLITION_RENOVATION: ("عوارض تخریب و نوسازی", "demolition/renovation fees"),
    FeeType.MAJOR_REPAIR: ("عوارض تعمیرات اساسی", "major-repair fees"),
}


def _amount(value: object, field: str, fa: str, en: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"construction.{field}",
            f"{fa} باید عدد صحیح ریالی باشد: {value!r}",
            f"The {en} must be a whole number of rials: {value!r}",
            field=field,
        )
    if value < 0:
        raise InvalidInput(
            "amount.negative",
            f"{fa} نمی‌تواند منفی باشد: {value:,}",
            f"The {en} cannot be negative: {value:,}",
            field=field,
        )
    return value


@dataclass(frozen=True)
class Permit:
    """A building permit: its date, its fees by type (rial), its floor area (m², needed
    only under the 1379 text) and, optionally, the minimum daily wage to use when the
    policy has none for that date."""

    dated: date
    permit_fees: int = 0
    density_fees: int = 0
    demolition_renovation_fees: int = 0
    major_repair_fees: int = 0
    area_m2: Decimal | None = None
    daily_wage: int | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        for t in FeeType:
            fa, en = FEE_LABELS[t]
            _amount(self.fee(t), f"{t.value}_fees", fa, en)
        if self.daily_wage is not None:
            _amount(self.daily_wage, "daily_wage", "حداقل مزد روزانه", "minimum daily wage")
        a = self.area_m2
        if a is not None and (
            not isinstance(a, Decimal) or not a.is_finite() or not 0 < a <= MAX_AREA_M2
        ):
            raise InvalidInput(
                "construction.area",
                f"زیربنا باید عددی مثبت (متر مربع) باشد: {a}",
                f"The floor area must be a positive number of m²: {a}",
                field="area_m2",
            )

    def fee(self, fee_type: str) -> int:
        value: int = {
            FeeType.PERMIT: self.permit_fees,
            FeeType.DENSITY: self.density_fees,
            FeeType.DEMOLITION_RENOVATION: self.demolition_renovation_fees,
            FeeType.MAJOR_REPAIR: self.major_repair_fees,
        }[FeeType(fee_type)]
        return value

    @property
    def total_fees(self) -> int:
        return sum(self.fee(t) for t in FeeType)


@dataclass(frozen=True)
class LawVersion:
    version: str
    since: date
    name_en: str
    name_fa: str
    owner_method: str  # per_square_metre | permit_fees | not_modelled
    fee_percent: Decimal | None
    fee_types: tuple[str, ...]
    small_area_max_m2: int | None
    small_area_percent: Decimal | None
    large_area_percent: Decimal | None
    worker_percent: Decimal | None
    provenance: Provenance

    @property
    def modelled(self) -> bool:
        return self.owner_method != "not_modelled"


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def law_in_force(policy: PolicyReader, on: date) -> LawVersion:
    """The version of article 5 in force on ``on``."""
    r = policy.resolve(LAW, on)
    v = r.value
    return LawVersion(
        version=str(v["version"]),
        since=r.provenance.since,
        name_en=str(v["name_en"]),
        name_fa=str(v["name_fa"]),
        owner_method=str(v["owner_method"]),
        fee_percent=_dec(v["fee_percent"]),
        fee_types=tuple(str(t) for t in v["fee_types"]),
        small_area_max_m2=None if v["small_area_max_m2"] is None else int(v["small_area_max_m2"]),
        small_area_percent=_dec(v["small_area_percent"]),
        large_area_percent=_dec(v["large_area_percent"]),
        worker_percent=_dec(v["worker_percent"]),
        provenance=r.provenance,
    )


def previous_modelled(policy: PolicyReader, law: LawVersion) -> LawVersion | None:
    """The last modelled version in force before ``law`` took effect (or ``None``)."""
    current = law
    while True:
        try:
            current = law_in_force(policy, current.since - timedelta(days=1))
        except PolicyError:
            return None
        if current.modelled:
            return current


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


# -- a batch of permits ----------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    row: int
    reference: str
    dated: date
    outcome: str  # computed | computed_with_fallback | not_modelled | error
    share: OwnerShare | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class VersionTotal:
    version: str
    permits: int
    fees_rial: int
    owner_share_rial: int


@dataclass(frozen=True)
class Batch:
    permits: int
    computed: int
    refused: int
    total_fees_rial: int
    total_owner_share_rial: int
    by_version: tuple[VersionTotal, ...]
    rows: tuple[BatchRow, ...]


def batch_contribution(policy: PolicyReader, permits: Sequence[Permit]) -> Decision[Batch]:
    """The owner's share of every permit, each by the law on its own date, with totals by
    version. A permit that cannot be computed (a version not modelled, a missing area or
    wage) is listed with its reasons and left out of the totals. Outcome ``computed``
    (all), ``partial`` or ``refused`` (none)."""
    if not permits:
        raise InvalidInput(
            "construction.empty_batch",
            "هیچ پروانه‌ای داده نشده است.",
            "No permits were given.",
            field="permits",
        )
    usage = Usage()
    rows: list[BatchRow] = []
    for n, permit in enumerate(permits, start=1):
        try:
            result = _owner_share(policy, permit, usage)
        except TashilatError as exc:
            rows.append(
                BatchRow(
                    n,
                    permit.reference,
                    permit.dated,
                    "error",
                    None,
                    (Reason(exc.code, exc.message_fa, exc.message_en, passed=False),),
                )
            )
            continue
        rows.append(
            BatchRow(
                n, permit.reference, permit.dated, result.outcome, result.share, result.reasons
            )
        )
    ok = [r for r in rows if r.share is not None and r.share.owner_share_rial is not None]
    totals: dict[str, VersionTotal] = {}
    for r in ok:
        assert r.share is not None and r.share.owner_share_rial is not None
        v = r.share.version
        prev = totals.get(v, VersionTotal(v, 0, 0, 0))
        totals[v] = VersionTotal(
            v,
            prev.permits + 1,
            prev.fees_rial + permits[r.row - 1].total_fees,
            prev.owner_share_rial + r.share.owner_share_rial,
        )
    value = Batch(
        permits=len(rows),
        computed=len(ok),
        refused=len(rows) - len(ok),
        total_fees_rial=sum(p.total_fees for p in permits),
        total_owner_share_rial=sum(t.owner_share_rial for t in totals.values()),
        by_version=tuple(totals[k] for k in sorted(totals)),
        rows=tuple(rows),
    )
    summary = Reason(
        "construction.batch",
        f"{value.computed} پروانه از {value.permits} محاسبه شد؛ جمع سهم مالکان "
        f"{value.total_owner_share_rial:,} ریال"
        + (f"؛ {value.refused} پروانه محاسبه نشد." if value.refused else "."),
        f"{value.computed} of {value.permits} permits computed; owners' shares total "
        f"{value.total_owner_share_rial:,} rial"
        + (f"; {value.refused} could not be computed." if value.refused else "."),
        passed=value.refused == 0,
        reference=REF,
    )
    outcome = "computed" if not value.refused else ("refused" if not ok else "partial")
    return Decision(
        outcome=outcome,
        value=value,
        policy_hash=policy.hash,
        as_of=max(p.dated for p in permits),
        reasons=(summary,),
        warnings=usage.warnings(),
    )


# -- the worker's share -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerShare:
    on: date
    version: str
    version_name_en: str
    version_name_fa: str
    percent: Decimal | None
    base_rial: int | None
    base_source: str | None
    monthly_rial: int | None
    workers: int
    months: int
    total_rial: int | None


def _count(value: object, field: str, fa: str, en: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise InvalidInput(
            f"construction.{field}",
            f"{fa} باید عدد صحیح بین ۱ و {high:,} باشد: {value!r}",
            f"The {en} must be a whole number from 1 to {high:,}: {value!r}",
            field=field,
        )
    return value


def worker_contribution(
    policy: PolicyReader,
    *,
    on: date,
    base: int | None = None,
    workers: int = 1,
    months: int = 1,
) -> Decision[WorkerShare]:
    """The construction worker's share on ``on``: the version's percentage (7% from 1393)
    of a base — ``base`` if given, else the monthly minimum wage of the year
    (``construction.worker_base``, ``assumed``) — for ``workers`` workers over ``months``
    months. Outcome ``computed`` or ``no_worker_share`` (the version sets none)."""
    _count(workers, "workers", "تعداد کارگران", "number of workers", 100_000_000)
    _count(months, "months", "تعداد ماه‌ها", "number of months", 1200)
    usage = Usage()
    law = law_in_force(policy, on)
    usage.add(law.provenance)
    common: dict[str, Any] = {
        "on": on,
        "version": law.version,
        "version_name_en": law.name_en,
        "version_name_fa": law.name_fa,
        "workers": workers,
        "months": months,
    }
    if law.worker_percent is None:
        reason = Reason(
            "construction.no_worker_share",
            f"در «{law.name_fa}» سهم کارگر تعیین نشده یا مدل نشده است.",
            f"'{law.name_en}' sets no worker's share (or it is not modelled).",
            passed=False,
            parameter=LAW,
            reference=REF,
        )
        return Decision(
            outcome="no_worker_share",
            value=WorkerShare(
                **common,
                percent=None,
                base_rial=None,
                base_source=None,
                monthly_rial=None,
                total_rial=None,
            ),
            policy_hash=policy.hash,
            as_of=on,
            reasons=(reason,),
            warnings=usage.warnings(),
        )
    if base is not None:
        base_rial = _amount(base, "worker_base", "مبنای سهم کارگر", "worker's base")
        source = "input"
    else:
        usage.use(policy.resolve(f"{P}.worker_base", on))
        try:
            base_rial = int(usage.use(policy.resolve("wages.minimum_monthly_wage", on)))
        except PolicyError:
            raise InvalidInput(
                "construction.worker_base_needed",
                f"حداقل دستمزد ماهانه در {format_jalali(on)} در سیاست‌ها ثبت نشده است؛ مبنای "
                "سهم کارگر را وارد کنید.",
                f"The monthly minimum wage on {format_jalali(on)} is not in the policy data; "
                "give the worker's base.",
                field="worker_base",
            ) from None
        source = "wages.minimum_monthly_wage"
    pct = law.worker_percent
    monthly = half_up(share(base_rial, pct))
    total = monthly * workers * months
    reason = Reason(
        "construction.worker_share",
        f"سهم کارگر طبق «{law.name_fa}» {fmt_percent(pct)}٪ از {base_rial:,} ریال = "
        f"{monthly:,} ریال در ماه؛ برای {workers:,} کارگر در {months} ماه {total:,} ریال.",
        f"Under '{law.name_en}' the worker pays {fmt_percent(pct)}% of {base_rial:,} rial = "
        f"{monthly:,} rial a month; {total:,} rial for {workers:,} workers over {months} "
        "months.",
        passed=True,
        parameter=f"{P}.worker_base" if source != "input" else LAW,
        reference=REF,
    )
    value = WorkerShare(
        **common,
        percent=pct,
        base_rial=base_rial,
        base_source=source,
        monthly_rial=monthly,
        total_rial=total,
    )
    return Decision(
        outcome="computed",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=(reason,),
        warnings=usage.warnings(),
    )


__all__ = [
    "Batch",
    "BatchRow",
    "FeeType",
    "LawVersion",
    "OwnerShare",
    "Permit",
    "VersionTotal",
    "WorkerShare",
    "batch_contribution",
    "law_in_force",
    "permit_contribution",
    "previous_modelled",
    "worker_contribution",
]
