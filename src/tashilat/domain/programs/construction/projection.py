"""A projection of the construction workers' insurance fund: resources, obligations and
deficit by year (docs/rules.md §4).

Obligations of year ``y`` = insured workers × per-capita yearly cost; resources = the
owners' contributions from permits + the workers' contributions. Every series starts from
its first-year value and changes by its own yearly trend (a percentage, negative for a
fall, as permit revenue in a recession); the figure of each year is computed exactly from
the first year's and rounded half-up once (workers to the person, money to the rial), so
rounding never accumulates.

The per-capita cost is not published (docs/rules.md §4): it is always the caller's input and
the answer says so. The insured count defaults to ``construction.insured_workers``
(800,000, ``seed``). Without a given total, workers' contributions are each insured
worker's share (the law in force on the first day of the first year, on its base) × 12.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tashilat.domain.decision import Decision, PolicyReader, Reason, Status, Usage, Warning
from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import MAX_YEAR, MIN_YEAR, start_of_year
from tashilat.domain.programs.construction.contributions import P, worker_contribution
from tashilat.domain.programs.wages.numbers import fmt_percent, grown, half_up, percent_of

REF = "docs/rules.md §4: the fund's resources (permit revenue, workers' 7%) against its obligations"
MAX_YEARS = 50


@dataclass(frozen=True)
class FundInputs:
    start_year: int
    years: int
    per_capita_cost: int
    permit_revenue: int
    insured: int | None = None
    insured_trend_percent: Decimal = Decimal(0)
    cost_trend_percent: Decimal = Decimal(0)
    permit_trend_percent: Decimal = Decimal(0)
    worker_contributions: int | None = None
    worker_trend_percent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if (
            isinstance(self.start_year, bool)
            or not isinstance(self.start_year, int)
            or not MIN_YEAR <= self.start_year <= MAX_YEAR
        ):
            raise InvalidInput(
                "fund.start_year",
                f"سال شروع باید سال شمسی بین {MIN_YEAR} و {MAX_YEAR} باشد: {self.start_year!r}",
                f"The start year must be a Jalali year from {MIN_YEAR} to {MAX_YEAR}: "
                f"{self.start_year!r}",
                field="start_year",
            )
        _whole(self.years, "years", "تعداد سال‌ها", "number of years", 1, MAX_YEARS)
        _whole(self.per_capita_cost, "per_capita_cost", "هزینه سرانه", "per-capita cost", 0, None)
        _whole(self.permit_revenue, "permit_revenue", "درآمد پروانه", "permit revenue", 0, None)
        if self.insured is not None:
            _whole(self.insured, "insured", "تعداد بیمه‌شدگان", "insured count", 1, None)
        if self.worker_contributions is not None:
            _whole(
                self.worker_contributions,
                "worker_contributions",
                "حق بیمه کارگران",
                "workers' contributions",
                0,
                None,
            )
        for name, fa, en in (
            ("insured_trend_percent", "روند تعداد بیمه‌شدگان", "insured trend"),
            ("cost_trend_percent", "روند هزینه سرانه", "cost trend"),
            ("permit_trend_percent", "روند درآمد پروانه", "permit-revenue trend"),
            ("worker_trend_percent", "روند حق بیمه کارگران", "workers' contribution trend"),
        ):
            v = getattr(self, name)
            if not isinstance(v, Decimal) or not v.is_finite() or not -100 < v <= 1000:
                raise InvalidInput(
                    f"fund.{name}",
                    f"{fa} باید درصدی بیشتر از ۱۰۰- و حداکثر ۱۰۰۰ باشد: {v}",
                    f"The {en} must be a percentage above -100 and at most 1000: {v}",
                    field=name,
                )


def _whole(value: object, field: str, fa: str, en: str, low: int, high: int | None) -> None:
    bad = isinstance(value, bool) or not isinstance(value, int)
    if not bad:
        assert isinstance(value, int)
        bad = value < low or (high is not None and value > high)
    if bad:
        code = "amount.negative" if isinstance(value, int) and value < 0 else f"fund.{field}"
        upper = f" و حداکثر {high}" if high is not None else ""
        upper_en = f" and at most {high}" if high is not None else ""
        raise InvalidInput(
            code,
            f"{fa} باید عدد صحیح دست‌کم {low}{upper} باشد: {value!r}",
            f"The {en} must be a whole number of at least {low}{upper_en}: {value!r}",
            field=field,
        )


@dataclass(frozen=True)
class FundYear:
    year: int
    insured: int
    per_capita_cost_rial: int
    obligations_rial: int
    permit_revenue_rial: int
    worker_contributions_rial: int
    resources_rial: int
    balance_rial: int
    deficit_rial: int
    cumulative_balance_rial: int
    coverage_percent: Decimal | None


@dataclass(frozen=True)
class FundProjection:
    start_year: int
    years: tuple[FundYear, ...]
    insured: int
    insured_source: str
    worker_contributions_rial: int
    worker_contributions_source: str
    total_resources_rial: int
    total_obligations_rial: int
    total_deficit_rial: int
    cumulative_balance_rial: int
    first_deficit_year: int | None


def project_fund(policy: PolicyReader, inputs: FundInputs) -> Decision[FundProjection]:
    """Resources, obligations and deficit of the fund for ``inputs.years`` years from
    ``inputs.start_year``. Outcome ``deficit`` when any year is short, else ``balanced``."""
    usage = Usage()
    on = start_of_year(inputs.start_year)
    reasons: list[Reason] = []
    inner: tuple[Warning, ...] = ()
    if inputs.insured is None:
        insured0 = int(usage.use(policy.resolve(f"{P}.insured_workers", on)))
        insured_source = f"{P}.insured_workers"
    else:
        insured0, insured_source = inputs.insured, "input"
    if inputs.worker_contributions is None:
        w = worker_contribution(policy, on=on, workers=insured0, months=12)
        inner = w.warnings
        if w.value.total_rial is None:
            raise InvalidInput(
                "fund.worker_contributions_needed",
                "در قانون آن تاریخ سهم کارگر تعیین نشده است؛ حق بیمه سالانه کارگران را وارد کنید.",
                "The law on that date sets no worker's share; give the workers' yearly "
                "contributions.",
                field="worker_contributions",
            )
        workers0 = w.value.total_rial
        worker_source = "computed"
        reasons.append(w.reasons[0])
    else:
        workers0, worker_source = inputs.worker_contributions, "input"

    rows: list[FundYear] = []
    cumulative = 0
    for k in range(inputs.years):
        insured = half_up(grown(insured0, inputs.insured_trend_percent, k))
        cost = half_up(grown(inputs.per_capita_cost, inputs.cost_trend_percent, k))
        exact_obligations = grown(insured0, inputs.insured_trend_percent, k) * grown(
            inputs.per_capita_cost, inputs.cost_trend_percent, k
        )
        obligations = half_up(exact_obligations)
        permits = half_up(grown(inputs.permit_revenue, inputs.permit_trend_percent, k))
        # workers' contributions follow the insured count and their own (wage) trend
        exact_workers = grown(workers0, inputs.worker_trend_percent, k) * grown(
            1, inputs.insured_trend_percent, k
        )
        workers = half_up(exact_workers)
        resources = permits + workers
        balance = resources - obligations
        cumulative += balance
        rows.append(
            FundYear(
                year=inputs.start_year + k,
                insured=insured,
                per_capita_cost_rial=cost,
                obligations_rial=obligations,
                permit_revenue_rial=permits,
                worker_contributions_rial=workers,
                resources_rial=resources,
                balance_rial=balance,
                deficit_rial=max(0, -balance),
                cumulative_balance_rial=cumulative,
                coverage_percent=percent_of(resources, obligations) if obligations else None,
            )
        )
    first_deficit = next((r.year for r in rows if r.deficit_rial > 0), None)
    value = FundProjection(
        start_year=inputs.start_year,
        years=tuple(rows),
        insured=insured0,
        insured_source=insured_source,
        worker_contributions_rial=workers0,
        worker_contributions_source=worker_source,
        total_resources_rial=sum(r.resources_rial for r in rows),
        total_obligations_rial=sum(r.obligations_rial for r in rows),
        total_deficit_rial=sum(r.deficit_rial for r in rows),
        cumulative_balance_rial=cumulative,
        first_deficit_year=first_deficit,
    )
    first, last = rows[0], rows[-1]
    reasons.insert(
        0,
        Reason(
            "fund.inputs",
            f"{insured0:,} بیمه‌شده"
            + (" (رقم منبع)" if insured_source != "input" else "")
            + f"، هزینه سرانه سالانه {inputs.per_capita_cost:,} ریال (ورودی شما؛ منتشر نشده)، "
            f"درآمد پروانه {inputs.permit_revenue:,} ریال با روند "
            f"{fmt_percent(inputs.permit_trend_percent)}٪ در سال، حق بیمه کارگران "
            f"{workers0:,} ریال در سال اول.",
            f"{insured0:,} insured"
            + (" (the source's figure)" if insured_source != "input" else "")
            + f", a per-capita yearly cost of {inputs.per_capita_cost:,} rial (your input; not "
            f"published), permit revenue of {inputs.permit_revenue:,} rial changing "
            f"{fmt_percent(inputs.permit_trend_percent)}% a year, workers' contributions of "
            f"{workers0:,} rial in the first year.",
            passed=True,
            parameter=insured_source if insured_source != "input" else None,
            reference=REF,
        ),
    )
    reasons.append(
        Reason(
            "fund.balance",
            f"سال {first.year}: منابع {first.resources_rial:,} و تعهدات "
            f"{first.obligations_rial:,} ریال؛ سال {last.year}: منابع {last.resources_rial:,} و "
            f"تعهدات {last.obligations_rial:,} ریال. جمع کسری {value.total_deficit_rial:,} ریال"
            + (f"، نخستین کسری در {first_deficit}." if first_deficit else "."),
            f"{first.year}: resources {first.resources_rial:,} against obligations "
            f"{first.obligations_rial:,} rial; {last.year}: resources {last.resources_rial:,} "
            f"against {last.obligations_rial:,} rial. Deficits total "
            f"{value.total_deficit_rial:,} rial"
            + (f", the first in {first_deficit}." if first_deficit else "."),
            passed=first_deficit is None,
            reference=REF,
        )
    )
    warnings = (
        Warning(
            code="fund.per_capita_cost_input",
            message_fa="هزینه سرانه بیمه‌شدگان منتشر نشده است؛ رقم ورودی شما به کار رفت و "
            "روندها فرض شما هستند.",
            message_en="The per-capita cost of the insured is not published; your figure is "
            "used, and the trends are your assumptions.",
            parameter="input.per_capita_cost",
            status=Status.ASSUMED,
        ),
    )
    return Decision(
        outcome="deficit" if first_deficit else "balanced",
        value=value,
        policy_hash=policy.hash,
        as_of=on,
        reasons=tuple(reasons),
        warnings=_merge(usage.warnings(), inner, warnings),
    )


def _merge(*groups: tuple[Warning, ...]) -> tuple[Warning, ...]:
    seen: dict[tuple[str, str], Warning] = {}
    for group in groups:
        for w in group:
            seen.setdefault((w.code, w.parameter), w)
    return tuple(seen.values())


__all__ = ["FundInputs", "FundProjection", "FundYear", "project_fund"]
