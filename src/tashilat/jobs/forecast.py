"""The fund's forecast end to end: the month-end's input (exported from a database, or a
run directory) → every partition under the baseline and each variant (local or Dask) →
sums per projected Jalali year, in total, by tier and by province (docs/forecast.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tashilat.adapters.batch import export, forecast_io, runner
from tashilat.adapters.batch.calendar import epoch_day, from_epoch_day
from tashilat.adapters.batch.forecast import METRICS, Behaviour, ForecastContext
from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import add_months, format_jalali, jalali_year, start_of_year
from tashilat.domain.programs.youth_fund import rules
from tashilat.jobs import Target

MAX_YEARS = 30
FIGURES = (*METRICS, "net_rial")


@dataclass(frozen=True)
class Scenario:
    """A policy to forecast under: the baseline (no overlay) or a variant."""

    name: str
    policy: PolicyReader
    name_fa: str | None = None
    source: str | None = None  # the overlay file


@dataclass
class Sums:
    """Per scenario: ``total[year, metric]``, ``tier[year, tier-1, metric]`` and
    ``province[name][year, metric]``."""

    total: Any
    tier: Any
    province: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Forecast:
    as_of: date
    years: tuple[int, ...]
    accounts: int
    partitions: int
    scenarios: tuple[Scenario, ...]
    sums: tuple[Sums, ...]
    assumptions: tuple[dict[str, Any], ...]


def _percent_bp(policy: PolicyReader, path: str, on: date) -> int:
    value = Decimal(str(policy.resolve(path, on).value)) * 100
    if value != value.to_integral_value() or not 0 <= value <= 10_000:
        raise InvalidInput(
            "forecast.percent",
            f"پارامتر {path} باید درصدی بین ۰ و ۱۰۰ با حداکثر دو رقم اعشار باشد.",
            f"{path} must be a percentage from 0 to 100 with at most two decimals.",
            field="variant",
        )
    return int(value)


def behaviour(policy: PolicyReader, on: date) -> Behaviour:
    """The forecast parameters in force on the as-of date (``parameters/forecast.yaml``)."""
    shares = [
        _percent_bp(policy, f"forecast.behaviour.{k}_percent", on)
        for k in ("repeat", "table", "stop")
    ]
    if sum(shares) != 10_000:
        raise InvalidInput(
            "forecast.shares",
            "جمع سهم رفتارهای واریز (ادامه، طبق جدول، توقف) باید ۱۰۰ درصد باشد.",
            "The deposit behaviour shares (repeat, table, stop) must add up to 100%.",
            field="variant",
        )
    return Behaviour(
        repeat_bp=shares[0],
        table_bp=shares[1],
        stop_bp=shares[2],
        newly_bp=_percent_bp(policy, "forecast.take_up.newly_eligible_percent", on),
        later_bp=_percent_bp(policy, "forecast.take_up.later_percent", on),
    )


def scenario_context(
    manifest: dict[str, Any], scenario: Scenario, as_of: date, years: int
) -> ForecastContext:
    """The scenario's context: the month-end context at the end of the horizon, deposit
    tables and loan terms of every cohort piece, and the forecast parameters."""
    policy = scenario.policy
    y0 = jalali_year(as_of)
    ends = tuple(epoch_day(start_of_year(y0 + j + 1)) for j in range(years))
    horizon = from_epoch_day(ends[-1])
    ctx = runner.context_for({**manifest, "as_of": horizon.isoformat()}, policy)
    pieces = [rules.cohort_terms(policy, from_epoch_day(s)) for s in ctx.terms.starts]
    width = max(y0 + years - min(t.cohort for t in pieces) + 2, 1)
    deposit = np.array(
        [[t.deposit_for_year(k) for k in range(1, width + 1)] for t in pieces], dtype=np.int64
    )
    starts = [from_epoch_day(s) for s in ctx.terms.starts]
    return ForecastContext(
        name=scenario.name,
        ctx=ctx,
        start=epoch_day(as_of),
        first_year=y0,
        year_ends=ends,
        window_start=epoch_day(add_months(as_of, -12)),
        deposit=deposit.reshape(len(pieces), width),
        loan_rate=tuple(
            str(policy.resolve("youth_fund.loan.rate_percent", s).value) for s in starts
        ),
        loan_months=tuple(
            int(policy.resolve("youth_fund.loan.max_term_months", s).value) for s in starts
        ),
        instalment_unit=int(policy.resolve("finance.rounding_unit", as_of).value),
        behaviour=behaviour(policy, as_of),
    )


def check_horizon(years: int) -> None:
    if not 1 <= years <= MAX_YEARS:
        raise InvalidInput(
            "forecast.years",
            f"افق پیش‌بینی باید بین ۱ و {MAX_YEARS} سال باشد.",
            f"The horizon must be 1 to {MAX_YEARS} years.",
            field="years",
        )


def prepare_run(
    *,
    as_of: date,
    run: Path,
    policy: PolicyReader,
    container: Target | None,
    partition_size: int = 16384,
    province_of: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """The run directory's manifest, exporting the database into it first when given."""
    if container is not None:
        manifest = export.export(
            container.engine, run, as_of=as_of, policy=policy, partition_size=partition_size
        )
        forecast_io.export_provinces(
            container.engine, run, manifest, province_of or (lambda city: "")
        )
        return manifest
    manifest = runner.read_manifest(run)
    if manifest.get("as_of") != as_of.isoformat():
        raise InvalidInput(
            "forecast.run_as_of",
            f"پوشه اجرا در تاریخ {manifest.get('as_of_jalali')} ساخته شده است؛ همان تاریخ را "
            "بدهید.",
            f"The run directory holds the accounts as of {manifest.get('as_of_jalali')}; "
            "forecast from that date.",
            field="as_of",
        )
    return manifest


def run_forecast(
    *,
    as_of: date,
    years: int,
    run: Path,
    manifest: dict[str, Any],
    scenarios: Sequence[Scenario],
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> Forecast:
    """Every partition of ``run`` under every scenario, summed."""
    check_horizon(years)
    contexts = [scenario_context(manifest, s, as_of, years) for s in scenarios]
    parts = int(manifest.get("partitions") or 0)
    results: list[tuple[list[str], list[Any]]] = []
    if engine == "dask":
        with runner.dask_client(scheduler, workers) as client:
            from dask.distributed import as_completed

            scattered = client.scatter(contexts, broadcast=True)
            futures = [
                client.submit(forecast_io.forecast_partition, str(run), p, scattered, pure=False)
                for p in range(parts)
            ]
            done = as_completed(futures)  # type: ignore[no-untyped-call]
            for n, fut in enumerate(done, start=1):
                results.append(fut.result())
                if progress:
                    progress(n, parts)
    else:
        for p in range(parts):
            results.append(forecast_io.forecast_partition(str(run), p, contexts))
            if progress:
                progress(p + 1, parts)
    sums = []
    for s in range(len(contexts)):
        total = np.zeros((years, len(METRICS)), dtype=np.int64)
        tier = np.zeros((years, 3, len(METRICS)), dtype=np.int64)
        province: dict[str, Any] = {}
        for names, arrays in results:
            a = arrays[s].reshape(years, len(names), 3, len(METRICS))
            total += a.sum(axis=(1, 2))
            tier += a.sum(axis=1)
            for i, name in enumerate(names):
                by = a[:, i].sum(axis=1)
                if name in province:
                    province[name] = province[name] + by
                else:
                    province[name] = by
        sums.append(Sums(total, tier, dict(sorted(province.items()))))
    y0 = jalali_year(as_of)
    return Forecast(
        as_of=as_of,
        years=tuple(range(y0, y0 + years)),
        accounts=int(manifest.get("accounts") or 0),
        partitions=parts,
        scenarios=tuple(scenarios),
        sums=tuple(sums),
        assumptions=tuple(_assumptions(s.policy, as_of) for s in scenarios),
    )


def _assumptions(policy: PolicyReader, on: date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in (
        "forecast.behaviour.repeat_percent",
        "forecast.behaviour.table_percent",
        "forecast.behaviour.stop_percent",
        "forecast.take_up.newly_eligible_percent",
        "forecast.take_up.later_percent",
        "youth_fund.savings_profit_rate_percent",
    ):
        r = policy.resolve(path, on)
        out[path] = {"value": str(r.value), "status": r.provenance.status.value}
    return out


# -- shaping ---------------------------------------------------------------------------------


def _figures(row: Any) -> dict[str, int]:
    d = {m: int(row[i]) for i, m in enumerate(METRICS)}
    d["net_rial"] = (
        d["disbursements_rial"] + d["profit_rial"] - d["deposits_rial"] - d["repayments_rial"]
    )
    return d


def year_rows(f: Forecast, s: int) -> list[dict[str, Any]]:
    """The scenario's years as the ``--json`` output gives them."""
    sums = f.sums[s]
    rows = []
    for j, year in enumerate(f.years):
        row: dict[str, Any] = {"year": year, **_figures(sums.total[j])}
        row["by_tier"] = {str(t + 1): _figures(sums.tier[j, t]) for t in range(3)}
        row["by_province"] = {(k or "unknown"): _figures(v[j]) for k, v in sums.province.items()}
        rows.append(row)
    return rows


def _difference(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"year": a["year"]}
    for k in FIGURES:
        out[k] = a[k] - b[k]
    out["by_tier"] = {
        t: {k: a["by_tier"][t][k] - b["by_tier"][t][k] for k in FIGURES} for t in a["by_tier"]
    }
    zero = dict.fromkeys(FIGURES, 0)
    names = sorted(set(a["by_province"]) | set(b["by_province"]))
    out["by_province"] = {
        p: {k: a["by_province"].get(p, zero)[k] - b["by_province"].get(p, zero)[k] for k in FIGURES}
        for p in names
    }
    return out


def as_json(f: Forecast) -> dict[str, Any]:
    """``{"as_of", "years": [...], "variants": [{..., "years", "difference"}]}``."""
    base = year_rows(f, 0)
    variants = []
    for s in range(1, len(f.scenarios)):
        sc = f.scenarios[s]
        rows = year_rows(f, s)
        variants.append(
            {
                "name": sc.name,
                "name_fa": sc.name_fa,
                "file": sc.source,
                "policy_hash": sc.policy.hash,
                "assumptions": f.assumptions[s],
                "years": rows,
                "difference": [_difference(v, b) for v, b in zip(rows, base, strict=True)],
            }
        )
    return {
        "as_of": format_jalali(f.as_of),
        "horizon_years": len(f.years),
        "accounts": f.accounts,
        "partitions": f.partitions,
        "policy_hash": f.scenarios[0].policy.hash,
        "assumptions": f.assumptions[0],
        "years": base,
        "variants": variants,
    }


CSV_COLUMNS = ("scenario", "year", "group", "key", *FIGURES)


def csv_rows(f: Forecast) -> list[list[Any]]:
    """One row per scenario, year and group (total, each tier, each province), differences
    of each variant from the baseline included as scenario ``<name> − baseline``."""
    return csv_rows_of(as_json(f))


def csv_rows_of(doc: dict[str, Any]) -> list[list[Any]]:
    """:func:`csv_rows` of a forecast's JSON answer."""
    out: list[list[Any]] = []
    blocks = [("baseline", doc["years"])]
    for v in doc["variants"]:
        blocks.append((v["name"], v["years"]))
        blocks.append((f"{v['name']} - baseline", v["difference"]))
    for name, rows in blocks:
        for r in rows:
            out.append([name, r["year"], "total", "", *(r[k] for k in FIGURES)])
            for t, fig in r["by_tier"].items():
                out.append([name, r["year"], "tier", t, *(fig[k] for k in FIGURES)])
            for p, fig in r["by_province"].items():
                out.append([name, r["year"], "province", p, *(fig[k] for k in FIGURES)])
    return out


# -- inputs ------------------------------------------------------------------------------------


def load_variant(path: Path) -> Scenario:
    """A variant from an overlay file (``policy.overlay``), validated like the shipped
    policy; a file that does not load or validate is bad input, named with its findings."""
    from tashilat.policy import PolicyValidationError
    from tashilat.policy.overlay import load_overlay, snapshot_with

    try:
        overlay = load_overlay(path)
        policy = snapshot_with([overlay])
    except PolicyValidationError as exc:
        found = "; ".join(f"{f.path}: {f.message_en}" for f in exc.findings[:5])
        found_fa = "؛ ".join(f"{f.path}: {f.message_fa}" for f in exc.findings[:5])
        raise InvalidInput(
            "forecast.variant_invalid",
            f"فایل گزینه {path} پذیرفته نشد: {found_fa}",
            f"The variant file {path} was refused: {found}",
            field="variant",
        ) from exc
    return Scenario(overlay.name, policy, overlay.name_fa, str(path))


def overlay_variant(doc: dict[str, Any], field: str = "variants") -> Scenario:
    """A variant from an overlay document (the API's), validated like :func:`load_variant`."""
    from tashilat.policy import PolicyValidationError
    from tashilat.policy.overlay import parse_overlay, snapshot_with

    try:
        overlay = parse_overlay(doc)
        policy = snapshot_with([overlay])
    except PolicyValidationError as exc:
        found = "; ".join(f"{f.path}: {f.message_en}" for f in exc.findings[:5])
        found_fa = "؛ ".join(f"{f.path}: {f.message_fa}" for f in exc.findings[:5])
        raise InvalidInput(
            "forecast.variant_invalid",
            f"گزینه «{doc.get('name')}» پذیرفته نشد: {found_fa}",
            f"The variant '{doc.get('name')}' was refused: {found}",
            field=field,
        ) from exc
    return Scenario(overlay.name, policy, overlay.name_fa)


def text_variant(text: str) -> Scenario:
    """A variant from overlay YAML typed or pasted by an analyst."""
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(
            "forecast.variant_yaml",
            "متن گزینه YAML درستی نیست.",
            f"The variant is not valid YAML: {str(exc).splitlines()[0]}",
            field="variant",
        ) from exc
    if not isinstance(doc, dict):
        raise InvalidInput(
            "forecast.variant_yaml",
            "گزینه باید نگاشتی با name و parameters باشد.",
            "The variant must be a mapping with name and parameters.",
            field="variant",
        )
    return overlay_variant(doc, field="variant")


def caps_variant(percent: int) -> Scenario:
    """A variant with every youth-fund cap scaled by ``percent`` (``overlay.scale_caps``)."""
    from tashilat.policy.overlay import scale_caps, snapshot_with

    overlay = scale_caps(percent)
    return Scenario(overlay.name, snapshot_with([overlay]), overlay.name_fa)


@lru_cache(maxsize=4096)
def province_of_city(city: str) -> str:
    """The Persian name of the province of a city of the shipped city list ("" if unknown).
    Accounts store the city as typed or as a label such as «تهران (Tehran)»: the name, then
    the part before the bracket, then the part inside it are tried."""
    from tashilat.data import load_city_index

    index = load_city_index()
    head, _, rest = city.partition(" (")
    for name in dict.fromkeys((city, head, rest.rstrip(")"))):
        if not name.strip():
            continue
        try:
            return index.lookup(name).province_fa
        except TashilatError:  # not in the list, or a name several cities share
            continue
    return ""
