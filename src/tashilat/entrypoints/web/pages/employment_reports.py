"""The employment-loan dashboard and reports: allocation use per agency and province
(reserved, posted, free) with the 40% approved-category gauge, the agent banks' monthly
SAMAT limits (used, used beyond the limit by mandated loans under 3 billion, remaining),
the pipeline by state, the categories, and the median days from submission to
disbursement per agency and bank — each with a CSV download.

Read-only: ``services.employment``'s reports and ``services.reports.bank_monthly_limits``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.jalali import jalali_year, to_jalali
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.formatting import Fmt
from tashilat.entrypoints.web.pages.employment_common import (
    EMPLOYMENT_ROLES,
    STATES,
    EmploymentPage,
    Segment,
    meter,
)
from tashilat.entrypoints.web.pages.staff_common import csv_response
from tashilat.entrypoints.web.rendering import WebRoute, render
from tashilat.entrypoints.web.sessions import Page
from tashilat.entrypoints.web.svg import Series, chart, scale
from tashilat.services import calendar, employment, reports

router = APIRouter(prefix="/employment", route_class=WebRoute)

menu.add(
    menu.MenuItem(
        "employment.allocations",
        "داشبورد تخصیص",
        "Allocation dashboard",
        "/employment/allocations",
        permission="employment.read",
        roles=EMPLOYMENT_ROLES,
        order=42,
    ),
    menu.MenuItem(
        "employment.reports",
        "گزارش‌های اشتغال‌زایی",
        "Employment reports",
        "/employment/reports",
        permission="employment.read",
        roles=EMPLOYMENT_ROLES,
        order=44,
    ),
)


def _pct(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _year(page: Page, year: str) -> int:
    try:
        y = int(year)
    except ValueError:
        return jalali_year(calendar.get(page.reader()))
    return y if 1403 <= y <= 1500 else jalali_year(calendar.get(page.reader()))


def _allocation_view(fmt: Fmt, r: dict[str, Any], rtl: bool, n: int) -> dict[str, Any]:
    amount = int(r["amount_rial"])
    used_cat = int(r["category_used_rial"])
    cap = int(r["category_cap_rial"])
    share = _pct(cap, amount)
    used_pct = _pct(used_cat, amount)
    rial = fmt.t(" ریال", " rial")
    use = meter(
        meter_id=f"use-{n}",
        title=fmt.t(
            f"مصرف تخصیص: پرداخت‌شده {fmt.money(r['posted_rial'])}، رزروشده "
            f"{fmt.money(r['reserved_rial'])}، آزاد {fmt.money(r['free_rial'])} ریال",
            f"Allocation use: posted {fmt.money(r['posted_rial'])}, reserved "
            f"{fmt.money(r['reserved_rial'])}, free {fmt.money(r['free_rial'])} rial",
        ),
        segments=[
            Segment(
                "posted",
                fmt.t("پرداخت‌شده ", "posted ") + fmt.money(r["posted_rial"]) + rial,
                int(r["posted_rial"]),
            ),
            Segment(
                "reserved",
                fmt.t("رزروشده ", "reserved ") + fmt.money(r["reserved_rial"]) + rial,
                int(r["reserved_rial"]),
            ),
        ],
        total=amount,
        rtl=rtl,
    )
    gauge = meter(
        meter_id=f"gauge-{n}",
        title=fmt.t(
            f"رسته‌های مصوب {fmt.pct(used_pct)} از تخصیص را گرفته‌اند؛ سقف {fmt.pct(share)}",
            f"Approved categories use {fmt.pct(used_pct)} of the allocation; the cap is "
            f"{fmt.pct(share)}",
        ),
        segments=[
            Segment(
                "category",
                fmt.t("رسته‌های مصوب ", "approved categories ") + fmt.money(used_cat) + rial,
                used_cat,
            )
        ],
        total=amount,
        rtl=rtl,
        marker=float(share) / 100,
        marker_label=fmt.t("سقف ", "cap ") + fmt.pct(share),
    )
    return {
        **r,
        "use_meter": use,
        "gauge": gauge,
        "share_pct": share,
        "category_pct": used_pct,
        "category_left": max(0, cap - used_cat),
        "used_pct": _pct(int(r["reserved_rial"]) + int(r["posted_rial"]), amount),
    }


@router.get("/allocations", response_class=HTMLResponse)
def allocations(page: EmploymentPage, year: str = "") -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    fmt = page.fmt
    y = _year(page, year)
    rtl = page.prefs.dir == "rtl"
    rows = employment.allocation_report(page.reader(), actor, year=y)
    names = {a.code: a for a in reports.agencies(page.reader(), actor)}
    groups: dict[str, list[dict[str, Any]]] = {}
    for n, r in enumerate(rows):
        groups.setdefault(str(r["agency"]), []).append(_allocation_view(fmt, r, rtl, n))
    agencies = []
    for code, items in groups.items():
        total = {
            k: sum(int(i[k]) for i in items)
            for k in (
                "amount_rial",
                "reserved_rial",
                "posted_rial",
                "free_rial",
                "category_cap_rial",
                "category_used_rial",
            )
        }
        agencies.append({"code": code, "agency": names.get(code), "rows": items, "total": total})
    today = calendar.get(page.reader())
    ty, tm, _ = to_jalali(today)
    limits = []
    for n, lim in enumerate(reports.bank_monthly_limits(page.reader(), actor, year=y)):
        limits.append(
            {
                "row": lim,
                "current": (lim.year, lim.month) == (ty, tm),
                "used_pct": _pct(lim.used, lim.amount),
                "meter": meter(
                    meter_id=f"limit-{n}",
                    title=fmt.t(
                        f"سقف ماهانه: مصرف {fmt.money(lim.used)} از {fmt.money(lim.amount)} ریال",
                        f"Monthly limit: {fmt.money(lim.used)} of {fmt.money(lim.amount)} "
                        "rial used",
                    ),
                    segments=[
                        Segment(
                            "used",
                            fmt.t("مصرف‌شده ", "used ") + fmt.money(lim.used),
                            lim.used,
                        )
                    ],
                    total=lim.amount,
                    rtl=rtl,
                ),
            }
        )
    return render(
        page.request,
        "employment/allocations.html",
        {
            "year": y,
            "agencies": agencies,
            "limits": limits,
            "business_date": today,
            "show_limits": actor.role != "agency_officer",
        },
    )


ALLOCATION_COLUMNS = (
    "agency",
    "agency_name",
    "province",
    "year",
    "amount_rial",
    "reserved_rial",
    "posted_rial",
    "free_rial",
    "category_cap_rial",
    "category_used_rial",
    "repeat_cap_rial",
    "repeat_used_rial",
)


@router.get("/allocations.csv")
def allocations_csv(page: EmploymentPage, year: str = "") -> Response:
    actor = page.actor
    assert actor is not None
    rows = employment.allocation_report(
        page.reader(), actor, year=_year(page, year) if year else None
    )
    return csv_response(
        "allocations.csv", ALLOCATION_COLUMNS, ([r[c] for c in ALLOCATION_COLUMNS] for r in rows)
    )


@router.get("/limits.csv")
def limits_csv(page: EmploymentPage) -> Response:
    actor = page.actor
    assert actor is not None
    rows = reports.bank_monthly_limits(page.reader(), actor)
    return csv_response(
        "monthly-limits.csv",
        ("bank", "year", "month", "limit_rial", "used_rial", "exempt_used_rial", "remaining_rial"),
        (
            (r.bank_code, r.year, r.month, r.amount, r.used, r.exempt_used, r.remaining)
            for r in rows
        ),
    )


# -- reports ------------------------------------------------------------------------------------


def _pipeline_rows(page: Page) -> list[dict[str, Any]]:
    actor = page.actor
    assert actor is not None
    rows = employment.pipeline_report(page.reader(), actor)
    order = list(STATES)
    return sorted(rows, key=lambda r: order.index(r["state"]) if r["state"] in order else 99)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(page: EmploymentPage) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    fmt = page.fmt
    pipeline = _pipeline_rows(page)
    factor, unit = scale([int(r["amount_rial"]) for r in pipeline], fmt.fa)
    svg = chart(
        title=fmt.t("درخواست‌ها بر حسب وضعیت", "Applications by state"),
        description=fmt.t(
            "ستون‌ها جمع مبلغ درخواست‌های هر وضعیت را نشان می‌دهند.",
            "Bars: the total amount of the applications in each state.",
        ),
        categories=[fmt.t(*STATES.get(r["state"], (r["state"], r["state"]))) for r in pipeline],
        series=[
            Series("pipeline", fmt.t("مبلغ", "amount"), [int(r["amount_rial"]) for r in pipeline])
        ],
        y_label=unit,
        y_format=lambda v: fmt.digits(f"{v / factor:,.4g}"),
        value_format=lambda v: fmt.money(int(v)) + fmt.t(" ریال", " rial"),
        chart_id="pipeline-chart",
        rtl=fmt.fa,
        height=300,
    )
    return render(
        page.request,
        "employment/reports.html",
        {
            "pipeline": pipeline,
            "pipeline_chart": svg,
            "categories": employment.category_report(page.reader(), actor),
            "speed": employment.speed_report(page.reader(), actor),
            "states": STATES,
        },
    )


@router.get("/reports/pipeline.csv")
def pipeline_csv(page: EmploymentPage) -> Response:
    rows = _pipeline_rows(page)
    return csv_response(
        "pipeline.csv",
        ("state", "count", "amount_rial"),
        ((r["state"], r["count"], r["amount_rial"]) for r in rows),
    )


@router.get("/reports/categories.csv")
def categories_csv(page: EmploymentPage) -> Response:
    actor = page.actor
    assert actor is not None
    rows = employment.category_report(page.reader(), actor)
    cols = ("agency", "category", "state", "count", "amount_rial")
    return csv_response("categories.csv", cols, ([r[c] for c in cols] for r in rows))


@router.get("/reports/speed.csv")
def speed_csv(page: EmploymentPage) -> Response:
    actor = page.actor
    assert actor is not None
    rows = employment.speed_report(page.reader(), actor)
    cols = ("agency", "bank", "loans", "median_days")
    return csv_response("speed.csv", cols, ([r[c] for c in cols] for r in rows))
