"""Models of the fund's forecast (docs/forecast.md): the request, the run and its answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tashilat.entrypoints.api.models.base import Out


class OverlayIn(BaseModel):
    """A what-if: a policy overlay (the format of docs/forecast.md "Variants")."""

    name: str = Field(min_length=1, max_length=100)
    name_fa: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    parameters: dict[str, Any] = Field(
        description="parameter path → {values: [{since, value, status, note, note_fa}]}"
    )


class ForecastIn(BaseModel):
    as_of: str = Field(description="Jalali YYYY/MM/DD", max_length=20)
    years: int = Field(default=10, ge=1, le=30, description="Horizon in Jalali years")
    scale_caps: list[int] = Field(
        default_factory=list, max_length=5, description="One variant per percentage (125: +25%)"
    )
    variants: list[OverlayIn] = Field(default_factory=list, max_length=5)


class Figures(Out):
    reaching_min_wait: int
    eligible_accounts: int
    entitlements_rial: int
    loans: int
    disbursements_rial: int
    deposits_rial: int
    profit_rial: int
    repayments_rial: int
    net_rial: int = Field(description="disbursements + profit − deposits − repayments")


class ForecastYear(Figures):
    year: int = Field(description="Jalali year")
    by_tier: dict[str, Figures]
    by_province: dict[str, Figures]


class AssumptionOut(Out):
    value: str
    status: str


class ForecastVariant(Out):
    name: str
    name_fa: str | None
    file: str | None
    policy_hash: str
    assumptions: dict[str, AssumptionOut]
    years: list[ForecastYear]
    difference: list[ForecastYear] = Field(description="The variant minus the baseline")


class ForecastResult(Out):
    as_of: str
    horizon_years: int
    accounts: int
    partitions: int
    policy_hash: str
    assumptions: dict[str, AssumptionOut]
    years: list[ForecastYear]
    variants: list[ForecastVariant]


class ProgressOut(Out):
    done: int
    total: int


class ForecastRunOut(Out):
    """A forecast run: queued, running (with progress), done (with its result) or failed."""

    id: str
    status: str = Field(description="queued | running | done | failed")
    phase: str = Field(description="queued | export | partitions | done")
    progress: ProgressOut
    as_of: str
    years: int
    variants: list[str]
    created: str
    finished: str | None
    error: dict[str, Any] | None
    result: ForecastResult | None
