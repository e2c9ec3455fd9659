"""The planner's comparison for citizens: up to three deposit strategies for one account
side by side, in one table and one chart — the year each first gives an entitlement, the
loan and its first instalment then, and what has been deposited by then. The figures come
from ``services.youth_strategies`` (the same answer as ``/api/v1/youth-fund/strategies``);
this page only reads the form and draws."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.errors import PolicyError, TashilatError
from tashilat.domain.programs.youth_fund.strategies import KINDS, Comparison, Strategy
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.formatting import Fmt
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, rial_field
from tashilat.entrypoints.web.pages.citizen_common import _money_axis, find_city
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage
from tashilat.entrypoints.web.svg import Series, chart
from tashilat.services import youth_strategies

router = APIRouter(route_class=WebRoute)

menu.add(
    menu.MenuItem(
        "youth_fund.strategies",
        "مقایسه راهبردهای پس‌انداز",
        "Compare saving strategies",
        "/youth-fund/strategies",
        section="public",
        order=12,
    )
)

N = (1, 2, 3)
DEFAULTS = {"s1": "table", "s1_share": "100", "s2": "monthly", "s3": "lump_sum", "method": "simple"}
FIELDS = (
    "opened",
    "city",
    "method",
    "income",
    *(f"s{n}{part}" for n in N for part in ("", "_share", "_monthly", "_lump_sum")),
)


def _strategy(form: Form, n: int) -> Strategy | None:
    """Strategy ``n`` as typed; ``None`` when it is switched off, or when a monthly or
    lump-sum strategy has no amount typed yet (it is then left out of the comparison)."""
    kind = form.get(f"s{n}")
    p = f"s{n}_"
    if kind == "table":
        share = form.parse(p + "share", int_field(p + "share", 1, 1000), required=False)
        return Strategy("table", share_percent=share or 100, number=n)
    if kind == "monthly":
        if not form.has(p + "monthly"):
            return None
        monthly = form.parse(p + "monthly", rial_field(p + "monthly"))
        return Strategy("monthly", monthly_rial=monthly, number=n)
    if kind == "lump_sum":
        if not form.has(p + "lump_sum"):
            return None
        lump = form.parse(p + "lump_sum", rial_field(p + "lump_sum"))
        monthly = form.parse(
            p + "monthly", rial_field(p + "monthly", allow_zero=True), required=False
        )
        return Strategy("lump_sum", lump_sum_rial=lump or 0, monthly_rial=monthly or 0, number=n)
    return None


def _chart(fmt: Fmt, c: Comparison) -> Any:
    years = c.results[0].years
    caps = [y.cap_rial for y in years]
    axis, unit = _money_axis(fmt, caps)
    series = [
        Series(
            f"s{n}",
            fmt.t(f"راهبرد {fmt.num(n)}", f"strategy {n}"),
            [y.entitlement_rial if y.eligible else None for y in r.years],
            kind="line",
        )
        for n, r in ((r.strategy.number or i, r) for i, r in enumerate(c.results, start=1))
    ]
    series.append(Series("cap", fmt.t("سقف", "cap"), caps, kind="line", dashed=True))
    return chart(
        title=fmt.t("امتیاز وام هر راهبرد در پایان هر سال", "Each strategy's entitlement by year"),
        description=fmt.t(
            "هر خط امتیاز وام یک راهبرد در پایان هر سال حساب است و خط‌چین قرمز سقف وام همان سال.",
            "Each line is one strategy's loan entitlement at the end of each account year; "
            "the dashed red line is that year's cap.",
        ),
        categories=[fmt.num(y.year) for y in years],
        x_label=fmt.t("سال حساب", "account year"),
        series=series,
        y_label=unit,
        y_format=axis,
        value_format=lambda x: fmt.money(int(x)) + fmt.t(" ریال", " rial"),
        chart_id="strategies-chart",
        rtl=fmt.fa,
    )


@router.get("/youth-fund/strategies", response_class=HTMLResponse)
def strategies(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    fmt = page.fmt
    defaults = {**DEFAULTS, "s1_share": fmt.digits("100")}
    form = Form(values={**defaults, **q}, fields=FIELDS)
    result: dict[str, Any] | None = None
    status = 200
    if "opened" in q:
        opened = form.parse("opened", jalali_field("opened"))
        city = form.parse("city", find_city)
        method = form.get("method", "simple")
        income = form.parse("income", rial_field("income"), required=False)
        chosen = [(n, _strategy(form, n)) for n in N]
        given = [s for _, s in chosen if s is not None]
        if form.ok and opened is not None and city is not None:
            try:
                d, _ = youth_strategies.compare(
                    page.container.policy,
                    opened_on=opened,
                    strategies=given,
                    city=city.name_fa,
                    province=city.province_fa,
                    method=method,
                    household=youth_strategies.Household(income_rial=income),
                )
            except TashilatError as exc:
                if isinstance(exc, PolicyError):
                    exc.field = "opened"
                elif exc.field and exc.field.endswith("_kind"):
                    exc.field = exc.field.removesuffix("_kind")
                elif exc.code == "strategies.count":
                    exc.field = "s1"
                form.add(exc)
            else:
                result = {
                    "d": d,
                    "v": d.value,
                    "chart": _chart(fmt, d.value),
                    "income": income,
                }
        if not form.ok:
            status = 422
    kinds = [("", fmt.t("— بدون این راهبرد —", "— none —"))] + [
        (k, fmt.t(fa, en)) for k, (fa, en) in KINDS.items()
    ]
    return render(
        page.request,
        "strategies.html",
        {"form": form, "r": result, "kinds": kinds, "numbers": N},
        status=status,
    )
