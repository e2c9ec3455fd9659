"""The fund's forecast for analysts: pick the as-of date, the horizon and the variants, run
it in the background (``jobs.forecast_runs``), watch its progress, then read it — charts by
year stacked by tier, by province, the net cash need of each scenario — and download CSV.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import TashilatError
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.formatting import Fmt
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, request_id_of
from tashilat.entrypoints.web.pages.staff_common import csv_response
from tashilat.entrypoints.web.rendering import WebRoute, redirect, render
from tashilat.entrypoints.web.sessions import CheckedForm, Page, signed_in_page
from tashilat.entrypoints.web.svg import Series, chart, scale
from tashilat.jobs import forecast as job
from tashilat.jobs.forecast_runs import PERMISSION, ForecastRun, ForecastRuns
from tashilat.services import calendar
from tashilat.services.errors import Forbidden

router = APIRouter(prefix="/analyst", route_class=WebRoute)
ANALYST_ROLES = frozenset({"analyst", "admin"})

menu.add(
    menu.MenuItem(
        "analyst.forecast",
        "پیش‌بینی صندوق",
        "Fund forecast",
        "/analyst/forecast",
        permission=PERMISSION,
        roles=ANALYST_ROLES,
        order=60,
    ),
)


def analyst_page(request: Request) -> Page:
    """Signed in with the right to run forecasts (analysts, administrators)."""
    page = signed_in_page(request)
    if not page.can(PERMISSION):
        raise Forbidden(
            "web.analyst_only",
            "این صفحه ویژه تحلیلگران صندوق است.",
            "This page is for the fund's analysts.",
        )
    return page


AnalystPage = Annotated[Page, Depends(analyst_page)]


def _runs(page: Page) -> ForecastRuns:
    registry: ForecastRuns = page.request.app.state.forecasts
    return registry


def _form_view(page: Page, form: Form, status: int = 200) -> HTMLResponse:
    return render(page.request, "analyst/forecast.html", {"form": form}, status=status)


@router.get("/forecast", response_class=HTMLResponse)
def forecast_form(page: AnalystPage) -> HTMLResponse:
    today = calendar.get(page.reader())
    return _form_view(page, Form(values={"as_of": page.fmt.jdate(today), "years": "10"}))


@router.post("/forecast", response_class=HTMLResponse)
def forecast_start(page: AnalystPage, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=("as_of", "years", "scale_caps", "variant"))
    as_of = form.parse("as_of", jalali_field("as_of"))
    years = form.parse("years", int_field("years", 1, job.MAX_YEARS))
    scale = form.parse("scale_caps", int_field("scale_caps", 1, 1000), required=False)
    variants: list[job.Scenario] = []
    if form.has("variant"):
        try:
            variants.append(job.text_variant(form.get("variant")))
        except TashilatError as exc:
            form.add(exc, default_field="variant")
    if scale is not None:
        variants.append(job.caps_variant(scale))
    if form.ok and as_of is not None and years is not None:
        try:
            run = _runs(page).submit(
                page.container,
                actor,
                as_of=as_of,
                years=years,
                variants=variants,
                request_id=request_id_of(data),
            )
        except TashilatError as exc:
            form.add(exc)
        else:
            return redirect(f"/analyst/forecast/{run.id}")
    return _form_view(page, form, status=422)


def _charts(fmt: Fmt, doc: dict[str, Any]) -> dict[str, Any]:
    years = [fmt.digits(str(y["year"])) for y in doc["years"]]
    by_tier = [
        [int(y["by_tier"][str(t)]["disbursements_rial"]) for y in doc["years"]] for t in (1, 2, 3)
    ]
    factor, unit = scale([sum(v) for v in zip(*by_tier, strict=True)], fmt.fa)
    rial = fmt.t(" ریال", " rial")
    tiers = chart(
        title=fmt.t("وام پرداختی هر سال، بر حسب سطح شهر", "Loans paid out each year, by tier"),
        description=fmt.t(
            "ستون‌های روی هم: سطح ۱ (تهران)، سطح ۲ و سطح ۳.",
            "Stacked bars: tier 1 (Tehran), tier 2 and tier 3.",
        ),
        categories=years,
        series=[
            Series(f"tier{t}", fmt.t(f"سطح {t}", f"tier {t}"), by_tier[t - 1]) for t in (1, 2, 3)
        ],
        y_label=unit,
        y_format=lambda v: fmt.digits(f"{v / factor:,.4g}"),
        value_format=lambda v: fmt.money(int(v)) + rial,
        chart_id="tier-chart",
        rtl=fmt.fa,
    )
    totals: dict[str, int] = {}
    for y in doc["years"]:
        for name, fig in y["by_province"].items():
            totals[name] = totals.get(name, 0) + int(fig["disbursements_rial"])
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    pfactor, punit = scale([v for _, v in ranked], fmt.fa)
    provinces = chart(
        title=fmt.t(
            "وام پرداختی در کل افق، بر حسب استان", "Loans paid out over the horizon, by province"
        ),
        description=fmt.t("پانزده استان نخست.", "The first fifteen provinces."),
        categories=[_province(fmt, k) for k, _ in ranked],
        series=[Series("province", fmt.t("وام پرداختی", "paid out"), [v for _, v in ranked])],
        y_label=punit,
        y_format=lambda v: fmt.digits(f"{v / pfactor:,.4g}"),
        value_format=lambda v: fmt.money(int(v)) + rial,
        chart_id="province-chart",
        rtl=fmt.fa,
    )
    scenarios = [(fmt.t("وضع موجود", "baseline"), doc["years"])] + [
        (fmt.pick(v.get("name_fa"), v["name"]), v["years"]) for v in doc["variants"]
    ]
    net = [[int(y["net_rial"]) for y in rows] for _, rows in scenarios]
    nfactor, nunit = scale([abs(x) for row in net for x in row], fmt.fa)
    need = chart(
        title=fmt.t("نیاز خالص نقدی صندوق در هر سال", "The fund's net cash need each year"),
        description=fmt.t(
            "وام پرداختی و سود سپرده منهای واریزها و اقساط؛ یک خط برای هر گزینه؛ سال‌های مازاد "
            "نقدی صفر نشان داده می‌شوند (رقم دقیق در جدول).",
            "Loans paid out and savings profit less deposits and repayments; a line per "
            "scenario; years with cash to spare show as zero (the tables give the figure).",
        ),
        categories=years,
        series=[
            Series(f"net{i % 6}", name, [max(x, 0) for x in net[i]], kind="line")
            for i, (name, _) in enumerate(scenarios)
        ],
        y_label=nunit,
        y_format=lambda v: fmt.digits(f"{v / nfactor:,.4g}"),
        value_format=lambda v: fmt.money(int(v)) + rial,
        chart_id="net-chart",
        rtl=fmt.fa,
    )
    return {
        "tier_chart": tiers,
        "province_chart": provinces,
        "net_chart": need,
        "scenarios": [name for name, _ in scenarios],
    }


def _province(fmt: Fmt, name: str) -> str:
    return fmt.t("نامشخص", "unknown") if name in ("", "unknown") else name


@router.get("/forecast/{run_id}.csv")  # before the page: its path would match too
def forecast_csv(page: AnalystPage, run_id: str) -> Response:
    actor = page.actor
    assert actor is not None
    run = _runs(page).get(actor, run_id)
    rows = job.csv_rows_of(run.result) if run.result is not None else []
    return csv_response(f"forecast-{run.id[:8]}.csv", job.CSV_COLUMNS, rows)


@router.get("/forecast/{run_id}", response_class=HTMLResponse)
def forecast_run(page: AnalystPage, run_id: str) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    run: ForecastRun = _runs(page).get(actor, run_id)
    context: dict[str, Any] = {"run": run.as_json(), "province": lambda n: _province(page.fmt, n)}
    if run.result is not None:
        context.update(_charts(page.fmt, run.result))
    return render(page.request, "analyst/run.html", context)
