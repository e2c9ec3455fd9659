"""Helpers of the forecast tests: a scenario context and a partition from plain values."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from tashilat.adapters.batch.calendar import epoch_day
from tashilat.adapters.batch.forecast import ForecastContext, project
from tashilat.adapters.batch.kernel import NO_DAY, Accounts
from tashilat.domain.programs.youth_fund import rules
from tashilat.jobs import forecast as job
from tashilat.policy.overlay import parse_overlay, snapshot_with

Acc = tuple[int, date, int, list[rules.Event]]  # id, opened, tier, movements


def policy_with(values: dict[str, Any], since: tuple[str, ...] = ("1397/01/01",)) -> Any:
    """The shipped policy with the given parameters set from each date of ``since``
    (illustrative), so every cohort entry of those dates is replaced."""
    return _policy_with(tuple(sorted(values.items())), since)


@lru_cache(maxsize=16)
def _policy_with(items: tuple[tuple[str, Any], ...], since: tuple[str, ...]) -> Any:
    values = dict(items)
    doc = {
        "name": "test",
        "parameters": {
            path: {
                "values": [
                    {
                        "since": when,
                        "value": value,
                        "status": "illustrative",
                        "note": "test",
                        "note_fa": "آزمون",
                    }
                    for when in since
                ]
            }
            for path, value in values.items()
        },
    }
    return snapshot_with([parse_overlay(doc)])


def context(policy: Any, accs: list[Acc], as_of: date, years: int) -> ForecastContext:
    manifest = {"as_of": as_of.isoformat(), "open_days": sorted({epoch_day(a[1]) for a in accs})}
    return job.scenario_context(manifest, job.Scenario("s", policy), as_of, years)


def accounts(accs: list[Acc], used: list[date | None] | None = None) -> Accounts:
    evs = [sorted(a[3], key=lambda e: e.on) for a in accs]
    return Accounts(
        account_id=np.array([a[0] for a in accs], dtype=np.int64),
        open_day=np.array([epoch_day(a[1]) for a in accs], dtype=np.int32),
        tier=np.array([a[2] for a in accs], dtype=np.int8),
        n_events=np.array([len(e) for e in evs], dtype=np.int32),
        day=np.array([epoch_day(x.on) for e in evs for x in e], dtype=np.int32),
        amount=np.array([x.amount for e in evs for x in e], dtype=np.int64),
        privilege_day=None
        if used is None
        else np.array([NO_DAY if u is None else epoch_day(u) for u in used], dtype=np.int32),
    )


def run(
    policy: Any,
    accs: list[Acc],
    as_of: date,
    years: int,
    province: list[int] | None = None,
    n_prov: int = 1,
    used: list[date | None] | None = None,
) -> Any:
    """``[year, bin, metric]`` of one partition holding ``accs``."""
    fc = context(policy, accs, as_of, years)
    prov = np.array(province or [0] * len(accs), dtype=np.int64)
    return project(accounts(accs, used), prov, n_prov, fc)
