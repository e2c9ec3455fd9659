"""Pages for citizens, no login: the home page, display preferences, amounts in words, the
city suggestions and the youth-fund planner.

Every calculator is a GET form (its answer has an address that can be shared or
bookmarked); the answer shows the figures, a chart, the reasons and a warning for every
assumed or illustrative figure, linked to its entry in the policy browser.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.data import load_city_index
from tashilat.domain.decision import warnings_for
from tashilat.domain.errors import PolicyError, TashilatError
from tashilat.domain.jalali import jalali_year
from tashilat.domain.programs.youth_fund.cities import tier_of
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.formatting import rial_or_none
from tashilat.entrypoints.web.forms import Form, int_field, jalali_field, rial_field
from tashilat.entrypoints.web.pages.citizen_common import _money_axis, city_value, find_city
from tashilat.entrypoints.web.preferences import (
    DIGIT_STYLES,
    DIGITS_COOKIE,
    LANG_COOKIE,
    LANGS,
    set_pref_cookie,
)
from tashilat.entrypoints.web.rendering import SECURITY_HEADERS, WebRoute, redirect, render
from tashilat.entrypoints.web.sessions import PublicPage, safe_next
from tashilat.entrypoints.web.svg import Series, chart
from tashilat.services.youth_planner import Household, plan_with_loan

router = APIRouter(route_class=WebRoute)


menu.add(
    menu.MenuItem("home", "خانه", "Home", "/", section="public", order=0),
    menu.MenuItem(
        "youth_fund.plan",
        "برنامه‌ریز صندوق مسکن جوانان",
        "Youth-fund planner",
        "/youth-fund/plan",
        section="public",
        order=10,
    ),
    menu.MenuItem(
        "loans.schedule",
        "جدول اقساط",
        "Loan schedule",
        "/loans/schedule",
        section="public",
        order=20,
    ),
    menu.MenuItem("afford", "توان پرداخت", "Affordability", "/afford", section="public", order=30),
    menu.MenuItem(
        "construction",
        "بیمه کارگران ساختمانی",
        "Construction insurance",
        "/construction",
        section="public",
        order=40,
    ),
    menu.MenuItem(
        "policy", "سیاست‌ها و منابع", "Policy & sources", "/policy", section="public", order=90
    ),
)


@router.get("/", response_class=HTMLResponse)
def home(page: PublicPage) -> HTMLResponse:
    return render(page.request, "home.html")


@router.get("/prefs")
def prefs(page: PublicPage, lang: str = "", digits: str = "", next: str = "/") -> Response:
    """Switch the language or the digits (a cookie) and go back where the reader was."""
    response = redirect(safe_next(next))
    if lang in LANGS:
        set_pref_cookie(response, LANG_COOKIE, lang, page.request)
    if digits in DIGIT_STYLES:
        set_pref_cookie(response, DIGITS_COOKIE, digits, page.request)
    return response


@router.get("/amount-words", response_class=HTMLResponse)
def amount_words(page: PublicPage) -> HTMLResponse:
    """The amount typed in an amount field, in Persian words (htmx puts it under the field)."""
    from markupsafe import escape

    raw = next(iter(page.request.query_params.values()), "")[:40]
    text = page.fmt.words(rial_or_none(raw))
    return HTMLResponse(str(escape(text)), headers=SECURITY_HEADERS)


@router.get("/cities/suggest", response_class=HTMLResponse)
def city_suggest(page: PublicPage, city: str = "", limit: int = 10) -> HTMLResponse:
    """``<option>`` elements for the city field's datalist (htmx swaps them in)."""
    text = city[:100].strip()
    found = load_city_index().suggest(text, max(1, min(limit, 20))) if text else []
    fa = page.prefs.lang == "fa"
    policy = page.container.policy
    items = [(city_value(c, fa), c, tier_of(policy, c, date.today()).tier) for c in found]
    return render(page.request, "partials/city_options.html", {"items": items})


@router.get("/youth-fund/plan", response_class=HTMLResponse)
def planner(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    fmt = page.fmt
    defaults = {"mode": "table", "share": fmt.digits("100"), "kind": "purchase", "method": "simple"}
    form = Form(
        values={**defaults, **q},
        fields=(
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
        ),
    )
    result: dict[str, Any] | None = None
    status = 200
    if "opened" in q:
        policy = page.container.policy
        opened = form.parse("opened", jalali_field("opened"))
        city = form.parse("city", find_city)
        mode = form.get("mode", "table")
        monthly = share = None
        if mode == "monthly":
            monthly = form.parse("monthly", rial_field("monthly"))
        else:
            share = form.parse("share", int_field("share", 1, 1000), required=False) or 100
        lump = form.parse("lump_sum", rial_field("lump_sum", allow_zero=True), required=False)
        income = form.parse("income", rial_field("income"), required=False)
        children = form.parse("children", int_field("children", 0, 20), required=False)
        if form.ok and opened is not None and city is not None:
            try:
                placed = tier_of(policy, city, opened)
                tier = placed.tier
                d = plan_with_loan(
                    policy,
                    opened_on=opened,
                    tier=tier,
                    monthly=monthly,
                    share_percent=share,
                    lump_sum=lump or 0,
                    kind=form.get("kind", "purchase"),
                    method=form.get("method", "simple"),
                    household=Household(income_rial=income, minimum_wage_children=children),
                )
                extra = tuple(w for w in warnings_for(placed.provenances) if w not in d.warnings)
                d = replace(d, warnings=d.warnings + extra)
            except TashilatError as exc:
                if exc.field == "monthly" and mode != "monthly":
                    exc.field = "share"
                if isinstance(exc, PolicyError):
                    exc.field = "opened"
                form.add(exc)
            else:
                v = d.value
                years = list(v.years)
                axis, unit = _money_axis(fmt, [y.cap_rial for y in years])
                svg = chart(
                    title=fmt.t(
                        "امتیاز وام در برابر سال‌های پس‌انداز", "Entitlement against years saved"
                    ),
                    description=fmt.t(
                        "ستون‌ها امتیاز وام در پایان هر سال حساب و خط‌چین سقف وام همان سال است.",
                        "Bars: the loan entitlement at the end of each account year; "
                        "dashed line: that year's cap.",
                    ),
                    categories=[fmt.num(y.year) for y in years],
                    x_label=fmt.t("سال حساب", "account year"),
                    series=[
                        Series(
                            "entitlement",
                            fmt.t("امتیاز", "entitlement"),
                            [y.entitlement_rial for y in years],
                        ),
                        Series(
                            "cap",
                            fmt.t("سقف", "cap"),
                            [y.cap_rial for y in years],
                            kind="line",
                            dashed=True,
                        ),
                    ],
                    y_label=unit,
                    y_format=axis,
                    value_format=lambda x: fmt.money(int(x)) + fmt.t(" ریال", " rial"),
                    chart_id="plan-chart",
                    rtl=fmt.fa,
                )
                first = next((y for y in years if y.eligible), None)
                loan_reasons = [r for r in d.reasons if r.code in ("plan.loan", "plan.burden")]
                result = {
                    "loan_reasons": loan_reasons,
                    "with_burden": any(y.loan and y.loan.burden_percent for y in years),
                    "d": d,
                    "v": v,
                    "city": city,
                    "tier": tier,
                    "chart": svg,
                    "first": first,
                    "last": years[-1] if years else None,
                    "cohort_is_future": jalali_year(opened) > 1403,
                }
        if not form.ok:
            status = 422
    return render(page.request, "planner.html", {"form": form, "r": result}, status=status)
