"""The loan schedule calculator for citizens, no login: instalments by method, year by year,
with a chart (a GET form whose answer has an address that can be shared)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.decision import warnings_for
from tashilat.domain.finance import Schedule
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, percent_field, rial_field
from tashilat.entrypoints.web.pages.citizen_common import (
    _money_axis,
    build_user_schedule,
    method_options,
)
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage
from tashilat.entrypoints.web.svg import Series, chart

router = APIRouter(route_class=WebRoute)


def yearly(schedule: Schedule) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for i in schedule.instalments:
        y = (i.number - 1) // 12 + 1
        r = rows.setdefault(
            y,
            {
                "year": y,
                "first": i.amount,
                "min": i.amount,
                "max": i.amount,
                "principal": 0,
                "profit": 0,
                "paid": 0,
                "balance": 0,
                "months": 0,
            },
        )
        r["min"] = min(r["min"], i.amount)
        r["max"] = max(r["max"], i.amount)
        r["principal"] += i.principal
        r["profit"] += i.profit
        r["paid"] += i.amount
        r["balance"] = i.balance
        r["months"] += 1
    return list(rows.values())


@router.get("/loans/schedule", response_class=HTMLResponse)
def schedule_page(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    fmt = page.fmt
    defaults = {"method": "simple", "grace": fmt.digits("0")}
    form = Form(
        values={**defaults, **q},
        fields=("principal", "rate", "months", "method", "step", "grace", "start"),
        aliases={"annual_rate": "rate", "grace_months": "grace", "step_percent": "step"},
    )
    result: dict[str, Any] | None = None
    if "principal" in q:
        principal = form.parse("principal", rial_field("principal"))
        rate = form.parse("rate", percent_field("rate"))
        months = form.parse("months", int_field("months", 1, 600))
        grace = form.parse("grace", int_field("grace", 0, 120), required=False) or 0
        start = form.parse("start", jalali_field("start"), required=False)
        if form.get("method") == "stepwise":
            # read now, so that a wrong step is listed with the other mistakes
            form.parse("step", percent_field("step"), required=False)
        if form.ok and principal is not None and rate is not None and months is not None:
            built = build_user_schedule(
                page,
                form,
                principal=principal,
                rate=rate,
                months=months,
                method=form.get("method", "simple"),
                grace=grace,
                start=start,
            )
            if built is not None:
                s, figures = built
                years = yearly(s)
                axis, unit = _money_axis(fmt, [y["paid"] for y in years])
                charge = fmt.t(s.charge_label_fa, s.charge_label)
                svg = chart(
                    title=fmt.t("بازپرداخت در هر سال وام", "Repayment in each loan year"),
                    description=fmt.t(
                        f"ستون‌ها اصل و {charge} پرداختی در هر سال وام را روی هم نشان می‌دهند.",
                        f"Stacked bars: principal and {charge} paid in each year of the loan.",
                    ),
                    categories=[fmt.num(y["year"]) for y in years],
                    x_label=fmt.t("سال وام", "loan year"),
                    series=[
                        Series(
                            "principal", fmt.t("اصل", "principal"), [y["principal"] for y in years]
                        ),
                        Series("profit", charge, [y["profit"] for y in years]),
                    ],
                    y_label=unit,
                    y_format=axis,
                    value_format=lambda x: fmt.money(int(x)),
                    chart_id="schedule-chart",
                    rtl=fmt.fa,
                )
                result = {
                    "s": s,
                    "years": years,
                    "chart": svg,
                    "warnings": warnings_for(figures),
                    "charge": charge,
                }
    status = 200 if form.ok else 422
    return render(
        page.request,
        "schedule.html",
        {"form": form, "r": result, "methods": method_options(fmt)},
        status=status,
    )
