"""The affordability and construction-insurance calculators for citizens, no login.

Each is a GET form (its answer has an address that can be shared or bookmarked); the answer
shows the figures, a chart, the reasons and a warning for every assumed or illustrative
figure, linked to its entry in the policy browser.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.decision import Provenance, Warning
from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.money import parse_percent
from tashilat.domain.text import strip_number
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, percent_field, rial_field
from tashilat.entrypoints.web.pages.citizen_common import (
    _policy_value,
    build_user_schedule,
    method_options,
)
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage
from tashilat.entrypoints.web.svg import Series, chart

router = APIRouter(route_class=WebRoute)


# -- affordability --------------------------------------------------------------------------


def _flag(form: Form, name: str) -> bool:
    return form.get(name) in ("1", "on", "yes", "true")


@router.get("/afford", response_class=HTMLResponse)
def afford_page(page: PublicPage) -> HTMLResponse:
    from tashilat.domain.programs.wages.affordability import Repayment, instalment_burden
    from tashilat.domain.programs.wages.income import WorkerProfile

    q = dict(page.request.query_params)
    fmt = page.fmt
    policy = page.container.policy
    defaults = {
        "on": "",
        "married": "1",
        "children": "2",
        "years_of_service": "0",
        "basis": "gross",
        "mode": "instalment",
        "instalment": "200,000,000",
        "principal": "",
        "rate": "18",
        "months": "240",
        "method": "simple",
        "wage_rise": "0",
    }
    submitted = "mode" in q
    # a sent form is taken as sent: no amount the person did not type is filled in for them
    chosen = {"on", "married", "children", "years_of_service", "basis", "method", "wage_rise"}
    values = {**{k: v for k, v in defaults.items() if k in chosen}, **q} if submitted else defaults
    numeric = {"children", "years_of_service", "instalment", "rate", "months", "wage_rise"}
    values = {
        k: page.fmt.digits(v) if k in numeric and k not in q else v for k, v in values.items()
    }
    if submitted and "married" not in q:
        values["married"] = ""
    form = Form(
        values=values,
        fields=(
            "on",
            "married",
            "children",
            "years_of_service",
            "wage",
            "other_income",
            "basis",
            "limit",
            "mode",
            "instalment",
            "principal",
            "rate",
            "months",
            "method",
            "wage_rise",
        ),
        aliases={
            "base_wage": "wage",
            "wage_rise_percent": "wage_rise",
            "annual_rate": "rate",
            "limit_percent": "limit",
        },
    )
    result: dict[str, Any] | None = None
    if submitted:
        when = form.parse("on", jalali_field("on"), required=False) or date.today()
        children = form.parse("children", int_field("children", 0, 20), required=False) or 0
        years = form.parse("years_of_service", int_field("years_of_service", 0, 60), required=False)
        wage = form.parse("wage", rial_field("wage"), required=False)
        other = form.parse(
            "other_income", rial_field("other_income", allow_zero=True), required=False
        )
        limit = form.parse("limit", percent_field("limit"), required=False)
        rise = form.parse("wage_rise", _signed_percent, required=False) or Decimal(0)
        basis = form.get("basis", "gross")
        mode = form.get("mode", "instalment")
        figures: list[Provenance] = []
        # every field is read before anything is computed, so that all the mistakes are
        # listed at once
        rate = form.parse("rate", percent_field("rate"), required=False)
        amount = principal = months = None
        if mode == "instalment":
            amount = form.parse("instalment", rial_field("instalment"))
            principal = form.parse("principal", rial_field("principal"), required=False)
        else:
            principal = form.parse("principal", rial_field("principal"))
            months = form.parse("months", int_field("months", 1, 600))
        repayment: Any = None
        profile: WorkerProfile | None = None
        if form.ok:
            try:
                profile = WorkerProfile(
                    married=_flag(form, "married"),
                    children=children,
                    years_of_service=years or 0,
                    base_wage=wage,
                    other_income=other or 0,
                )
            except TashilatError as exc:
                form.add(exc)
            if rate is None and principal is not None:
                value, prov = _policy_value(page, "finance.loan_rate_cap_percent", when)
                rate = Decimal(str(value))
                figures.append(prov)
            if mode == "instalment":
                if amount is not None and form.ok:
                    try:
                        if principal is not None and rate is not None:
                            repayment = Repayment.fixed_instalment(principal, rate, amount)
                        else:
                            repayment = Repayment.constant(amount, 1)
                    except TashilatError as exc:
                        form.add(exc, default_field="instalment")
            elif form.ok and principal is not None and months is not None and rate is not None:
                built = build_user_schedule(
                    page,
                    form,
                    principal=principal,
                    rate=rate,
                    months=months,
                    method=form.get("method", "simple"),
                    start=when,
                )
                if built is not None:
                    s, provs = built
                    figures.extend(provs)
                    repayment = Repayment.from_schedule(s)
            if form.ok and profile is not None and repayment is not None:
                try:
                    d = instalment_burden(
                        policy,
                        profile,
                        repayment,
                        on=when,
                        wage_rise_percent=rise,
                        limit_percent=limit,
                        basis=basis,
                        figures=figures,
                    )
                except TashilatError as exc:
                    form.add(exc)
                else:
                    v = d.value
                    svg = chart(
                        title=fmt.t("بار قسط در طول وام", "Instalment burden over the loan"),
                        description=fmt.t(
                            "خط پله‌ای سهم قسط از درآمد ماهانه خانوار در هر ماه و خط‌چین سقف است.",
                            "Step line: the instalment as a share of household income each "
                            "month; dashed line: the limit.",
                        ),
                        categories=[fmt.num(m.number) for m in v.months],
                        x_label=fmt.t("ماه وام", "month of the loan"),
                        series=[
                            Series(
                                "burden",
                                fmt.t("بار قسط", "burden"),
                                [float(m.burden_percent) for m in v.months],
                                kind="step" if len(v.months) > 1 else "line",
                            ),
                            Series(
                                "limit",
                                fmt.t("سقف", "limit"),
                                [float(v.limit_percent)] * len(v.months),
                                kind="line",
                                dashed=True,
                            ),
                        ],
                        y_label=fmt.t("درصد درآمد", "% of income"),
                        y_format=lambda x: fmt.digits(f"{x:g}") + ("٪" if fmt.fa else "%"),
                        chart_id="burden-chart",
                        rtl=fmt.fa,
                    )
                    result = {
                        "d": d,
                        "v": v,
                        "chart": svg,
                        "when": when,
                        "principal": principal,
                    }
    status = 200 if form.ok else 422
    return render(
        page.request,
        "afford.html",
        {"form": form, "r": result, "methods": method_options(page.fmt)},
        status=status,
    )


def _signed_percent(text: str) -> Decimal:
    """A yearly rise that may be negative: ``-10``, ``−۱۰``."""
    raw = strip_number(text).replace("−", "-")
    if raw.startswith("-"):
        return -parse_percent(raw[1:], field="wage_rise")
    return parse_percent(raw, field="wage_rise")


# -- construction insurance -------------------------------------------------------------------


def _area(text: str) -> Decimal:
    raw = strip_number(text)
    if not re.fullmatch(r"\d+(\.\d+)?", raw) or Decimal(raw) <= 0:
        raise InvalidInput(
            "construction.area",
            f"زیربنا «{text}» عدد مثبت (متر مربع) نیست.",
            f"The floor area '{text}' is not a positive number of m².",
            field="area_m2",
        )
    return Decimal(raw)


FEES = (
    ("permit_fees", "عوارض صدور پروانه", "building-permit fees"),
    ("density_fees", "عوارض تراکم", "density fees"),
    ("demolition_renovation_fees", "عوارض تخریب و نوسازی", "demolition/renovation fees"),
    ("major_repair_fees", "عوارض تعمیرات اساسی", "major-repair fees"),
)


@router.get("/construction", response_class=HTMLResponse)
def construction_page(page: PublicPage) -> HTMLResponse:
    from tashilat.domain.programs.construction.contributions import (
        Permit,
        permit_contribution,
        worker_contribution,
    )

    q = dict(page.request.query_params)
    policy = page.container.policy
    fmt = page.fmt
    defaults = {"date": fmt.digits("1402/07/01"), "permit_fees": fmt.digits("1,000,000,000")}
    form = Form(
        values={**defaults, **q},
        fields=("date", *(f[0] for f in FEES), "area_m2", "daily_wage", "worker_base"),
    )
    result: dict[str, Any] | None = None
    if "date" in q:
        dated = form.parse("date", jalali_field("date"))
        fees = {
            name: form.parse(name, rial_field(name, allow_zero=True), required=False) or 0
            for name, _, _ in FEES
        }
        area = form.parse("area_m2", _area, required=False)
        daily = form.parse("daily_wage", rial_field("daily_wage"), required=False)
        base = form.parse("worker_base", rial_field("worker_base"), required=False)
        if form.ok and dated is not None:
            try:
                permit = Permit(
                    dated=dated,
                    permit_fees=fees["permit_fees"],
                    density_fees=fees["density_fees"],
                    demolition_renovation_fees=fees["demolition_renovation_fees"],
                    major_repair_fees=fees["major_repair_fees"],
                    area_m2=area,
                    daily_wage=daily,
                )
                d = permit_contribution(policy, permit)
            except TashilatError as exc:
                form.add(exc)
            else:
                worker: Any = None
                worker_error: TashilatError | None = None
                try:
                    worker = worker_contribution(policy, on=dated, base=base)
                except TashilatError as exc:
                    worker_error = exc
                warnings: list[Warning] = list(d.warnings)
                if worker is not None:
                    warnings += [w for w in worker.warnings if w not in warnings]
                result = {
                    "d": d,
                    "v": d.value,
                    "worker": worker,
                    "worker_error": worker_error,
                    "warnings": warnings,
                }
    status = 200 if form.ok else 422
    return render(
        page.request,
        "construction.html",
        {"form": form, "r": result, "fees": FEES},
        status=status,
    )
