"""Yearly rows from monthly structures: averages, reference averages, caps and entitlements
of every account's counted years (docs/rules.md §1.3), as the month-end kernel computes them
(``kernel.account_month_end``) and as the forecast recomputes them under a variant's terms
over the same months.

Exact integer arithmetic: the pro-rata division is a float estimate corrected by an exact
residual modulo 2^64 (``_floor_ratio``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tashilat.adapters.batch.terms import TermTable
from tashilat.domain.errors import InvalidInput

I8 = npt.NDArray[np.int8]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


def _floor_ratio(cap: I64, m: I64, sr: I64) -> I64:
    """``floor(cap·m / sr)`` exactly for ``0 ≤ m ≤ sr``, ``0 < sr``, ``0 ≤ cap < 2^50``."""
    with np.errstate(over="ignore"):
        est = np.floor(cap.astype(np.float64) * (m.astype(np.float64) / sr)).astype(np.int64)
        resid = cap * m - est * sr  # exact modulo 2^64; the true value lies in (−sr, 2·sr)
    est -= resid < 0
    with np.errstate(over="ignore"):
        resid = cap * m - est * sr
    est += resid >= sr
    return est


@dataclass
class YearRows:
    """One row per (account, counted year), account after account (``yoff`` its offsets)."""

    yoff: I64
    y_row: I64  # the account's row in the partition
    y_k: I64  # 1-based account year
    average: I64
    reference: I64
    cap: I64  # 0 where not eligible
    entitlement: I64
    eligible: B


def year_rows(
    struct: I64, goff: I64, counted: I64, piece: I64, tier: I8, terms: TermTable
) -> YearRows:
    """Yearly averages, caps and entitlements of every account's counted years from its
    monthly structures: ``struct`` holds each account's months from ``goff[row]`` on (extra
    slots after its counted years are ignored); ``piece`` is each account's cohort piece in
    ``terms``. The forecast calls it again under a variant's terms over the same months."""
    n_acc = len(counted)
    n_years = int(counted.sum())
    yoff = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(counted, out=yoff[1:])
    y_row = np.repeat(np.arange(n_acc, dtype=np.int64), counted)
    y_k = np.arange(n_years, dtype=np.int64) - yoff[:-1][y_row] + 1  # 1-based year
    gcs = np.zeros(len(struct) + 1, dtype=np.int64)
    with np.errstate(over="ignore"):
        np.cumsum(struct, out=gcs[1:])
        g0 = goff[:-1][y_row] + 12 * y_k
        y_avg = (gcs[g0] - gcs[g0 - 12]) // 12
        acs = np.zeros(n_years + 1, dtype=np.int64)
        np.cumsum(y_avg, out=acs[1:])
        sa = acs[1:] - acs[yoff[:-1]][y_row]
    y_piece = piece[y_row]
    y_tier = tier.astype(np.int64)[y_row]
    y_ref = terms.ref[y_piece, y_k - 1]
    sr = terms.cum_ref[y_piece, y_k]
    eligible = y_k >= terms.min_wait[y_piece]
    y_cap = np.where(eligible, terms.caps[y_piece, y_tier - 1, y_k - 1], 0)
    sr_pos = np.maximum(sr, 1)
    pro = _floor_ratio(y_cap, np.clip(sa, 0, sr_pos), sr_pos)
    aon = terms.all_or_nothing[y_piece]
    ent = np.where(aon, np.where(sa >= sr, y_cap, 0), np.where(sa > 0, pro, 0))
    ent = np.where((sr > 0) & eligible, ent, 0)
    unit = terms.unit[y_piece]
    ent -= ent % unit
    if n_years and bool(terms.keep_best.any()):
        bits = max(int(ent.max()).bit_length(), 1)
        if n_acc.bit_length() + bits > 62:  # pragma: no cover - absurd caps
            raise InvalidInput("batch.too_large", "بخش بزرگ است.", "Partition too large.")
        key = (y_row << bits) + ent
        np.maximum.accumulate(key, out=key)
        best = key - (y_row << bits)
        ent = np.where(terms.keep_best[y_piece], best, ent)
    return YearRows(yoff, y_row, y_k, y_avg, y_ref, y_cap, ent, eligible)
