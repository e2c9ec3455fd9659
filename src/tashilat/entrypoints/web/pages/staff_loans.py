"""Bank staff pages for housing loans: the list, the supervisor's approval queue (maker and
checker shown), a loan (decide, disburse, repay).

Every page is a thin layer over a service, which checks the role, the branch and the
rules; a refusal comes back as the form again with the reasons next to it, and is audited.
Forms that move money carry an idempotency key, so a double submission posts once.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import TashilatError
from tashilat.entrypoints.web.forms import Form, new_request_id, request_id_of, rial_field
from tashilat.entrypoints.web.pages.staff_common import (
    LOAN_STATUSES,
    PAGE_SIZE,
    _ctx,
    _offset,
    _receipt,
    _refused,
)
from tashilat.entrypoints.web.rendering import WebRoute, redirect, render
from tashilat.entrypoints.web.sessions import CheckedForm, Page, StaffPage, url_with
from tashilat.services import calendar, loans, reports

router = APIRouter(prefix="/staff", route_class=WebRoute)


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
    due_now = loans.owed([i for i in instalments if i.paid_on is None and i.due <= on])
    next_open = next((i for i in instalments if i.paid_on is None), None)
    suggested = due_now or (loans.owed([next_open]) if next_open else 0)
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
