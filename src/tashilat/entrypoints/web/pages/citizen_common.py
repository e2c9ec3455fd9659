"""What the citizens' calculators share: finding a city (and its province) as typed, the
repayment methods and the schedule a person asked for, and the money axis of a chart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from tashilat.data import load_city_index
from tashilat.domain.decision import Provenance
from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.finance import Method, Schedule, build_schedule
from tashilat.domain.programs.youth_fund.cities import City
from tashilat.entrypoints.web.formatting import Fmt
from tashilat.entrypoints.web.forms import Form, percent_field
from tashilat.entrypoints.web.svg import scale

# -- cities ---------------------------------------------------------------------------------

# The last bracketed part is the province: «گلوگاه (بابل) (مازندران)» is a city whose own
# name holds brackets.
_CITY_PROVINCE = re.compile(r"^(.+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")


def find_city(text: str) -> City:
    """A city typed as ``name`` or as a suggestion ``name (province)``."""
    index = load_city_index()
    m = _CITY_PROVINCE.match(text)
    if m:
        try:
            return index.lookup(m.group(1), m.group(2))
        except InvalidInput:
            pass  # the brackets may be part of the name itself, e.g. «خداجو(خراجو)»
    return index.lookup(text)


def city_value(city: City, fa: bool) -> str:
    if fa or not city.name_en:
        return f"{city.name_fa} ({city.province_fa})"
    return f"{city.name_en} ({city.province_en})"


# -- youth-fund planner -----------------------------------------------------------------------


def _money_axis(fmt: Fmt, values: Sequence[int | None]) -> tuple[Any, str]:
    factor, unit = scale(values, fmt.fa)
    return (lambda v: fmt.digits(f"{v / factor:,.4g}")), unit


# -- loan schedule --------------------------------------------------------------------------

METHODS = (
    ("simple", "ساده (اقساط برابر)", "simple (level instalments)"),
    ("stepwise", "پلکانی (افزایش سالانه)", "stepwise (rising each year)"),
    ("fee", "قرض‌الحسنه (کارمزد)", "qard al-hasan (fee)"),
)


def method_options(
    fmt: Fmt, allowed: Sequence[str] = ("simple", "stepwise", "fee")
) -> list[tuple[str, str]]:
    return [(k, fmt.t(fa, en)) for k, fa, en in METHODS if k in allowed]


def _policy_value(page: Any, path: str, on: date) -> tuple[Any, Provenance]:
    policy = page.container.policy
    try:
        r = policy.resolve(path, on)
    except PolicyError:
        r = policy.resolve(path, date.today())
    return r.value, r.provenance


def build_user_schedule(
    page: Any,
    form: Form,
    *,
    principal: int,
    rate: Decimal,
    months: int,
    method: str,
    grace: int = 0,
    start: date | None = None,
) -> tuple[Schedule, tuple[Provenance, ...]] | None:
    """A schedule with the policy's rounding unit and default step (their provenance is
    returned so that their warnings reach the answer)."""
    on = start or date.today()
    figures: list[Provenance] = []
    try:
        meth = Method(method)
    except ValueError:
        form.add(
            InvalidInput(
                "loan.method",
                "روش بازپرداخت را از فهرست انتخاب کنید.",
                "Choose a repayment method from the list.",
                field="method",
            )
        )
        return None
    step: Decimal | None = None
    if meth is Method.STEPWISE:
        if form.has("step"):
            step = form.parse("step", percent_field("step"))
            if step is None:
                return None
        else:
            value, prov = _policy_value(page, "finance.stepwise_step_percent", on)
            step = Decimal(str(value))
            figures.append(prov)
    unit, prov = _policy_value(page, "finance.rounding_unit", on)
    figures.append(prov)
    try:
        schedule = build_schedule(
            meth,
            principal,
            rate,
            months,
            step_percent=step,
            grace_months=grace,
            start=start,
            rounding_unit=int(unit),
        )
    except TashilatError as exc:
        form.add(exc)
        return None
    return schedule, tuple(figures)
