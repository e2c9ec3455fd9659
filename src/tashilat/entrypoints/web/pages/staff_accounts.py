"""Bank staff pages for youth-fund accounts: the list, an account (deposit, withdraw, transfer of
the privilege, close), a loan request from it, and its statement on screen and as CSV.

Every page is a thin layer over a service, which checks the role, the branch and the
rules; a refusal comes back as the form again with the reasons next to it, and is audited.
Forms that move money carry an idempotency key, so a double submission posts once.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import InvalidInput, TashilatError
from tashilat.domain.jalali import format_jalali
from tashilat.domain.programs.youth_fund.servicing import RELATIONS_FA
from tashilat.entrypoints.web.forms import (
    Form,
    int_field,
    new_request_id,
    request_id_of,
    rial_field,
)
from tashilat.entrypoints.web.pages.citizen_common import method_options
from tashilat.entrypoints.web.pages.staff_common import (
    PAGE_SIZE,
    RELATIONS_EN,
    _ctx,
    _offset,
    _receipt,
    _refused,
    csv_response,
    statement_data,
)
from tashilat.entrypoints.web.rendering import WebRoute, redirect, render
from tashilat.entrypoints.web.sessions import CheckedForm, Page, StaffPage, url_with
from tashilat.services import loans, reports, youth

router = APIRouter(prefix="/staff", route_class=WebRoute)


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


@router.get("/accounts/{account_id}/statement", response_class=HTMLResponse)
def statement(page: StaffPage, account_id: int) -> HTMLResponse:
    data = statement_data(page, account_id)
    status = 200 if data["form"].ok else 422
    return render(page.request, "staff/statement.html", _ctx(page, **data), status=status)


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
