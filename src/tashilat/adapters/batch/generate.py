"""Synthetic youth-fund accounts and loans, reproducible from a seed.

``N`` accounts opened across the cohorts 1397–1403 (more in later cohorts, as the program
grew; account ids follow the opening date, as a bank's sequence does), in the three city
tiers, each with one behaviour:

* table followers (40%): the cohort's table amount early in every account month;
* partial savers (25%): 30–90% of the table, skipping about one month in seven;
* lump sums (10%): a large opening deposit, sometimes one more lump later;
* withdrawers (15%): followers who take out a quarter of their savings up to three times
  (never below the balance floor);
* stoppers (10%): follow the table, then stop.

About 3% of the accounts past their minimum wait hold a disbursed loan (9%, 10–20 years),
mostly repaid on time; late payers leave their last instalments unpaid, some partly paid.

Each partition is generated from ``(seed, partition)`` alone, so any partition can be made
again without the others and the files are the same bytes every time. ``write_partitions``
writes the batch's input layout directly (for benchmarks); ``generate_load.load_database``
inserts the same accounts, movements and loans into a migrated database (end-to-end tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]

from tashilat.adapters.batch import layout
from tashilat.adapters.batch.calendar import DayTable, epoch_day, from_epoch_day
from tashilat.adapters.batch.terms import TermTable, build_terms
from tashilat.domain.decision import PolicyReader
from tashilat.domain.jalali import from_jalali

I64 = npt.NDArray[np.int64]
COHORTS = (1397, 1398, 1399, 1400, 1401, 1402, 1403)
COHORT_WEIGHTS = (1, 1, 2, 2, 2, 2, 2)
BEHAVIOURS = ("follower", "partial", "lump", "withdrawer", "stopper")
BEHAVIOUR_P = (0.40, 0.25, 0.10, 0.15, 0.10)
TIER_P = (0.3, 0.4, 0.3)
LOAN_RATE_E4 = 90_000  # 9% a year


@dataclass
class Partition:
    account_id: I64
    open_day: I64
    tier: npt.NDArray[np.int8]
    behaviour: npt.NDArray[np.int8]
    n_events: I64
    ev_day: I64
    ev_amount: I64
    # loans
    loan_id: I64
    loan_account: I64
    loan_principal: I64
    loan_months: I64
    loan_disbursed: I64
    n_instalments: I64
    i_id: I64
    i_number: I64
    i_due: I64
    i_amount: I64
    i_principal: I64
    i_profit: I64
    i_paid_principal: I64
    i_paid_profit: I64
    i_paid_on: I64  # −1 where unpaid
    i_penalty_accrued: I64
    i_penalty_paid: I64
    i_penalty_prior: I64
    i_penalty_from: I64  # −1 where NULL


@dataclass(frozen=True)
class Spec:
    accounts: int
    as_of: date
    seed: int = 7
    partition_size: int = 16384
    cohorts: tuple[int, ...] = COHORTS
    cohort_weights: tuple[int, ...] = COHORT_WEIGHTS
    loan_share: float = 0.03
    first_id: int = 1  # id of the first account (ids of customers, loans follow from it)

    @property
    def partitions(self) -> int:
        return max(1, -(-self.accounts // self.partition_size))


class Generator:
    def __init__(self, spec: Spec, policy: PolicyReader, days: DayTable | None = None) -> None:
        self.spec = spec
        self.days = days or DayTable.build()
        self.as_of = epoch_day(spec.as_of)
        starts = [epoch_day(from_jalali(c, 1, 1)) for c in spec.cohorts]
        ends = [min(epoch_day(from_jalali(c + 1, 1, 1)), self.as_of) for c in spec.cohorts]
        if any(e <= s for s, e in zip(starts, ends, strict=True)):
            raise ValueError("every cohort must begin before the as-of date")
        self.c_start = np.array(starts, dtype=np.int64)
        self.c_len = np.array(ends, dtype=np.int64) - self.c_start
        w = np.array(spec.cohort_weights, dtype=np.float64)
        self.c_cdf = np.concatenate([[0.0], np.cumsum(w / w.sum())])
        self.terms: TermTable = build_terms(policy, self.c_start)
        self.tables = self._deposit_tables(policy)
        self.floors = np.array(
            [
                int(policy.resolve("youth_fund.min_opening_deposit", from_epoch_day(int(s))).value)
                for s in self.terms.starts
            ],
            dtype=np.int64,
        )

    def _deposit_tables(self, policy: PolicyReader) -> I64:
        tables = [
            [int(v) for v in policy.resolve("youth_fund.deposit_table", from_epoch_day(s)).value]
            for s in self.terms.starts
        ]
        width = 40
        out = np.zeros((len(tables), width), dtype=np.int64)
        for g, t in enumerate(tables):
            out[g, : len(t)] = t
            out[g, len(t) :] = t[-1]
        return out

    # -- accounts and movements -------------------------------------------------------------

    def partition(self, part: int) -> Partition:
        spec = self.spec
        lo = part * spec.partition_size
        hi = min(spec.accounts, lo + spec.partition_size)
        n = hi - lo
        rng = np.random.default_rng([spec.seed, part])
        idx = np.arange(lo, hi, dtype=np.float64)
        # position in the opening sequence → cohort → day (ids follow opening dates)
        pos = (idx + rng.random(n)) / spec.accounts
        c = np.searchsorted(self.c_cdf, pos, side="right") - 1
        c = np.clip(c, 0, len(self.c_start) - 1)
        within = (pos - self.c_cdf[c]) / (self.c_cdf[c + 1] - self.c_cdf[c])
        open_day = self.c_start[c] + np.minimum(
            (within * self.c_len[c]).astype(np.int64), self.c_len[c] - 1
        )
        open_day = np.maximum.accumulate(open_day)
        account_id = np.arange(lo, hi, dtype=np.int64) + spec.first_id
        tier = (rng.choice(3, size=n, p=TIER_P) + 1).astype(np.int8)
        behaviour = rng.choice(len(BEHAVIOURS), size=n, p=BEHAVIOUR_P).astype(np.int8)
        piece = self.terms.piece_of(open_day)
        u = self.days.u_of(open_day)
        months = self.days.completed_months(open_day, self.as_of)

        # one candidate deposit per account month (including the month in progress)
        per = months + 1
        row = np.repeat(np.arange(n), per)
        off = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(per, out=off[1:])
        m = np.arange(len(row), dtype=np.int64) - off[:-1][row]  # 0-based month
        start = self.days.month_start(u[row], m + 1)
        next_start = self.days.month_start(u[row], m + 2)
        offset = np.where(rng.random(len(row)) < 0.45, 0, rng.integers(1, 5, len(row)))
        dday = np.minimum(start + offset, next_start - 1)
        dday = np.where(m == 0, open_day[row], dday)
        table = self.tables[piece[row], np.minimum(m // 12, self.tables.shape[1] - 1)]
        beh = behaviour[row]
        share = np.where(beh == 1, rng.integers(30, 91, n)[row], 100)
        amount = table * share // 100 // 10_000 * 10_000
        take = np.ones(len(row), dtype=bool)
        take &= ~((beh == 1) & (rng.random(len(row)) < 0.15))
        stop_at = rng.integers(6, 60, n)
        take &= ~((beh == 4) & (m >= stop_at[row]))
        lump = beh == 2
        take &= ~lump | (m == 0) | (rng.random(len(row)) < 0.02)
        amount = np.where(lump, self.tables[piece[row], 0] * rng.integers(20, 80, len(row)), amount)
        floor = self.floors[piece[row]]
        amount = np.where(m == 0, np.maximum(amount, floor), amount)
        take &= (amount > 0) & (dday < self.as_of)
        dep_row, dep_day, dep_amt, dep_m = row[take], dday[take], amount[take], m[take]

        # withdrawals: a quarter of what is above the floor, at most three, mid-month
        wd = (behaviour[dep_row] == 3) & (dep_m > 0) & (rng.random(len(dep_row)) < 0.06)
        cs = np.cumsum(dep_amt)
        first_of = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(dep_row, minlength=n), out=first_of[1:])
        before = np.concatenate([[0], cs])[first_of[:-1]][dep_row]
        saved = cs - before
        nth = np.cumsum(wd) - np.concatenate([[0], np.cumsum(wd)])[first_of[:-1]][dep_row]
        wd &= nth <= 3
        w_row = dep_row[wd]
        w_amt = (saved[wd] - self.floors[piece[w_row]]) // 4 // 10_000 * 10_000
        w_day = np.minimum(dep_day[wd] + rng.integers(8, 20, int(wd.sum())), self.as_of - 1)
        w_next = self.days.month_start(u[w_row], dep_m[wd] + 2) - 1
        w_day = np.minimum(w_day, w_next)
        ok = w_amt > 0
        all_row = np.concatenate([dep_row, w_row[ok]])
        all_day = np.concatenate([dep_day, w_day[ok]])
        all_amt = np.concatenate([dep_amt, -w_amt[ok]])
        order = np.lexsort((all_amt < 0, all_day, all_row))
        ev_row = all_row[order]
        n_events = np.bincount(ev_row, minlength=n).astype(np.int64)
        part_rows = Partition(
            account_id=account_id,
            open_day=open_day,
            tier=tier,
            behaviour=behaviour,
            n_events=n_events,
            ev_day=all_day[order],
            ev_amount=all_amt[order],
            **self._loans(rng, account_id, open_day, tier, piece, u, months),
        )
        return part_rows

    # -- loans -------------------------------------------------------------------------------

    def _loans(
        self,
        rng: np.random.Generator,
        account_id: I64,
        open_day: I64,
        tier: npt.NDArray[np.int8],
        piece: I64,
        u: I64,
        months: I64,
    ) -> dict[str, I64]:
        t = self.terms
        years = months // 12
        eligible_from = self.days.month_start(u, 12 * t.min_wait[piece] + 1)
        room = self.as_of - 35 - eligible_from
        has = (
            (years >= t.min_wait[piece])
            & (room > 0)
            & (rng.random(len(account_id)) < self.spec.loan_share * 4)
        )
        rows = np.flatnonzero(has)
        n = len(rows)
        disbursed = eligible_from[rows] + (rng.random(n) * room[rows]).astype(np.int64)
        k = np.minimum(years[rows], t.max_wait[piece[rows]])
        cap = t.caps[piece[rows], tier[rows].astype(np.int64) - 1, k - 1]
        principal = cap * rng.integers(40, 101, n) // 100 // 1_000_000 * 1_000_000
        principal = np.maximum(principal, 100_000_000)
        term = rng.choice([120, 180, 240], size=n)
        u_d = self.days.u_of(disbursed)
        due_n = np.maximum(self.days.completed_months(disbursed, self.as_of + 1), 0)
        due_n = np.minimum(due_n, term)
        loan_id = account_id[rows] * 10 + 1
        row = np.repeat(np.arange(n), due_n)
        off = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(due_n, out=off[1:])
        number = np.arange(len(row), dtype=np.int64) - off[:-1][row] + 1
        due = self.days.month_start(u_d[row], number + 1)
        i = LOAN_RATE_E4 / 1_000_000 / 12  # monthly rate as a fraction (synthetic data only)
        level = np.round(principal * i / (1 - (1 + i) ** -term.astype(np.float64)))
        g = (1 + i) ** (number - 1)
        bal_before = np.round(principal[row] * g - level[row] * (g - 1) / i).astype(np.int64)
        profit = np.round(bal_before * i).astype(np.int64)
        amt = level[row].astype(np.int64)
        prin = amt - profit
        # behaviour: 80% on time; 15% leave the last 1–3 unpaid; 5% one partly paid late
        kind = rng.choice(3, size=n, p=(0.80, 0.15, 0.05))
        unpaid_from = due_n - np.where(kind == 1, rng.integers(1, 4, n), 0)
        unpaid = number > unpaid_from[row]
        partial = (kind[row] == 2) & (number == due_n[row])
        paid_p = np.where(unpaid | partial, 0, prin)
        paid_f = np.where(unpaid | partial, 0, profit)
        paid_f = np.where(partial, profit, paid_f)
        paid_p = np.where(partial, prin // 2, paid_p)
        paid_on = np.where(unpaid | partial, -1, due)
        late_days = np.maximum(self.as_of - due, 0)
        pen_from = np.where(partial, np.minimum(due + 5, self.as_of), -1)
        # partly paid 5 days late: what it earned until then stays as the prior charge
        prior = np.where(
            partial, (prin + profit) * (LOAN_RATE_E4 + 60_000) * 5 // (1_000_000 * 365), 0
        )
        prior = np.where(partial & (late_days >= 5), prior, 0)
        pen_from = np.where(partial & (late_days < 5), -1, pen_from)
        accrued = np.where(
            unpaid & (late_days > 40), (prin + profit) * 150_000 * 30 // (1_000_000 * 365), 0
        )
        accrued = np.maximum(accrued, prior)
        pen_from = np.where(unpaid & (late_days > 40), due, pen_from)
        i_id = loan_id[row] * 1000 + number
        return {
            "loan_id": loan_id,
            "loan_account": account_id[rows],
            "loan_principal": principal,
            "loan_months": term.astype(np.int64),
            "loan_disbursed": disbursed,
            "n_instalments": due_n.astype(np.int64),
            "i_id": i_id,
            "i_number": number,
            "i_due": due,
            "i_amount": amt,
            "i_principal": prin,
            "i_profit": profit,
            "i_paid_principal": paid_p,
            "i_paid_profit": paid_f,
            "i_paid_on": paid_on,
            "i_penalty_accrued": accrued,
            "i_penalty_paid": np.zeros(len(row), dtype=np.int64),
            "i_penalty_prior": prior,
            "i_penalty_from": pen_from,
        }


def _date32(days: I64, null_below_zero: bool = False) -> pa.Array:
    arr = pa.array(days.astype(np.int32), type=pa.int32())
    if null_below_zero:
        arr = pa.array(days.astype(np.int32), type=pa.int32(), mask=days < 0)
    return arr.cast(pa.date32())


def input_tables(p: Partition) -> dict[str, pa.Table]:
    """The batch's input tables of one generated partition."""
    ev_acc = np.repeat(p.account_id, p.n_events)
    # each account's first loan payout (its privilege use), as the export finds it
    first_loan = np.full(len(p.account_id), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_loan, np.searchsorted(p.account_id, p.loan_account), p.loan_disbursed)
    first_loan[first_loan == np.iinfo(np.int64).max] = -1
    loan_rate = np.full(len(p.loan_id), LOAN_RATE_E4, dtype=np.int64)
    return {
        "accounts": pa.table(
            [
                p.account_id,
                _date32(p.open_day),
                p.tier,
                p.n_events.astype(np.int32),
                _date32(first_loan, null_below_zero=True),
            ],
            schema=layout.ACCOUNTS_IN,
        ),
        "events": pa.table([ev_acc, _date32(p.ev_day), p.ev_amount], schema=layout.EVENTS_IN),
        "loans": pa.table(
            [p.loan_id, p.loan_account, loan_rate, p.n_instalments.astype(np.int32)],
            schema=layout.LOANS_IN,
        ),
        "instalments": pa.table(
            [
                p.i_id,
                np.repeat(p.loan_id, p.n_instalments),
                p.i_number.astype(np.int32),
                _date32(p.i_due),
                p.i_amount,
                p.i_principal,
                p.i_profit,
                p.i_paid_principal,
                p.i_paid_profit,
                _date32(p.i_paid_on, True),
                p.i_penalty_accrued,
                p.i_penalty_paid,
                p.i_penalty_prior,
                _date32(p.i_penalty_from, True),
            ],
            schema=layout.INSTALMENTS_IN,
        ),
    }


def write_partitions(
    spec: Spec, policy: PolicyReader, run: Path, progress: Any = None
) -> dict[str, Any]:
    """Write every partition's input files into ``run/input`` and the run's manifest, as
    an export from a database would (restartable: finished partitions are kept)."""
    from tashilat.adapters.batch.runner import check_same_run, new_manifest

    manifest = check_same_run(run, spec.as_of, policy)
    if manifest and manifest.get("exported"):
        return manifest
    gen = Generator(spec, policy)
    manifest = new_manifest(
        as_of=spec.as_of,
        policy=policy,
        source=f"generated:seed={spec.seed}",
        partition_size=spec.partition_size,
        partitions=spec.partitions,
        accounts=spec.accounts,
    )
    run.mkdir(parents=True, exist_ok=True)
    layout.write_json(run / "manifest.json", manifest)
    layout.clean_temporaries(run)
    open_days: set[int] = set()
    events = 0
    for part in range(spec.partitions):
        p = gen.partition(part)
        open_days.update(np.unique(p.open_day).tolist())
        events += len(p.ev_day)
        if not all(layout.input_path(run, k, part).exists() for k in layout.INPUTS):
            for kind, table in input_tables(p).items():
                layout.write_table(layout.input_path(run, kind, part), table)
        if progress:
            progress(part, {"accounts": len(p.account_id), "events": len(p.ev_day)})
    manifest.update(exported=True, open_days=sorted(open_days), events=events)
    layout.write_json(run / "manifest.json", manifest)
    return manifest
