"""Bank staff pages: customers and youth-fund accounts (open, deposit, withdraw, statement,
entitlement, transfer of the privilege, close), loan requests and the supervisor's approval
queue (maker and checker shown), disbursement, repayments, reports with CSV downloads, the
business date and the audit log.

Every page is a thin layer over a service, which checks the role, the branch and the
rules; a refusal comes back as the form again with the reasons next to it, and is audited.
Forms that move money carry an idempotency key, so a double submission posts once.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import TashilatError
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.forms import (
    Form,
    int_field,
    jalali_field,
    new_request_id,
    request_id_of,
    rial_field,
)
from tashilat.entrypoints.web.pages.citizen_common import find_city
from tashilat.entrypoints.web.pages.staff_common import PAGE_SIZE, _ctx, _offset, _refused
from tashilat.entrypoints.web.rendering import WebRoute, redirect, render
from tashilat.entrypoints.web.sessions import STAFF_ROLES, CheckedForm, Page, StaffPage
from tashilat.services import calendar, reports, youth

router = APIRouter(prefix="/staff", route_class=WebRoute)


menu.add(
    menu.MenuItem("staff.home", "میز کار", "Desk", "/staff", order=0, roles=STAFF_ROLES),
    menu.MenuItem(
        "staff.customers",
        "مشتریان",
        "Customers",
        "/staff/customers",
        permission="customers.read",
        order=10,
    ),
    menu.MenuItem(
        "staff.accounts",
        "حساب‌ها",
        "Accounts",
        "/staff/accounts",
        permission="accounts.read",
        order=20,
    ),
    menu.MenuItem(
        "staff.loans", "وام‌ها", "Loans", "/staff/loans", permission="loans.read", order=30
    ),
    menu.MenuItem(
        "staff.queue",
        "صف تأیید",
        "Approval queue",
        "/staff/loans/queue",
        permission="loans.read",
        order=35,
    ),
    menu.MenuItem(
        "staff.reports",
        "گزارش‌ها",
        "Reports",
        "/staff/reports",
        permission="accounts.read",
        order=50,
    ),
    menu.MenuItem(
        "staff.date",
        "تاریخ کاری",
        "Business date",
        "/staff/business-date",
        order=60,
        roles=STAFF_ROLES,
    ),
    menu.MenuItem(
        "staff.audit", "رویدادنگار", "Audit log", "/staff/audit", permission="audit.read", order=70
    ),
)


# -- desk -----------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def desk(page: StaffPage) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    on = calendar.get(page.reader())
    pending = reports.pending_approvals(page.reader(), actor) if page.can("loans.read") else 0
    branch = None
    if actor.branch_id is not None:
        found = reports.branches(page.reader(), [actor.branch_id])
        branch = found[0] if found else None
    return render(
        page.request,
        "staff/desk.html",
        _ctx(page, business_date=on, pending=pending, branch=branch),
    )


# -- customers ---------------------------------------------------------------------------------


def _customers_view(page: Page, form: Form | None = None, status: int = 200) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    offset = _offset(page)
    rows, total = youth.list_customers(page.reader(), actor, offset=offset, limit=PAGE_SIZE)
    branches = reports.branches(page.reader())
    names = {b.id: b for b in branches}
    return render(
        page.request,
        "staff/customers.html",
        _ctx(
            page,
            rows=rows,
            total=total,
            offset=offset,
            limit=PAGE_SIZE,
            branches=branches,
            branch_names=names,
            branch_options=[
                (str(b.id), f"{page.fmt.pick(b.name_fa, b.name_en)} ({b.code})") for b in branches
            ],
            form=form or Form(values={"branch_id": str(actor.branch_id or "")}),
        ),
        status=status,
    )


@router.get("/customers", response_class=HTMLResponse)
def customers(page: StaffPage) -> HTMLResponse:
    return _customers_view(page)


@router.post("/customers", response_class=HTMLResponse)
def create_customer(page: StaffPage, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(
        values=data,
        fields=("national_id", "name", "birth_date", "guardian_national_id", "branch_id"),
    )
    birth = form.parse("birth_date", jalali_field("birth_date"))
    form.parse("national_id", str)
    form.parse("name", str)
    branch_id = form.parse("branch_id", int_field("branch_id", 1, 2**31 - 1), required=False)
    if form.ok and birth is not None:
        try:
            c = youth.create_customer(
                page.uow(),
                actor,
                national_id=data["national_id"],
                name=data["name"],
                birth_date=birth,
                branch_id=branch_id if actor.bank_wide else None,
                guardian_national_id=data.get("guardian_national_id") or None,
                request_id=request_id_of(data),
            )
        except TashilatError as exc:
            _refused(page, form, exc)
        else:
            return redirect(f"/staff/customers/{c.id}?ok=customer")
    return _customers_view(page, form, status=422)


def _customer_view(
    page: Page, customer_id: int, form: Form | None = None, status: int = 200
) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    cust = youth.get_customer(page.reader(), actor, customer_id)
    accounts, _ = reports.accounts(page.reader(), actor, customer_id=customer_id, limit=500)
    can_open = page.can("accounts.write")
    form = form or Form(values={"request_id": new_request_id()})
    if "request_id" not in form.values:
        form.values = {**form.values, "request_id": new_request_id()}
    return render(
        page.request,
        "staff/customer.html",
        _ctx(page, c=cust, accounts=accounts, form=form, can_open=can_open),
        status=status,
    )


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer(page: StaffPage, customer_id: int) -> HTMLResponse:
    return _customer_view(page, customer_id)


@router.post("/customers/{customer_id}/accounts", response_class=HTMLResponse)
def open_account(page: StaffPage, customer_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=("city", "opening_deposit"))
    city = form.parse("city", find_city)
    amount = form.parse("opening_deposit", rial_field("opening_deposit"))
    if form.ok and city is not None and amount is not None:
        try:
            acc = youth.open_account(
                page.uow(),
                actor,
                page.container.policy,
                customer_id=customer_id,
                city=f"{city.name_fa}",
                opening_deposit=amount,
                request_id=request_id_of(data),
            )
        except TashilatError as exc:
            default = "opening_deposit" if exc.code.startswith("account.opening") else None
            _refused(page, form, exc, default_field=default)
        else:
            return redirect(f"/staff/accounts/{acc.id}?ok=opened")
    fresh = dict(data)
    fresh["request_id"] = new_request_id()
    form.values = fresh
    return _customer_view(page, customer_id, form, status=422)
