"""The printable plan a citizen takes to the branch: the planner's inputs, the year-by-year
table with the loan and first instalment of every year, the first loan in a sentence, and
every assumption stated in full in plain Persian (not folded, as on screen).

It takes the planner's own fields (``/youth-fund/plan/print?<the planner's query>``) and
asks the planner service (``services.youth_planner.plan_with_loan``), so that the sheet and
the screen agree."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.errors import PolicyError, TashilatError
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, rial_field
from tashilat.entrypoints.web.pages.citizen_common import find_city
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage
from tashilat.services.youth_planner import (
    Household,
    place_city,
    plan_with_loan,
    with_figures,
)

router = APIRouter(route_class=WebRoute)

FIELDS = (
    "opened",
    "city",
    "mode",
    "monthly",
    "share",
    "lump_sum",
    "kind",
    "method",
    "income",
    "children",
)
KINDS = {"purchase": ("خرید مسکن", "buying a home"), "construction": ("ساخت مسکن", "building")}
METHODS = {
    "simple": ("ساده (اقساط برابر)", "simple (level instalments)"),
    "stepwise": ("پلکانی (افزایش سالانه)", "stepwise (rising each year)"),
}


@router.get("/youth-fund/plan/print", response_class=HTMLResponse)
def plan_print(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    form = Form(values={"mode": "table", **q}, fields=FIELDS)
    opened = form.parse("opened", jalali_field("opened"))
    city = form.parse("city", find_city)
    mode = form.get("mode", "table")
    monthly = share = None
    if mode == "monthly":
        monthly = form.parse("monthly", rial_field("monthly"))
    else:
        share = form.parse("share", int_field("share", 1, 1000), required=False) or 100
    lump = form.parse("lump_sum", rial_field("lump_sum", allow_zero=True), required=False) or 0
    kind = form.get("kind") or "purchase"
    method = form.get("method") or "simple"
    income = form.parse("income", rial_field("income"), required=False)
    children = form.parse("children", int_field("children", 0, 20), required=False)
    result: dict[str, Any] | None = None
    if form.ok and opened is not None and city is not None:
        policy = page.container.policy
        try:
            placed = place_city(policy, city.name_fa, opened, city.province_fa)
            d = plan_with_loan(
                policy,
                opened_on=opened,
                tier=placed.tier,
                monthly=monthly,
                share_percent=share,
                lump_sum=lump,
                kind=kind,
                method=method,
                household=Household(income_rial=income, minimum_wage_children=children),
            )
            d = with_figures(d, placed.provenances)
        except TashilatError as exc:
            if isinstance(exc, PolicyError):
                exc.field = "opened"
            form.add(exc)
        else:
            v = d.value
            first = next((y for y in v.years if y.loan is not None), None)
            result = {
                "d": d,
                "v": v,
                "city": city,
                "first": first,
                "kind": KINDS.get(kind, KINDS["purchase"]),
                "method": METHODS.get(method, METHODS["simple"]),
                "income": income,
                "children": children,
                "back": "/youth-fund/plan?" + page.request.url.query,
            }
    return render(
        page.request,
        "plan_print.html",
        {"form": form, "r": result, "today": date.today()},
        status=200 if form.ok else 422,
    )
