"""The employment-loan pipeline for staff (PROGRAMS.md §2.4): agency officers submit
business plans, review them and introduce the applicant to a bank (or reject, or record a
withdrawal); bank officers record guarantees, see which bundle is met or what is missing,
approve, reject and record repayments; the bank's supervisor pays what somebody else
approved (maker and checker shown; a loan refused by the monthly limit shows the month it
waits for). Every application has a page with its timeline, reasons, SAMAT code and fee
schedule.

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
from tashilat.domain.jalali import jalali_year
from tashilat.domain.programs.employment import rules
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.core import (
    CheckedForm,
    Form,
    Page,
    WebRoute,
    audit_refusal,
    int_field,
    new_request_id,
    redirect,
    render,
    request_id_of,
    rial_field,
    status_of,
)
from tashilat.entrypoints.web.pages.employment_common import (
    EMPLOYMENT_ROLES,
    KINDS,
    OPEN_STATES,
    STATES,
    EmploymentPage,
    bundle_words,
)
from tashilat.services import calendar, employment, loans, reports
from tashilat.services.errors import Forbidden, NotFound

router = APIRouter(prefix="/employment", route_class=WebRoute)

menu.add(
    menu.MenuItem(
        "employment.pipeline",
        "کارتابل اشتغال‌زایی",
        "Employment pipeline",
        "/employment",
        permission="employment.read",
        roles=EMPLOYMENT_ROLES,
        order=40,
    ),
)

PAGE_SIZE = 50

OK_MESSAGES: dict[str, tuple[str, str]] = {
    "submitted": ("طرح ثبت شد.", "The plan was submitted."),
    "review": ("بررسی دستگاه آغاز شد.", "The agency's review has started."),
    "introduced": (
        "متقاضی به بانک معرفی و تخصیص رزرو شد.",
        "The applicant was introduced to the bank and the allocation reserved.",
    ),
    "guarantee": ("ضمانت ثبت شد.", "The guarantee was recorded."),
    "approved": ("وام تأیید شد.", "The loan was approved."),
    "disbursed": ("وام پرداخت شد.", "The loan was disbursed."),
    "rejected": ("درخواست رد شد.", "The application was rejected."),
    "withdrawn": ("انصراف متقاضی ثبت شد.", "The withdrawal was recorded."),
    "repaid": ("بازپرداخت ثبت شد.", "The repayment was recorded."),
    "replayed": (
        "این فرم پیش‌تر فرستاده شده بود؛ چیزی دوباره ثبت نشد.",
        "This form was already sent; nothing was posted twice.",
    ),
}

# The states each role acts on (its "to do" list on the pipeline page).
ACTIONABLE: dict[str, tuple[str, ...]] = {
    "agency_officer": ("submitted", "agency_review"),
    "bank_officer": ("introduced", "bank_review"),
    "supervisor": ("approved",),
    "admin": OPEN_STATES,
    "auditor": (),
}

SUBMIT_FIELDS = (
    "national_id",
    "name",
    "agency",
    "province",
    "amount",
    "jobs",
    "category",
    "category_other",
    "mandated",
    "repeat_business_active",
    "legal_entity",
    "clients_hired",
    "description",
)
FORMS: dict[str, tuple[str, ...]] = {
    "review": (),
    "introduce": ("bank",),
    "guarantee": ("kind", "grade", "national_id"),
    "approve": (),
    "disburse": (),
    "reject": ("reason",),
    "withdraw": ("reason",),
    "repay": ("amount",),
}


def _ok(page: Page) -> str | None:
    key = page.request.query_params.get("ok", "")
    return page.fmt.t(*OK_MESSAGES[key]) if key in OK_MESSAGES else None


def _offset(page: Page) -> int:
    try:
        return max(0, min(int(page.request.query_params.get("offset", "0")), 10_000_000))
    except ValueError:
        return 0


def _refused(page: Page, form: Form, exc: TashilatError, default_field: str | None = None) -> None:
    """File a service error on its form and audit it (refused POSTs are audited). A step
    the person may not take at all is not a form error: it is a 403 page."""
    if isinstance(exc, Forbidden | NotFound):
        raise exc
    form.add(exc, default_field=default_field)
    audit_refusal(page.request, exc)


def _ctx(page: Page, **extra: Any) -> dict[str, Any]:
    return {"ok": _ok(page), "states": STATES, "kinds": KINDS, **extra}


# -- the pipeline ------------------------------------------------------------------------------


def _submit_context(page: Page, form: Form | None) -> dict[str, Any]:
    """The new-plan form: the agency's provinces (where it has an allocation this year) and
    its approved categories."""
    actor = page.actor
    assert actor is not None
    if not page.can("employment.submit"):
        return {"submit_form": None}
    year = jalali_year(calendar.get(page.reader()))
    agency_id = actor.agency_id if actor.role == "agency_officer" else None
    agencies = reports.agencies(page.reader(), actor)
    provinces = reports.allocation_provinces(page.reader(), actor, year=year, agency_id=agency_id)
    categories = reports.approved_categories(page.reader(), actor, year=year, agency_id=agency_id)
    by_id = {a.id: a for a in agencies}
    cat_options = [("", page.fmt.t("بدون رسته مصوب", "no approved category"))]
    cat_options += [
        (
            c.code,
            f"{c.name_fa} ({c.code})"
            + (
                f" · {by_id[c.agency_id].code}"
                if agency_id is None and c.agency_id in by_id
                else ""
            ),
        )
        for c in categories
    ]
    if form is None:
        form = Form(
            values={"request_id": new_request_id(), "mandated": "1", "jobs": "1"},
            fields=SUBMIT_FIELDS,
        )
    return {
        "submit_form": form,
        "own_agency": by_id.get(actor.agency_id) if actor.agency_id else None,
        "agency_options": [
            (a.code, f"{page.fmt.pick(a.name_fa, a.name_en)} ({a.code})") for a in agencies
        ],
        "province_options": [("", "—"), *((p, p) for p in provinces)],
        "category_options": cat_options,
        "year": year,
    }


def _pipeline(
    page: Page, state: str = "", form: Form | None = None, status: int = 200
) -> HTMLResponse:
    actor = page.actor
    assert actor is not None
    state = state if state in STATES else ""
    offset = _offset(page)
    rows, total = employment.list_applications(
        page.reader(), actor, offset=offset, limit=PAGE_SIZE, state=state or None
    )
    names = reports.employment_names(page.reader(), actor, rows)
    todo = [
        (st, employment.list_applications(page.reader(), actor, offset=0, limit=0, state=st)[1])
        for st in ACTIONABLE.get(actor.role, ())
    ]
    scope = None
    if actor.role == "agency_officer" and actor.agency_id is not None:
        scope = next(
            (a for a in reports.agencies(page.reader(), actor) if a.id == actor.agency_id), None
        )
    elif actor.bank_id is not None:
        scope = next(
            (b for b in reports.agent_banks(page.reader(), actor) if b.id == actor.bank_id), None
        )
    return render(
        page.request,
        "employment/pipeline.html",
        _ctx(
            page,
            rows=rows,
            total=total,
            offset=offset,
            limit=PAGE_SIZE,
            state=state,
            names=names,
            todo=todo,
            scope=scope,
            business_date=calendar.get(page.reader()),
            **_submit_context(page, form),
        ),
        status=status,
    )


@router.get("", response_class=HTMLResponse)
def pipeline(page: EmploymentPage, state: str = "") -> HTMLResponse:
    return _pipeline(page, state)


def _plan_default_field(exc: TashilatError) -> str:
    codes = {r.code for r in getattr(exc, "reasons", ()) if not r.passed}
    if codes and all(c.startswith(("employment.one_loan", "repeat.")) for c in codes):
        return "national_id"
    return "amount"


@router.post("/applications", response_class=HTMLResponse)
def submit(page: EmploymentPage, data: CheckedForm) -> Response:
    actor = page.actor
    assert actor is not None
    form = Form(values=data, fields=SUBMIT_FIELDS)
    nid = form.parse("national_id", lambda v: parse_national_id(v, field="national_id"))
    form.parse("name", str)
    form.parse("province", str)
    amount = form.parse("amount", rial_field("amount"))
    jobs = form.parse("jobs", int_field("jobs", 1, 100_000))
    legal = data.get("legal_entity") in ("1", "on")
    clients = form.parse("clients_hired", int_field("clients_hired", 0, 100_000), required=False)
    if actor.role == "agency_officer":
        own = [a for a in reports.agencies(page.reader(), actor) if a.id == actor.agency_id]
        agency_code = own[0].code if own else ""
    else:
        agency_code = form.parse("agency", str) or ""
    category = (data.get("category") or data.get("category_other") or "").strip()[:40] or None
    if form.ok and nid is not None and amount is not None and jobs is not None:
        try:
            app, _ = employment.submit(
                page.uow(),
                actor,
                page.container.policy,
                national_id=nid,
                name=data["name"][:200],
                province=data["province"][:100],
                agency_code=agency_code,
                amount=amount,
                jobs=jobs,
                category_code=category,
                legal_entity=legal,
                clients_hired=clients or 0,
                mandated=data.get("mandated") in ("1", "on"),
                repeat_business_active=data.get("repeat_business_active") in ("1", "on"),
                description=data.get("description", "")[:2000],
                request_id=request_id_of(data),
            )
        except TashilatError as exc:
            _refused(page, form, exc, default_field=_plan_default_field(exc))
        else:
            return redirect(f"/employment/applications/{app.id}?ok=submitted")
    form.values = {**data, "request_id": new_request_id()}
    return _pipeline(page, form=form, status=422)


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
) -> Response:
    """Run one step of the workflow: ``call`` parses its fields and calls the service,
    returning the ``ok`` key to show, or ``None`` when a field was wrong."""
    form = Form(values=data, fields=FORMS[name])
    try:
        ok = call(form)
    except TashilatError as exc:
        _refused(page, form, exc, default_field=default_field)
        return _detail(page, app_id, {name: form}, status=status_of(exc))
    if ok is None or not form.ok:
        return _detail(page, app_id, {name: form}, status=422)
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
            request_id=f"emp-repay:{app_id}:{request_id_of(data)}",
        )
        return "replayed" if r.replayed else "repaid"

    return _step(page, app_id, "repay", data, call, default_field="amount")
