"""A youth-fund cohort's terms from policy (docs/rules.md §1.1): the caps and reference
structures of the cohort an account opened in, carried forward when a later year is not
yet published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from tashilat.domain.decision import PolicyReader, Provenance, Status, Usage, Warning
from tashilat.domain.jalali import jalali_year

P = "youth_fund"
TIERS = ("tier_1", "tier_2", "tier_3")
REF_CAPS = "docs/rules.md §1.1; Bank Maskan announcement of the cohort's caps"
REF_ENTITLEMENT = "docs/rules.md §1.3 (Bank Maskan: average of each year = structure / 12)"


@dataclass(frozen=True)
class CohortTerms:
    """The terms an account keeps for life, fixed by its opening date."""

    opened_on: date
    cohort: int
    min_wait_years: int
    max_wait_years: int
    min_opening_deposit: int
    deposit_table: tuple[int, ...]
    caps: Mapping[int, tuple[int, int, int]]
    cap_cells: Mapping[str, Provenance]
    caps_provenance: Provenance
    between: str
    interpolation_unit: int
    structure_mode: str
    entitlement_mode: str
    accrual: str
    rounding_unit: int
    provenances: tuple[Provenance, ...]  # every figure above except the caps
    # the last published cohort whose terms this later cohort carries forward, if any
    carried_from: int | None = None
    # whether the profit credited to the account counts in its structures (``profit``)
    profit_counts: bool = False

    def deposit_for_year(self, k: int) -> int:
        """d_k; after the table ends the last year's amount continues."""
        return self.deposit_table[min(k, len(self.deposit_table)) - 1]


# A date after any cohort the policy data could publish: what it resolves to is the latest one.
_LATEST = date(2200, 1, 1)


def _carried(p: Provenance, published: int, cohort: int) -> Provenance:
    """The provenance of a figure published for cohort ``published`` and carried forward to a
    later ``cohort``: whatever its status for its own cohort, for this one it is assumed."""
    if p.status in (Status.ILLUSTRATIVE, Status.ASSUMED) and p.note:
        note_en, note_fa = p.note, p.note_fa or ""
    else:
        note_en, note_fa = "", ""
    return replace(
        p,
        status=Status.ILLUSTRATIVE if p.status is Status.ILLUSTRATIVE else Status.ASSUMED,
        note=f"Published for the {published} cohort and carried forward to the {cohort} "
        f"cohort, whose terms are not published. {note_en}".strip(),
        note_fa=f"برای حساب‌های {published} اعلام شده و به حساب‌های {cohort} که شرایطشان "
        f"اعلام نشده تعمیم یافته است. {note_fa}".strip(),
    )


def cohort_terms(policy: PolicyReader, opened_on: date) -> CohortTerms:
    """Resolve every cohort-keyed figure as of the opening date.

    An account opened after the last published cohort gets that cohort's terms carried
    forward (docs/rules.md §1.3), and every figure of them is then ``assumed``."""
    caps_r = policy.resolve(f"{P}.caps", opened_on)
    cohort = jalali_year(opened_on)
    latest = policy.resolve(f"{P}.caps", _LATEST).provenance.since
    published = jalali_year(caps_r.provenance.since)
    carried_from = published if caps_r.provenance.since == latest and cohort > published else None

    def mark(p: Provenance) -> Provenance:
        return p if carried_from is None else _carried(p, published, cohort)

    u = Usage()

    def get(path: str, *, by_cohort: bool = False) -> Any:
        r = policy.resolve(f"{P}.{path}", opened_on)
        u.add(mark(r.provenance) if by_cohort else r.provenance)
        return r.value

    caps: dict[int, tuple[int, int, int]] = {
        int(year): (int(t["tier_1"]), int(t["tier_2"]), int(t["tier_3"]))
        for year, t in caps_r.value.items()
    }
    return CohortTerms(
        opened_on=opened_on,
        cohort=cohort,
        min_wait_years=int(get("min_wait_years", by_cohort=True)),
        max_wait_years=int(get("max_wait_years", by_cohort=True)),
        min_opening_deposit=int(get("min_opening_deposit", by_cohort=True)),
        deposit_table=tuple(int(v) for v in get("deposit_table", by_cohort=True)),
        caps=caps,
        cap_cells={k: mark(v) for k, v in caps_r.cells.items()},
        caps_provenance=mark(caps_r.provenance),
        between=str(get("cap_between_points", by_cohort=True)),
        interpolation_unit=int(get("cap_interpolation_unit")),
        structure_mode=str(get("monthly_structure")),
        entitlement_mode=str(get("entitlement_mode")),
        accrual=str(get("entitlement_accrual")),
        rounding_unit=int(get("entitlement_rounding_unit")),
        profit_counts=bool(get("profit_counts_toward_averages")),
        provenances=u.provenances,
        carried_from=carried_from,
    )


def carried_forward_warning(terms: CohortTerms) -> tuple[Warning, ...]:
    """The warning an answer carries when the cohort's terms are a later cohort's, carried
    forward (empty otherwise)."""
    if terms.carried_from is None:
        return ()
    return (
        Warning(
            code="youth_fund.terms_carried_forward",
            message_fa=f"شرایط حساب‌های افتتاح‌شده در {terms.cohort} اعلام نشده است؛ شرایط "
            f"حساب‌های {terms.carried_from} (حداقل و حداکثر مدت انتظار، سقف‌ها، حداقل مبلغ "
            "افتتاح و جدول واریز) فرض شده است.",
            message_en=f"The terms of accounts opened in {terms.cohort} are not published; the "
            f"{terms.carried_from} cohort's terms (waits, caps, minimum opening deposit and "
            "deposit table) are carried forward and assumed.",
            parameter=f"{P}.caps",
            status=Status.ASSUMED,
        ),
    )
