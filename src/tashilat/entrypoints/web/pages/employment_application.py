"""One employment-loan application for staff: its page (timeline, reasons, SAMAT code, fee
schedule) and its steps: review, introduce to a bank, record a guarantee, approve, pay
(maker and checker shown; a loan refused by the monthly limit shows the month it waits
for), reject, record a withdrawal, record a repayment.

Every step is a service call (``services.employment``), which checks the role, the agency
or bank and the rules; a refusal comes back as the form again with every reason and its
legal reference next to it, and is audited. A step the person may not take is a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import TashilatError
from tashilat.domain.ids import parse_national_id
from tashilat.domain.programs.employment import rules
from tashilat.entrypoints.web.forms import Form, new_request_id, request_id_of, rial_field
from tashilat.entrypoints.web.pages.employment_common import (
    FORMS,
    KINDS,
    OPEN_STATES,
    STATES,
    EmploymentPage,
    _ctx,
    _refused,
    bundle_words,
)
from tashilat.entrypoints.web.pages.staff_common import _receipt
from tashilat.entrypoints.web.rendering import WebRoute, redirect, render, status_of
from tashilat.entrypoints.web.sessions import CheckedForm, Page, url_with
from tashilat.services import calendar, employment, loans, reports

router = APIRouter(prefix="/employment", route_class=WebRoute)


# -- one application ---------------------------------------------------------------------------


def _may_disburse(page: Page, app: Any) -> tuple[bool, str]:
    """Whether the signed-in person may pay, and if not, why (shown on the page)."""
    actor = page.actor
    assert actor is not None
    if not page.can("employment.disburse"):
        return False, page.fmt.t(
            "پرداخت را سرپرست بانک عامل (پرداخت‌کننده) انجام می‌دهد، نه کارشناس تأییدکننده.",
            "The bank's supervisor (the payer) disburses, not the approving officer.",
        )
    if app.approved_by is not None and app.approved_by == actor.user_id:
        return False, page.fmt.t(
            "این وام را خودتان تأیید کرده‌اید؛ فرد دیگری باید آن را پرداخت کند (اصل چهار چشم).",
            "You approved this loan; another person must pay it (four eyes).",
        )
    return True, ""


def _timeline(page: Page, app: Any, names: reports.EmploymentNames) -> list[dict[str, Any]]:
    fmt = page.fmt
    users = names.users
    bank = names.banks.get(app.bank_id) if app.bank_id else None
    agency = names.agencies.get(app.agency_id)
    steps: list[dict[str, Any]] = [
        {
            "key": "submitted",
            "label": fmt.t("ثبت طرح", "Submitted"),
            "on": app.submitted_on,
            "by": users.get(app.submitted_by, ""),
            "note": fmt.pick(agency.name_fa, agency.name_en) if agency else "",
        },
        {
            "key": "introduced",
            "label": fmt.t("معرفی به بانک (رزرو تخصیص)", "Introduced (allocation reserved)"),
            "on": app.introduced_on,
            "by": users.get(app.introduced_by, ""),
            "note": fmt.pick(bank.name_fa, bank.name_en) if bank else "",
        },
        {
            "key": "approved",
            "label": fmt.t("تأیید بانک (تأییدکننده)", "Approved by the bank (checker)"),
            "on": app.approved_on,
            "by": users.get(app.approved_by, ""),
            "note": "",
        },
        {
            "key": "disbursed",
            "label": fmt.t("پرداخت (پرداخت‌کننده)", "Disbursed (payer)"),
            "on": app.disbursed_on,
            "by": users.get(app.disbursed_by, ""),
            "note": names.samat_codes.get(app.id, ""),
        },
    ]
    if app.state in ("rejected", "withdrawn", "settled"):
        steps.append(
            {
                "key": app.state,
                "label": fmt.t(*STATES[app.state]),
                "on": app.closed_on,
                "by": "",
                "note": "",
            }
        )
    return steps


def _detail(
    page: Page, app_id: int, forms: Mapping[str, Form] | None = None, status: int = 200
) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    policy = page.container.policy
    app, applicant, insts = employment.get(page.reader(), actor, app_id)
    names = reports.employment_names(page.reader(), actor, [app])
    guarantees = reports.employment_guarantees(page.reader(), actor, app_id)
    on = calendar.get(page.reader())
    gstatus = employment.guarantee_status(page.reader(), actor, policy, app_id)
    min_grade = str(policy.resolve("employment.min_credit_grade", on).value)
    bundles = [
        {
            "words": bundle_words(page.fmt, b.bundle, min_grade),
            "met": b.met,
            "missing": bundle_words(page.fmt, b.missing, min_grade) if b.missing else "",
        }
        for b in gstatus.value.bundles
    ]
    eligibility = None
    projected = None
    if app.state in OPEN_STATES:
        eligibility = employment.eligibility(page.reader(), actor, policy, app_id)
        if not insts:
            projected = employment.preview_schedule(policy, app.amount, on)
    all_forms = {
        name: Form(values={"request_id": new_request_id()}, fields=f) for name, f in FORMS.items()
    }
    all_forms["guarantee"].values = {"request_id": new_request_id(), "kind": "guarantor"}
    if insts:
        due_next = next((i for i in insts if i.paid_on is None), None)
        if due_next is not None:
            all_forms["repay"].values = {
                "request_id": new_request_id(),
                "amount": page.fmt.money(loans.owed([due_next])),
            }
    for name, f in (forms or {}).items():
        f.values = {**f.values, "request_id": new_request_id()}
        all_forms[name] = f
    banks = reports.agent_banks(page.reader(), actor) if page.can("employment.introduce") else []
    outstanding = sum(i.principal - i.paid_principal for i in insts)
    return render(
        page.request,
        "employment/application.html",
        _ctx(
            page,
            app=app,
            applicant=applicant,
            insts=insts,
            names=names,
            agency=names.agencies.get(app.agency_id),
            bank=names.banks.get(app.bank_id) if app.bank_id else None,
            samat_code=names.samat_codes.get(app.id),
            timeline=_timeline(page, app, names),
            reasons=employment.reasons_of(app),
            guarantees=guarantees,
            gstatus=gstatus,
            bundles=bundles,
            min_grade=min_grade,
            eligibility=eligibility,
            projected=projected,
            outstanding=outstanding,
            receipt=_receipt(page, reports.employment_receipt, app_id),
            business_date=on,
            forms=all_forms,
            bank_options=[
                (b.code, f"{page.fmt.pick(b.name_fa, b.name_en)} ({b.code})") for b in banks
            ],
            kind_options=[(k, page.fmt.t(*v)) for k, v in KINDS.items()],
            grade_options=[("", "—"), *((g, g) for g in rules.GRADES)],
            may_disburse=_may_disburse(page, app),
            payers=reports.employment_payers(
                page.reader(), actor, bank_id=app.bank_id, approved_by=app.approved_by
            )
            if app.state == "approved"
            else [],
            is_open=app.state in OPEN_STATES,
        ),
        status=status,
    )


@router.get("/applications/{app_id}", response_class=HTMLResponse)
def application(page: EmploymentPage, app_id: int) -> HTMLResponse:
    return _detail(page, app_id)


def _step(
    page: Page,
    app_id: int,
    name: str,
    data: Mapping[str, str],
    call: Callable[[Form], str | None],
    default_field: str | None = None,
    receipt: str = "",
) -> Response:
    """Run one step of the workflow: ``call`` parses its fields and calls the service,
    returning the ``ok`` key to show, or ``None`` when a field was wrong. A step that moves
    money names its tracking number (``receipt``) so the page it leads to shows the receipt."""
    form = Form(values=data, fields=FORMS[name])
    try:
        ok = call(form)
    except TashilatError as exc:
        _refused(page, form, exc, default_field=default_field)
        return _detail(page, app_id, {name: form}, status=status_of(exc))
    if ok is None or not form.ok:
        return _detail(page, app_id, {name: form}, status=422)
    if receipt:
        url = url_with(f"/employment/applications/{app_id}", ok=ok, receipt=receipt)
        return redirect(url + "#receipt")
    return redirect(f"/employment/applications/{app_id}?ok={ok}")


@router.post("/applications/{app_id}/review", response_class=HTMLResponse)
def review(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None

    def call(form: Form) -> str:
        employment.start_review(page.uow(), actor, app_id=app_id, request_id=request_id_of(data))
        return "review"

    return _step(page, app_id, "review", data, call)


@router.post("/applications/{app_id}/introduce", response_class=HTMLResponse)
def introduce(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None

    def call(form: Form) -> str | None:
        bank = form.parse("bank", str)
        if bank is None:
            return None
        employment.introduce(
            page.uow(),
            actor,
            page.container.policy,
            app_id=app_id,
            bank_code=bank[:20],
            request_id=request_id_of(data),
        )
        return "introduced"

    return _step(page, app_id, "introduce", data, call, default_field="bank")


@router.post("/applications/{app_id}/guarantees", response_class=HTMLResponse)
def add_guarantee(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None

    def call(form: Form) -> str | None:
        kind = data.get("kind", "")
        nid = grade = None
        if kind == "guarantor":
            nid = form.parse("national_id", lambda v: parse_national_id(v, field="national_id"))
        elif kind == "credit_score":
            grade = form.parse("grade", str)
        if not form.ok:
            return None
        employment.add_guarantee(
            page.uow(),
            actor,
            app_id=app_id,
            kind=kind,
            national_id=nid,
            grade=grade,
            request_id=request_id_of(data),
        )
        return "guarantee"

    # a guarantor refused (the applicant, or somebody already listed) is the ID's error
    field = "national_id" if data.get("kind") == "guarantor" else "kind"
    return _step(page, app_id, "guarantee", data, call, default_field=field)


@router.post("/applications/{app_id}/approve", response_class=HTMLResponse)
def approve(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None

    def call(form: Form) -> str:
        employment.approve(
            page.uow(), actor, page.container.policy, app_id=app_id, request_id=request_id_of(data)
        )
        return "approved"

    return _step(page, app_id, "approve", data, call)


@router.post("/applications/{app_id}/disburse", response_class=HTMLResponse)
def disburse(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    """The payer's step. The service refuses the approver and anyone without the role (a
    403 page, audited); a loan the monthly limit holds back is noted with the month it
    waits for and shown again with the reason."""
    actor = page.actor
    assert actor is not None

    def call(form: Form) -> str:
        employment.disburse(
            page.uow(), actor, page.container.policy, app_id=app_id, request_id=request_id_of(data)
        )
        return "disbursed"

    return _step(page, app_id, "disburse", data, call)


def _reason_step(page: Page, app_id: int, data: Mapping[str, str], withdraw: bool) -> Response:
    actor = page.actor
    assert actor is not None

    def call(form: Form) -> str | None:
        reason = form.parse("reason", str)
        if reason is None:
            return None
        employment.reject(
            page.uow(),
            actor,
            app_id=app_id,
            reason=reason[:1000],
            withdraw=withdraw,
            request_id=request_id_of(data),
        )
        return "withdrawn" if withdraw else "rejected"

    return _step(page, app_id, "withdraw" if withdraw else "reject", data, call)


@router.post("/applications/{app_id}/reject", response_class=HTMLResponse)
def reject(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    return _reason_step(page, app_id, data, withdraw=False)


@router.post("/applications/{app_id}/withdraw", response_class=HTMLResponse)
def withdraw(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    return _reason_step(page, app_id, data, withdraw=True)


@router.post("/applications/{app_id}/repay", response_class=HTMLResponse)
def repay(page: EmploymentPage, app_id: int, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    tracking = f"emp-repay:{app_id}:{request_id_of(data)}"

    def call(form: Form) -> str | None:
        amount = form.parse("amount", rial_field("amount"))
        if amount is None:
            return None
        r = employment.repay(
            page.uow(),
            actor,
            page.container.policy,
            app_id=app_id,
            amount=amount,
            request_id=tracking,
        )
        return "replayed" if r.replayed else "repaid"

    return _step(page, app_id, "repay", data, call, default_field="amount", receipt=tracking)
