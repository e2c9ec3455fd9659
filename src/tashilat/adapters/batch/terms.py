"""Cohort terms as small arrays: resolved from the policy once per cohort, not per account.

A cohort's terms (``rules.cohort_terms``) depend on the opening date only through which
dated entry of each ``youth_fund`` parameter is in force on it, so they are constant
between consecutive ``since`` dates of those parameters. The batch splits the calendar at
those dates (a handful: 1397, 1399, 1400, …), calls ``rules.cohort_terms`` once for each
piece that holds accounts, and turns the result into arrays indexed by piece: reference
averages, caps by tier and year (``rules.cap_for_year``), waits and modes. For a policy
object that does not expose its dated entries every distinct opening date is its own
piece (still exact, merely slower).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from tashilat.adapters.batch.calendar import epoch_day, from_epoch_day
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import PolicyError
from tashilat.domain.programs.youth_fund import rules

# Every parameter ``rules.cohort_terms`` resolves by the opening date.
TERM_PATHS = (
    "youth_fund.min_wait_years",
    "youth_fund.max_wait_years",
    "youth_fund.min_opening_deposit",
    "youth_fund.deposit_table",
    "youth_fund.caps",
    "youth_fund.cap_between_points",
    "youth_fund.cap_interpolation_unit",
    "youth_fund.monthly_structure",
    "youth_fund.entitlement_mode",
    "youth_fund.entitlement_accrual",
    "youth_fund.entitlement_rounding_unit",
    "youth_fund.profit_counts_toward_averages",
)

I64 = npt.NDArray[np.int64]


def term_breaks(policy: PolicyReader) -> list[date] | None:
    """The dates at which any cohort term changes, or ``None`` if the policy does not say."""
    parameter = getattr(policy, "parameter", None)
    if parameter is None:
        return None
    dates: set[date] = set()
    for path in TERM_PATHS:
        dates.update(e.since for e in parameter(path).entries)
    return sorted(dates)


@dataclass(frozen=True)
class TermTable:
    """Cohort terms of ``n`` pieces, as arrays (index ``g`` = piece).

    ``cum_ref[g, k]`` is ``r_1 + … + r_k`` (``k`` = 0 … kmax), ``ref[g, k-1]`` is ``r_k``;
    ``caps[g, tier-1, k-1]`` is the cap at the end of year ``k`` (0 before the minimum wait,
    where no cap is defined)."""

    starts: tuple[int, ...]  # epoch day where each piece starts (sorted)
    per_date: bool  # True when every opening date is its own piece
    kmax: int
    min_wait: I64
    max_wait: I64
    closing: npt.NDArray[np.bool_]
    all_or_nothing: npt.NDArray[np.bool_]
    keep_best: npt.NDArray[np.bool_]
    profit_counts: npt.NDArray[np.bool_]
    unit: I64
    ref: I64
    cum_ref: I64
    caps: I64
    future_cap: I64  # [g, tier-1]: the cap at the minimum wait
    cohorts: tuple[int, ...]

    def piece_of(self, open_day: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        g = np.searchsorted(np.asarray(self.starts, dtype=np.int64), open_day, side="right") - 1
        if self.per_date:
            hit = np.asarray(self.starts, dtype=np.int64)[np.maximum(g, 0)] == open_day
            if not bool(np.all(hit & (g >= 0))):
                raise PolicyError(
                    "batch.terms_missing",
                    "شرایط گروه برای تاریخ افتتاح یک حساب محاسبه نشده است.",
                    "Cohort terms were not resolved for an account's opening date.",
                )
        elif bool(np.any(g < 0)):
            first = from_epoch_day(int(np.min(open_day)))
            raise PolicyError(
                "policy.not_in_force",
                "سیاست صندوق برای تاریخ افتتاح برخی حساب‌ها تعریف نشده است.",
                f"The youth-fund policy has no terms for an account opened on {first}.",
            )
        return g.astype(np.int64)


def build_terms(policy: PolicyReader, open_days: npt.NDArray[Any]) -> TermTable:
    """Resolve the terms of every piece that holds one of ``open_days`` (epoch days)."""
    distinct = sorted({int(d) for d in np.unique(open_days)})
    breaks = term_breaks(policy)
    if breaks is None:
        starts = distinct
        per_date = True
    else:
        bdays = [epoch_day(b) for b in breaks]
        used = sorted({bdays[i - 1] for i in (bisect_right(bdays, d) for d in distinct) if i})
        if len(used) < len({bisect_right(bdays, d) for d in distinct}):
            first = from_epoch_day(distinct[0])
            raise PolicyError(
                "policy.not_in_force",
                "سیاست صندوق برای تاریخ افتتاح برخی حساب‌ها تعریف نشده است.",
                f"The youth-fund policy has no terms for an account opened on {first}.",
            )
        starts = used
        per_date = False
    terms = [rules.cohort_terms(policy, from_epoch_day(s)) for s in starts]
    n = len(terms)
    kmax = max((t.max_wait_years for t in terms), default=1)
    ref = np.zeros((n, kmax), dtype=np.int64)
    caps = np.zeros((n, 3, kmax), dtype=np.int64)
    future = np.zeros((n, 3), dtype=np.int64)
    for g, t in enumerate(terms):
        ref[g, : t.max_wait_years] = rules.reference_averages(t, t.max_wait_years)
        for tier in (1, 2, 3):
            for k in range(t.min_wait_years, t.max_wait_years + 1):
                caps[g, tier - 1, k - 1] = rules.cap_for_year(t, k, tier).amount
            future[g, tier - 1] = rules.cap_for_year(t, t.min_wait_years, tier).amount
    if int(caps.max(initial=0)) >= 1 << 50:
        raise PolicyError(
            "batch.cap_too_large",
            "سقف تسهیلات برای محاسبه دسته‌ای بیش از حد بزرگ است.",
            "A cap is too large for the batch's exact integer arithmetic (2^50 rial).",
        )
    cum = np.zeros((n, kmax + 1), dtype=np.int64)
    np.cumsum(ref, axis=1, out=cum[:, 1:])
    return TermTable(
        starts=tuple(starts),
        per_date=per_date,
        kmax=kmax,
        min_wait=np.array([t.min_wait_years for t in terms], dtype=np.int64),
        max_wait=np.array([t.max_wait_years for t in terms], dtype=np.int64),
        closing=np.array([t.structure_mode == "closing_balance" for t in terms], dtype=bool),
        all_or_nothing=np.array([t.entitlement_mode == "all_or_nothing" for t in terms]),
        keep_best=np.array([t.accrual == "keep_best" for t in terms], dtype=bool),
        profit_counts=np.array([t.profit_counts for t in terms], dtype=bool),
        unit=np.array([t.rounding_unit for t in terms], dtype=np.int64),
        ref=ref,
        cum_ref=cum,
        caps=caps,
        future_cap=future,
        cohorts=tuple(t.cohort for t in terms),
    )
