"""The employment-loan pipeline for staff: the list of applications and the form that submits a
business plan (agency officers).

Every step is a service call (``services.employment``), which checks the role, the agency
or bank and the rules; a refusal comes back as the form again with every reason and its
legal reference next to it, and is audited. A step the person may not take is a 403 page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from tashilat.domain.errors import TashilatError
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import jalali_year
from tashilat.entrypoints.web import menu
from tashilat.entrypoints.web.forms import (
    Form,
    int_field,
    new_request_id,
    request_id_of,
    rial_field,
)
from tashilat.entrypoints.web.pages.employment_common import (
    EMPLOYMENT_ROLES,
    OPEN_STATES,
    STATES,
    EmploymentPage,
    _ctx,
    _offset,
    _refused,
)
from tashilat.entrypoints.web.rendering import WebRoute, redirect, render
from tashilat.entrypoints.web.sessions import CheckedForm, Page
from tashilat.services import calendar, employment, reports

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
