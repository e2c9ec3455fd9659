"""Pages for citizens, no login: the youth-fund planner, the loan schedule calculator, the
affordability calculator and the construction-insurance calculator.

Every calculator is a GET form (its answer has an address that can be shared or
bookmarked); the answer shows the figures, a chart, the reasons and a warning for every
assumed or illustrative figure, linked to its entry in the policy browser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.data import load_city_index
from tashilat.domain.decision import Provenance, Warning, warnings_for
from tashilat.domain.errors import InvalidInput, PolicyError, TashilatError
from tashilat.domain.finance import Method, Schedule, build_schedule
from tashilat.domain.jalali import jalali_year
from tashilat.domain.money import parse_percent
from tashilat.domain.programs.youth_fund.cities import City, tier_of
from tashilat.domain.programs.youth_fund.rules import plan
from tashilat.domain.text import strip_number
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.core import (
    DIGIT_STYLES,
    DIGITS_COOKIE,
    LANG_COOKIE,
    LANGS,
    SECURITY_HEADERS,
    Fmt,
    Form,
    PublicPage,
    WebRoute,
    int_field,
    jalali_field,
    percent_field,
    redirect,
    render,
    rial_field,
    rial_or_none,
    safe_next,
    set_pref_cookie,
)
from tashilat.entrypoints.web.svg import Series, chart, scale

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


@router.get("/cities/suggest", response_class=HTMLResponse)
def city_suggest(page: PublicPage, city: str = "", limit: int = 10) -> HTMLResponse:
    """``<option>`` elements for the city field's datalist (htmx swaps them in)."""
    text = city[:100].strip()
    found = load_city_index().suggest(text, max(1, min(limit, 20))) if text else []
    fa = page.prefs.lang == "fa"
    policy = page.container.policy
    items = [(city_value(c, fa), c, tier_of(policy, c, date.today()).tier) for c in found]
    return render(page.request, "partials/city_options.html", {"items": items})


# -- youth-fund planner -----------------------------------------------------------------------


def _money_axis(fmt: Fmt, values: Sequence[int | None]) -> tuple[Any, str]:
    factor, unit = scale(values, fmt.fa)
    return (lambda v: fmt.digits(f"{v / factor:,.4g}")), unit


@router.get("/youth-fund/plan", response_class=HTMLResponse)
def planner(page: PublicPage) -> HTMLResponse:
    q = dict(page.request.query_params)
    fmt = page.fmt
    defaults = {"mode": "table", "share": fmt.digits("100")}
    form = Form(
        values={**defaults, **q},
        fields=("opened", "city", "mode", "monthly", "share", "lump_sum"),
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
        if form.ok and opened is not None and city is not None:
            try:
                placed = tier_of(policy, city, opened)
                tier = placed.tier
                d = plan(
                    policy,
                    opened_on=opened,
                    tier=tier,
                    monthly=monthly,
                    share_percent=share,
                    lump_sum=lump or 0,
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
                result = {
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
