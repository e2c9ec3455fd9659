"""The inverse planner for citizens, no login: how much to deposit to reach a youth-fund loan
by an account year, or when a given deposit reaches it (a GET form, so that the answer has
an address that can be shared)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.programs.youth_fund.cities import tier_of
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, rial_field
from tashilat.entrypoints.web.pages.citizen_common import find_city
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import PublicPage
from tashilat.services.youth_planner import deposit_target, with_figures

router = APIRouter(route_class=WebRoute)

menu.add(
    menu.MenuItem(
        "youth_fund.target",
        "چقدر واریز کنم؟",
        "How much to deposit?",
        "/youth-fund/target",
        section="public",
        order=11,
    ),
)

FIELDS = ("opened", "city", "goal", "amount", "solve", "by_year", "monthly", "lump_sum")


@router.get("/youth-fund/target", response_class=HTMLResponse)
def target_page(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    form = Form(values={"goal": "cap", "solve": "deposit", **q}, fields=FIELDS)
    result: dict[str, Any] | None = None
    status = 200
    if "opened" in q:
        policy = page.container.policy
        opened = form.parse("opened", jalali_field("opened"))
        city = form.parse("city", find_city)
        goal = form.get("goal", "cap")
        amount = form.parse("amount", rial_field("amount")) if goal == "amount" else None
        solve = form.get("solve", "deposit")
        by_year = monthly = lump = None
        if solve == "deposit":
            by_year = form.parse("by_year", int_field("by_year", 1, 100))
        elif solve == "monthly":
            monthly = form.parse("monthly", rial_field("monthly"))
        elif solve == "lump_sum":
            lump = form.parse("lump_sum", rial_field("lump_sum"))
        else:
            form.add(
                InvalidInput(
                    "target.mode",
                    "یکی از گزینه‌های پرسش را انتخاب کنید.",
                    "Choose one of the questions.",
                    field="solve",
                )
            )
        if form.ok and opened is not None and city is not None:
            try:
                placed = tier_of(policy, city, opened)
                d = deposit_target(
                    policy,
                    opened_on=opened,
                    tier=placed.tier,
                    amount=amount,
                    by_year=by_year,
                    monthly=monthly,
                    lump_sum=lump,
                )
                d = with_figures(d, tuple(placed.provenances))
            except TashilatError as exc:
                if isinstance(exc, PolicyError):
                    exc.field = "opened"
                form.add(exc)
            else:
                result = {"d": d, "v": d.value, "city": city, "tier": placed.tier}
        if not form.ok:
            status = 422
    return render(page.request, "target.html", {"form": form, "r": result}, status=status)
