"""Bank staff pages for oversight: reports with CSV downloads of accounts and loans, the
business date (shown and moved on by the day-end) and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import format_jalali
from tashilat.entrypoints.web.forms import Form, jalali_field, request_id_of
from tashilat.entrypoints.web.labels import OUTCOMES as AUDIT_OUTCOMES
from tashilat.entrypoints.web.labels import action_label
from tashilat.entrypoints.web.pages.staff_common import (
    PAGE_SIZE,
    _ctx,
    _offset,
    _refused,
    csv_response,
)
from tashilat.entrypoints.web.rendering import WebRoute, redirect, render
from tashilat.entrypoints.web.sessions import CheckedForm, Page, StaffPage
from tashilat.services import calendar, day_end, reports
from tashilat.services.auth import require

router = APIRouter(prefix="/staff", route_class=WebRoute)


# -- reports ------------------------------------------------------------------------------------


@router.get("/reports", response_class=HTMLResponse)
def reports_page(page: StaffPage) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    rows = reports.accounts_report(page.reader(), actor, page.container.policy)
    loan_rows, _ = (
        reports.loans(page.reader(), actor, limit=500) if page.can("loans.read") else ([], 0)
    )
    return render(
        page.request,
        "staff/reports.html",
        _ctx(
            page,
            rows=rows,
            loan_rows=loan_rows,
            total_balance=sum(r.account.balance for r in rows),
            total_outstanding=sum(r.outstanding_principal for r in loan_rows),
        ),
    )


ACCOUNT_COLUMNS = (
    "account_number",
    "branch",
    "holder_national_id",
    "holder_name",
    "city",
    "tier",
    "cohort",
    "opened_on",
    "status",
    "balance_rial",
    "business_date",
    "completed_years",
    "entitlement_outcome",
    "cap_rial",
    "entitlement_rial",
    "eligible_on",
)


@router.get("/reports/accounts.csv")
def accounts_csv(page: StaffPage) -> Response:
    actor = page.actor
    assert actor is not None
    rows = reports.accounts_report(page.reader(), actor, page.container.policy)
    return csv_response(
        "accounts.csv",
        ACCOUNT_COLUMNS,
        (
            (
                r.account.number,
                r.account.branch_code,
                r.account.holder_national_id,
                r.account.holder_name,
                r.account.city,
                r.account.tier,
                r.account.cohort,
                format_jalali(r.account.opened_on),
                r.account.status,
                r.account.balance,
                format_jalali(r.business_date),
                r.entitlement.value.completed_years,
                r.entitlement.outcome,
                r.entitlement.value.cap_rial,
                r.entitlement.value.entitlement_rial,
                format_jalali(r.entitlement.value.eligible_on),
            )
            for r in rows
        ),
    )


LOAN_COLUMNS = (
    "loan_id",
    "account_number",
    "branch",
    "holder_name",
    "status",
    "principal_rial",
    "rate_percent",
    "months",
    "method",
    "requested_by",
    "requested_on",
    "approved_by",
    "approved_on",
    "disbursed_on",
    "principal_repaid_rial",
    "outstanding_principal_rial",
    "overdue_rial",
    "late_charges_outstanding_rial",
)


def _d(d: date | None) -> str:
    return format_jalali(d) if d else ""


@router.get("/reports/loans.csv")
def loans_csv(page: StaffPage) -> Response:
    actor = page.actor
    assert actor is not None
    require(actor, "loans.read")
    rows, _ = reports.loans(page.reader(), actor, limit=1_000_000)
    return csv_response(
        "loans.csv",
        LOAN_COLUMNS,
        (
            (
                r.id,
                r.account_number,
                r.branch_code,
                r.holder_name,
                r.status,
                r.principal,
                r.rate_percent,
                r.months,
                r.method,
                r.requested_by,
                _d(r.requested_on),
                r.approved_by or "",
                _d(r.approved_on),
                _d(r.disbursed_on),
                r.principal_repaid,
                r.outstanding_principal,
                r.overdue,
                r.penalty_outstanding,
            )
            for r in rows
        ),
    )


# -- business date and audit ----------------------------------------------------------------------


def _date_view(page: Page, form: Form | None = None, status: int = 200) -> HTMLResponse:
    on = calendar.get(page.reader())
    return render(
        page.request,
        "staff/business_date.html",
        _ctx(
            page,
            business_date=on,
            form=form or Form(),
            can_advance=page.can("business_date.advance"),
        ),
        status=status,
    )


@router.get("/business-date", response_class=HTMLResponse)
def business_date(page: StaffPage) -> HTMLResponse:
    return _date_view(page)


@router.post("/business-date", response_class=HTMLResponse)
def advance_date(page: StaffPage, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=("date",))
    to = form.parse("date", jalali_field("date"))
    if form.ok and to is not None:
        try:
            day_end.advance(
                page.uow(),
                actor,
                to,
                request_id=request_id_of(data),
                policy=page.container.policy,
            )
        except TashilatError as exc:
            _refused(page, form, exc, default_field="date")
        else:
            return redirect("/staff/business-date?ok=date")
    return _date_view(page, form, status=422)


@router.get("/audit", response_class=HTMLResponse)
def audit(page: StaffPage) -> HTMLResponse:
    """The audit log in Tehran time with Persian action names, filtered by user, action,
    object and a range of Jalali days (Tehran days), paged."""
    actor = page.actor
    assert actor is not None
    q = page.request.query_params
    fields = ("user", "action", "target", "from", "to")
    form = Form(values={k: q.get(k, "")[:100] for k in fields}, fields=fields)
    since_day = form.parse("from", jalali_field("from"), required=False)
    until_day = form.parse("to", jalali_field("to"), required=False)
    if since_day and until_day and until_day < since_day:
        form.add(
            InvalidInput(
                "audit.range",
                "تاریخ پایان پیش از تاریخ آغاز است.",
                "The end date is before the start date.",
                field="to",
            )
        )
    where = reports.AuditFilter(
        username=form.get("user"),
        action=form.get("action"),
        target=form.get("target"),
        since=_tehran_midnight(since_day) if since_day else None,
        until=_tehran_midnight(until_day + timedelta(days=1)) if until_day else None,
    )
    offset = _offset(page)
    users, actions = reports.audit_choices(page.reader(), actor)
    rows, total = reports.audit_log(
        page.reader(), actor, offset=offset, limit=PAGE_SIZE, where=where
    )
    fa = page.fmt.fa
    return render(
        page.request,
        "staff/audit.html",
        _ctx(
            page,
            rows=rows,
            total=total,
            offset=offset,
            limit=PAGE_SIZE,
            form=form,
            users=users,
            actions=[(a, action_label(a, fa)) for a in actions],
            action_label=lambda a: action_label(a, fa),
            outcome_label=lambda o: page.fmt.t(*AUDIT_OUTCOMES.get(o, (o, o))),
            params={k: form.get(k) for k in fields if form.get(k)},
        ),
        status=200 if form.ok else 422,
    )


def _tehran_midnight(day: date) -> datetime:
    """The instant a Tehran day begins, in UTC (the log keeps UTC instants)."""
    from zoneinfo import ZoneInfo

    local = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo("Asia/Tehran"))
    return local.astimezone(UTC)
