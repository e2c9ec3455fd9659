"""Bank staff pages: customers and youth-fund accounts (open, deposit, withdraw, statement,
entitlement, transfer of the privilege, close), loan requests and the supervisor's approval
queue (maker and checker shown), disbursement, repayments, reports with CSV downloads, the
business date and the audit log.

Every page is a thin layer over a service, which checks the role, the branch and the
rules; a refusal comes back as the form again with the reasons next to it, and is audited.
Forms that move money carry an idempotency key, so a double submission posts once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.youth_fund.servicing import RELATIONS_FA
from tashilat.entrypoints.spreadsheet import safe_row
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.core import (
    STAFF_ROLES,
    CheckedForm,
    Form,
    Page,
    StaffPage,
    WebRoute,
    audit_refusal,
    int_field,
    jalali_field,
    new_request_id,
    redirect,
    render,
    request_id_of,
    rial_field,
    url_with,
)
from tashilat.entrypoints.web.labels import OUTCOMES as AUDIT_OUTCOMES
from tashilat.entrypoints.web.labels import action_label
from tashilat.entrypoints.web.pages.citizen import METHODS, find_city, method_options
from tashilat.services import calendar, day_end, loans, reports, youth
from tashilat.services.auth import require

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

PAGE_SIZE = 50

OK_MESSAGES: dict[str, tuple[str, str]] = {
    "customer": ("مشتری ثبت شد.", "The customer was created."),
    "opened": ("حساب افتتاح شد.", "The account was opened."),
    "deposit": ("واریز ثبت شد.", "The deposit was recorded."),
    "withdraw": ("برداشت ثبت شد.", "The withdrawal was recorded."),
    "replayed": (
        "این فرم پیش‌تر فرستاده شده بود؛ چیزی دوباره ثبت نشد.",
        "This form was already sent; nothing was posted twice.",
    ),
    "transfer": ("امتیاز حساب منتقل شد.", "The privilege was transferred."),
    "closed": ("حساب بسته و موجودی پرداخت شد.", "The account was closed and paid out."),
    "requested": (
        "درخواست وام ثبت شد و در صف تأیید است.",
        "The loan request was recorded and waits for approval.",
    ),
    "approved": ("وام تأیید شد.", "The loan was approved."),
    "rejected": ("درخواست وام رد شد.", "The loan request was rejected."),
    "disbursed": ("وام پرداخت شد.", "The loan was disbursed."),
    "repaid": ("بازپرداخت ثبت شد.", "The repayment was recorded."),
    "date": ("تاریخ کاری جلو رفت.", "The business date moved forward."),
}

KINDS: dict[str, tuple[str, str]] = {
    "youth.open": ("واریز افتتاح", "opening deposit"),
    "youth.deposit": ("واریز", "deposit"),
    "youth.withdraw": ("برداشت", "withdrawal"),
    "youth.close": ("بستن حساب", "closing payout"),
}

LOAN_STATUSES: dict[str, tuple[str, str]] = {
    "requested": ("در انتظار تأیید", "awaiting approval"),
    "approved": ("تأییدشده", "approved"),
    "rejected": ("ردشده", "rejected"),
    "disbursed": ("پرداخت‌شده", "disbursed"),
    "settled": ("تسویه‌شده", "settled"),
}

OUTCOMES: dict[str, tuple[str, str]] = {
    "eligible": ("واجد شرایط", "eligible"),
    "not_yet_eligible": ("هنوز واجد شرایط نیست", "not yet eligible"),
    "no_entitlement": ("بدون امتیاز", "no entitlement"),
}

RELATIONS_EN = {
    "spouse": "spouse",
    "parent": "parent",
    "child": "child",
    "sibling": "sibling",
    "grandparent": "grandparent",
    "grandchild": "grandchild",
}


def _ok(page: Page) -> str | None:
    key = page.request.query_params.get("ok", "")
    if key in OK_MESSAGES:
        return page.fmt.t(*OK_MESSAGES[key])
    return None


def _offset(page: Page) -> int:
    try:
        return max(0, min(int(page.request.query_params.get("offset", "0")), 10_000_000))
    except ValueError:
        return 0


def _ctx(page: Page, **extra: Any) -> dict[str, Any]:
    return {
        "ok": _ok(page),
        "kinds": KINDS,
        "loan_statuses": LOAN_STATUSES,
        "outcomes": OUTCOMES,
        "method_labels": {k: (fa, en) for k, fa, en in METHODS},
        **extra,
    }


def _refused(page: Page, form: Form, exc: TashilatError, default_field: str | None = None) -> None:
    """File a service error on its form and audit it (a refused POST is audited)."""
    form.add(exc, default_field=default_field)
    audit_refusal(page.request, exc)


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


# -- accounts ---------------------------------------------------------------------------------


@router.get("/accounts", response_class=HTMLResponse)
def accounts(page: StaffPage) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    offset = _offset(page)
    rows, total = reports.accounts(page.reader(), actor, offset=offset, limit=PAGE_SIZE)
    return render(
        page.request,
        "staff/accounts.html",
        _ctx(page, rows=rows, total=total, offset=offset, limit=PAGE_SIZE),
    )


ACCOUNT_FORMS = {
    "deposit": ("amount",),
    "withdraw": ("amount",),
    "transfer": ("to_national_id", "relation"),
    "loan": ("amount", "months", "method", "appraisal"),
    "close": ("confirm",),
}


def _receipt(page: Page, find: Any, object_id: int) -> reports.Receipt | None:
    """The receipt named in the address (``?receipt=<tracking number>``), if any."""
    tracking = page.request.query_params.get("receipt", "")[:200]
    if not tracking or page.actor is None:
        return None
    found: reports.Receipt | None = find(page.reader(), page.actor, object_id, tracking)
    return found


def _account_view(
    page: Page,
    account_id: int,
    forms: Mapping[str, Form] | None = None,
    status: int = 200,
) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    acc, decision = youth.account_entitlement(
        page.reader(), actor, page.container.policy, account_id
    )
    names = reports.customer_names(page.reader(), actor, [acc.customer_id, acc.privilege_holder_id])
    loan_rows, _ = reports.loans(page.reader(), actor, account_id=account_id, limit=100)
    all_forms = {
        name: Form(values={"request_id": new_request_id()}, fields=fields)
        for name, fields in ACCOUNT_FORMS.items()
    }
    all_forms["loan"].values = {
        "request_id": new_request_id(),
        "months": "240",
        "method": "simple",
        "amount": page.fmt.money(decision.value.entitlement_rial)
        if decision.value.entitlement_rial
        else "",
    }
    for name, f in (forms or {}).items():
        f.values = {**f.values, "request_id": new_request_id()}
        all_forms[name] = f
    methods = [
        str(m)
        for m in page.container.policy.resolve("youth_fund.loan.methods", acc.opened_on).value
    ]
    relations = [(k, page.fmt.t(v, RELATIONS_EN[k])) for k, v in RELATIONS_FA.items()]
    relations.append(("other", page.fmt.t("نسبت دیگر", "another relation")))
    return render(
        page.request,
        "staff/account.html",
        _ctx(
            page,
            acc=acc,
            d=decision,
            holder=names.get(acc.customer_id, ""),
            privilege_holder=names.get(acc.privilege_holder_id, ""),
            loans=loan_rows,
            forms=all_forms,
            methods=method_options(page.fmt, methods),
            relations=relations,
            open_loan=any(r.status in ("requested", "approved", "disbursed") for r in loan_rows),
            receipt=_receipt(page, reports.account_receipt, account_id),
        ),
        status=status,
    )


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account(page: StaffPage, account_id: int) -> HTMLResponse:
    return _account_view(page, account_id)


def _movement(page: Page, account_id: int, data: Mapping[str, str], kind: str) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=ACCOUNT_FORMS[kind])
    amount = form.parse("amount", rial_field("amount"))
    if form.ok and amount is not None:
        try:
            if kind == "deposit":
                m = youth.deposit(
                    page.uow(),
                    actor,
                    account_id=account_id,
                    amount=amount,
                    request_id=request_id_of(data),
                )
            else:
                m = youth.withdraw(
                    page.uow(),
                    actor,
                    page.container.policy,
                    account_id=account_id,
                    amount=amount,
                    request_id=request_id_of(data),
                )
        except TashilatError as exc:
            _refused(page, form, exc, default_field="amount")
        else:
            ok = "replayed" if m.replayed else kind
            return redirect(
                url_with(f"/staff/accounts/{account_id}", ok=ok, receipt=m.request_id) + "#receipt"
            )
    return _account_view(page, account_id, {kind: form}, status=422)


@router.post("/accounts/{account_id}/deposit", response_class=HTMLResponse)
def deposit(page: StaffPage, account_id: int, data: CheckedForm) -> Response:
    return _movement(page, account_id, data, "deposit")


@router.post("/accounts/{account_id}/withdraw", response_class=HTMLResponse)
def withdraw(page: StaffPage, account_id: int, data: CheckedForm) -> Response:
    return _movement(page, account_id, data, "withdraw")


@router.post("/accounts/{account_id}/transfer", response_class=HTMLResponse)
def transfer(page: StaffPage, account_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=ACCOUNT_FORMS["transfer"])
    form.parse("to_national_id", str)
    form.parse("relation", str)
    if form.ok:
        try:
            youth.transfer_privilege(
                page.uow(),
                actor,
                page.container.policy,
                account_id=account_id,
                to_national_id=data["to_national_id"],
                relation=data["relation"],
                request_id=request_id_of(data),
            )
        except TashilatError as exc:
            _refused(page, form, exc)
        else:
            return redirect(f"/staff/accounts/{account_id}?ok=transfer")
    return _account_view(page, account_id, {"transfer": form}, status=422)


@router.post("/accounts/{account_id}/close", response_class=HTMLResponse)
def close(page: StaffPage, account_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=ACCOUNT_FORMS["close"])
    if data.get("confirm") not in ("1", "on"):
        form.errors["confirm"] = InvalidInput(
            "close.confirm",
            "برای بستن حساب، تأیید را علامت بزنید.",
            "Tick the confirmation to close the account.",
            field="confirm",
        )
    if form.ok:
        try:
            youth.close_account(
                page.uow(), actor, account_id=account_id, request_id=request_id_of(data)
            )
        except TashilatError as exc:
            _refused(page, form, exc)
        else:
            return redirect(f"/staff/accounts/{account_id}?ok=closed")
    return _account_view(page, account_id, {"close": form}, status=422)


@router.post("/accounts/{account_id}/loans", response_class=HTMLResponse)
def request_loan(page: StaffPage, account_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=ACCOUNT_FORMS["loan"])
    amount = form.parse("amount", rial_field("amount"))
    months = form.parse("months", int_field("months", 1, 600))
    appraisal = form.parse("appraisal", rial_field("appraisal"))
    if form.ok and amount is not None and months is not None and appraisal is not None:
        try:
            loan, _ = loans.request_loan(
                page.uow(),
                actor,
                page.container.policy,
                account_id=account_id,
                amount=amount,
                months=months,
                method=data.get("method", "simple"),
                appraisal=appraisal,
                request_id=request_id_of(data),
            )
        except TashilatError as exc:
            _refused(page, form, exc)
        else:
            return redirect(f"/staff/loans/{loan.id}?ok=requested")
    return _account_view(page, account_id, {"loan": form}, status=422)


def _statement_args(page: Page, form: Form) -> tuple[date | None, date | None]:
    date_from = form.parse("from", jalali_field("from"), required=False)
    date_to = form.parse("to", jalali_field("to"), required=False)
    return date_from, date_to


def statement_data(page: Page, account_id: int) -> dict[str, Any]:
    """The statement of an account for a page (staff or the holder)."""
    actor = page.actor
    assert actor is not None
    form = Form(values=dict(page.request.query_params), fields=("from", "to"))
    date_from, date_to = _statement_args(page, form)
    acc, opening, lines = youth.statement(
        page.reader(),
        actor,
        account_id,
        date_from=date_from if form.ok else None,
        date_to=date_to if form.ok else None,
    )
    return {"acc": acc, "opening": opening, "lines": lines, "form": form}


@router.get("/accounts/{account_id}/statement", response_class=HTMLResponse)
def statement(page: StaffPage, account_id: int) -> HTMLResponse:
    data = statement_data(page, account_id)
    status = 200 if data["form"].ok else 422
    return render(page.request, "staff/statement.html", _ctx(page, **data), status=status)


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV download: UTF-8 with a byte-order mark (spreadsheets then read Persian right),
    Latin digits, Jalali dates, amounts in whole rials; text that a spreadsheet would run as
    a formula is written inert (see :mod:`tashilat.entrypoints.spreadsheet`)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(safe_row(header))
    for r in rows:
        w.writerow(safe_row(r))
    return Response(
        buf.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/accounts/{account_id}/statement.csv")
def statement_csv(page: StaffPage, account_id: int) -> Response:
    data = statement_data(page, account_id)
    acc = data["acc"]
    rows = [
        ("", "opening balance", "", "", data["opening"]),
        *(
            (format_jalali(x.business_date), x.kind, x.request_id, x.amount, x.balance)
            for x in data["lines"]
        ),
    ]
    return csv_response(
        f"statement-{acc.number}.csv",
        ("date", "kind", "request_id", "amount_rial", "balance_rial"),
        rows,
    )


# -- loans ------------------------------------------------------------------------------------


@router.get("/loans", response_class=HTMLResponse)
def loan_list(page: StaffPage, status: str = "") -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    offset = _offset(page)
    status = status if status in LOAN_STATUSES else ""
    rows, total = reports.loans(
        page.reader(), actor, status=status or None, offset=offset, limit=PAGE_SIZE
    )
    return render(
        page.request,
        "staff/loans.html",
        _ctx(page, rows=rows, total=total, offset=offset, limit=PAGE_SIZE, status=status),
    )


def may_approve(page: Page, row: reports.LoanRow) -> tuple[bool, str]:
    """Whether the signed-in person may approve, and if not, why (shown on the page)."""
    actor = page.actor
    assert actor is not None
    if not page.can("loans.approve"):
        return False, page.fmt.t(
            "تنها سرپرست شعبه یا مدیر سامانه وام را تأیید می‌کند.",
            "Only a branch supervisor or an admin approves loans.",
        )
    if row.requested_by_id == actor.user_id:
        return False, page.fmt.t(
            "این درخواست را خودتان ثبت کرده‌اید؛ فرد دیگری باید آن را تأیید کند (اصل چهار چشم).",
            "You made this request; another person must approve it (four eyes).",
        )
    if not actor.bank_wide and actor.branch_id != row.branch_id:
        return False, page.fmt.t("این وام از شعبه دیگری است.", "This loan is another branch's.")
    return True, ""


@router.get("/loans/queue", response_class=HTMLResponse)
def queue(page: StaffPage) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    rows, total = reports.loans(page.reader(), actor, status="requested", limit=200)
    items = [
        {
            "row": r,
            "approvers": reports.approvers(page.reader(), actor, r),
            "may": may_approve(page, r),
        }
        for r in rows
    ]
    return render(page.request, "staff/queue.html", _ctx(page, items=items, total=total))


def _loan_view(
    page: Page, loan_id: int, forms: Mapping[str, Form] | None = None, status: int = 200
) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    row = reports.loan(page.reader(), actor, loan_id)
    _, instalments = loans.get_loan(page.reader(), actor, loan_id)
    on = calendar.get(page.reader())
    due_now = sum(
        (i.principal - i.paid_principal)
        + (i.profit - i.paid_profit)
        + (i.penalty_accrued - i.penalty_paid)
        for i in instalments
        if i.paid_on is None and i.due <= on
    )
    next_open = next((i for i in instalments if i.paid_on is None), None)
    suggested = due_now or (
        (next_open.principal - next_open.paid_principal)
        + (next_open.profit - next_open.paid_profit)
        + (next_open.penalty_accrued - next_open.penalty_paid)
        if next_open
        else 0
    )
    all_forms = {
        "decide": Form(values={"request_id": new_request_id()}, fields=("note",)),
        "disburse": Form(values={"request_id": new_request_id()}, fields=()),
        "repay": Form(
            values={
                "request_id": new_request_id(),
                "amount": page.fmt.money(suggested) if suggested else "",
            },
            fields=("amount",),
        ),
    }
    for name, f in (forms or {}).items():
        f.values = {**f.values, "request_id": new_request_id()}
        all_forms[name] = f
    return render(
        page.request,
        "staff/loan.html",
        _ctx(
            page,
            row=row,
            instalments=instalments,
            business_date=on,
            due_now=due_now,
            forms=all_forms,
            may=may_approve(page, row),
            approvers=reports.approvers(page.reader(), actor, row)
            if row.status == "requested"
            else [],
            receipt=_receipt(page, reports.loan_receipt, loan_id),
        ),
        status=status,
    )


@router.get("/loans/{loan_id}", response_class=HTMLResponse)
def loan_page(page: StaffPage, loan_id: int) -> HTMLResponse:
    return _loan_view(page, loan_id)


@router.post("/loans/{loan_id}/decide", response_class=HTMLResponse)
def decide(page: StaffPage, loan_id: int, data: CheckedForm) -> Response:
    """The checker's step. The service refuses the maker and anyone without the role; the
    refusal is shown as a page (403) and audited."""
    actor = page.actor
    assert actor is not None
    approve = data.get("decision") == "approve"
    loans.decide(
        page.uow(),
        actor,
        loan_id=loan_id,
        approve=approve,
        note=data.get("note", "")[:500],
        request_id=request_id_of(data),
    )
    back = data.get("back") == "queue"
    target = "/staff/loans/queue" if back else f"/staff/loans/{loan_id}"
    return redirect(f"{target}?ok={'approved' if approve else 'rejected'}")


@router.post("/loans/{loan_id}/disburse", response_class=HTMLResponse)
def disburse(page: StaffPage, loan_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data)
    try:
        loans.disburse(
            page.uow(),
            actor,
            page.container.policy,
            loan_id=loan_id,
            request_id=request_id_of(data),
        )
    except TashilatError as exc:
        _refused(page, form, exc)
        return _loan_view(page, loan_id, {"disburse": form}, status=422)
    return redirect(f"/staff/loans/{loan_id}?ok=disbursed")


@router.post("/loans/{loan_id}/repay", response_class=HTMLResponse)
def repay(page: StaffPage, loan_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=("amount",))
    amount = form.parse("amount", rial_field("amount"))
    if form.ok and amount is not None:
        try:
            r = loans.repay(
                page.uow(),
                actor,
                page.container.policy,
                loan_id=loan_id,
                amount=amount,
                request_id=request_id_of(data),
            )
        except TashilatError as exc:
            _refused(page, form, exc, default_field="amount")
        else:
            ok = "replayed" if r.replayed else "repaid"
            return redirect(
                url_with(f"/staff/loans/{loan_id}", ok=ok, receipt=r.request_id) + "#receipt"
            )
    return _loan_view(page, loan_id, {"repay": form}, status=422)


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
            day_end.advance(page.uow(), actor, to, request_id=request_id_of(data))
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
