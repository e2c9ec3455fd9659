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

The law in force and the permit (:mod:`.law`) and the owner's share on one permit
(:mod:`.owner_share`) live in their own modules; this one totals a batch of permits, computes
the worker's share and re-exports every name for callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tashilat.domain.decision import Decision, PolicyReader, Reason, Usage
from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.construction.law import (
    FEE_LABELS,
    LAW,
    MAX_AREA_M2,
    REF,
    FeeType,
    LawVersion,
    P,
    Permit,
    _amount,
    law_in_force,
    previous_modelled,
)
from tashilat.domain.programs.construction.owner_share import (
    OwnerShare,
    _owner_share,
    permit_contribution,
)
from tashilat.domain.programs.wages.numbers import fmt_percent, half_up, share

__all__ = [
    "FEE_LABELS",
    "LAW",
    "MAX_AREA_M2",
    "REF",
    "Batch",
    "BatchRow",
    "FeeType",
    "LawVersion",
    "OwnerShare",
    "P",
    "Permit",
    "VersionTotal",
    "WorkerShare",
    "batch_contribution",
    "law_in_force",
    "permit_contribution",
    "previous_modelled",
    "worker_contribution",
]


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
